"""Today's data sets (N_eff: ACT DR6 + BBN, Goldstein & Hill 2026; SIDM: Andrade 2022,
Sagunski 2021), the shipped run ``docs/runs/today`` of ``runs/today.yaml`` and the README
statements about it, and ``lmt-scan figure fig1-today``."""
import math

import numpy as np
import pytest
import yaml

from likelihoods.neff import Neff
from likelihoods.sidm_halos import SidmHalos
from lmt_scan.derived.sidm import sigmav_over_M
from lmt_scan.point import ModelPoint

from conftest import REPO, run_cli, small_card

rng = np.random.default_rng(26031322)


def random_point():
    """A point of the today.yaml prior box with m_ϕ > m_Z′ (log-uniform)."""
    m_Zp = 10 ** rng.uniform(0, math.log10(300))
    return ModelPoint(m_Zp, 10 ** rng.uniform(-5, -2), m_Zp * 10 ** rng.uniform(0.01, 1),
                      10 ** rng.uniform(0, 2))


@pytest.mark.parametrize("dataset, mean, sigma", [("act_dr6_bbn", 2.89, 0.11),
                                                  ("goldstein_hill2026", 2.990, 0.070)])
def test_neff_data_sets(dataset, mean, sigma):
    entry = yaml.safe_load((REPO / "likelihoods" / "data" / "neff.yaml").read_text())[dataset]
    assert entry["includes_bbn"] is True and "arXiv:" in entry["source"]
    plugin = Neff(dataset=dataset)
    assert (plugin.mean, plugin.sigma) == (mean, sigma)
    for _ in range(3):
        point = ModelPoint(10 ** rng.uniform(0.5, 2), 10 ** rng.uniform(-4.5, -3), 300.0, 20.0)
        value = 3.044 + point["delta_Neff"]
        assert plugin.loglike(point) == pytest.approx(-0.5 * ((value - mean) / sigma) ** 2)


def hand_split(pred, value, up, down):
    return -0.5 * ((pred - value) / (up if pred >= value else down)) ** 2


def test_sidm_recent_data_sets_over_random_points():
    kty = SidmHalos()
    andrade = SidmHalos(datasets=["andrade2022"])
    sagunski = SidmHalos(datasets=["sagunski2021"], sagunski_groups_v_kms=1000.0,
                         sagunski_clusters_v_kms=2000.0)
    both = SidmHalos(datasets=["kty16", "andrade2022", "sagunski2021"])
    n = 0
    while n < 12:
        point = random_point()
        try:
            base = kty.loglike(point)
        except Exception:      # no relic solution / outside the σ_T table: not this test's job
            continue
        n += 1
        # the same prediction as the KTY16 points: ⟨σ_T v⟩/M1 (MB average) ÷ ⟨v⟩
        s_a = float(sigmav_over_M(point, [1458.0])[0]) / 1458.0
        assert andrade.loglike(point) == pytest.approx(hand_split(s_a, 0.082, 0.027, 0.021))
        s_g, s_c = sigmav_over_M(point, [1000.0, 2000.0]) / np.array([1000.0, 2000.0])
        assert sagunski.loglike(point) == pytest.approx(
            hand_split(s_g, 0.5, 0.2, 0.2) + hand_split(s_c, 0.19, 0.09, 0.09))
        s_g, s_c = sigmav_over_M(point, [1100.0, 1750.0]) / np.array([1100.0, 1750.0])
        assert both.loglike(point) == pytest.approx(
            base + hand_split(s_a, 0.082, 0.027, 0.021) + hand_split(s_g, 0.5, 0.2, 0.2)
            + hand_split(s_c, 0.19, 0.09, 0.09))


def test_sidm_unknown_data_set_is_one_line_exit_2(tmp_path):
    card = small_card(tmp_path, likelihoods={"sidm_halos": {"datasets": ["andrade2023"]}})
    result = run_cli("run", card)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "likelihoods.sidm_halos.datasets" in result.stderr and "andrade2023" in result.stderr
