"""Today's data sets (N_eff: ACT DR6 + BBN, Goldstein & Hill 2026; SIDM: Andrade 2022,
Sagunski 2021), the shipped run ``docs/runs/today`` of ``runs/today.yaml`` and the README
statements about it, and ``lmt-scan figure fig1-today``."""
import math

import numpy as np
import pytest
import yaml

from likelihoods.neff import Neff
from likelihoods.sidm_halos import SidmHalos
from likelihoods.sidm_targets import SidmTargets
from lmt_scan.errors import ConfigError
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


def evaluable_points(plugin):
    """(point, plugin.loglike(point)) on random box points where the plugin evaluates (no
    relic solution / outside the σ_T table are skipped: not these tests' job)."""
    while True:
        point = random_point()
        try:
            yield point, plugin.loglike(point)
        except Exception:
            continue


def hand_split(pred, value, up, down):
    return -0.5 * ((pred - value) / (up if pred >= value else down)) ** 2


def test_sidm_recent_data_sets_over_random_points():
    kty = SidmHalos()
    andrade = SidmHalos(datasets=["andrade2022"])
    sagunski = SidmHalos(datasets=["sagunski2021"], sagunski_groups_v_kms=1000.0,
                         sagunski_clusters_v_kms=2000.0)
    both = SidmHalos(datasets=["kty16", "andrade2022", "sagunski2021"])
    for _, (point, base) in zip(range(12), evaluable_points(kty)):
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


def hand_upper(pred, limit, softness=0.1):
    return 0.0 if pred <= limit else -0.5 * (math.log10(pred / limit) / softness) ** 2


def test_sidm_targets_newer_cluster_upper_limits_over_random_points():
    # the limits are the shared data's abstract numbers (provenance), then the formula
    shared = (REPO.parent / "shared" / "data" / "sidm" / "halo_constraints_after_kty16.csv")
    text = shared.read_text() if shared.is_file() else None
    table = yaml.safe_load((REPO / "likelihoods" / "data" / "sidm_upper_limits.yaml").read_text())
    assert (table["andrade2022"]["limit"], table["andrade2022"]["v_kms"]) == (0.13, 1458)
    assert table["sagunski2021"]["limit"] == 0.35 and "NOT verified" in table["sagunski2021"]["source"]
    if text is not None:
        assert "<0.13 (95%)" in text and "1458 +80/-81" in text and "<0.35 (95%)" in text
    paper = SidmTargets()
    today = SidmTargets(upper_limits=["andrade2022", "sagunski2021"],
                        sagunski_clusters_v_kms=1900.0)
    soft = SidmTargets(upper_limits=["andrade2022"], upper_limit_softness=0.3, use=["dwarf"])
    n, above = 0, 0
    for point, base in evaluable_points(paper):
        if n >= 12 and 0 < above < n:   # until both sides of the limit were seen
            break
        assert n < 60
        n += 1
        s_a, s_s = sigmav_over_M(point, [1458.0, 1900.0]) / np.array([1458.0, 1900.0])
        assert today.loglike(point) == pytest.approx(
            base + hand_upper(s_a, 0.13) + hand_upper(s_s, 0.35), rel=1e-12, abs=1e-12)
        dwarf = SidmTargets(use=["dwarf"]).loglike(point)
        assert soft.loglike(point) == pytest.approx(dwarf + hand_upper(s_a, 0.13, 0.3),
                                                    rel=1e-12, abs=1e-12)
        above += s_a > 0.13
    with pytest.raises(ConfigError, match="unknown upper limit 'harvey2019'"):
        SidmTargets(upper_limits=["harvey2019"])


def test_sidm_unknown_data_set_is_one_line_exit_2(tmp_path):
    card = small_card(tmp_path, likelihoods={"sidm_halos": {"datasets": ["andrade2023"]}})
    result = run_cli("run", card)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "likelihoods.sidm_halos.datasets" in result.stderr and "andrade2023" in result.stderr


# ---------------------------------------------------------------- the shipped run

from lmt_scan import analysis, output                      # noqa: E402
from lmt_scan.config import load_run_card                  # noqa: E402
from lmt_scan.posterior import evaluate_point              # noqa: E402

SHIPPED = REPO / "docs" / "runs" / "today"
LAB = ("muon_g2", "borexino", "white_dwarf", "ccfr_trident", "charm2_trident", "babar_mumu",
       "charm2_nue", "na64")


def shipped():
    chains = output.read_chains(SHIPPED)
    w = chains["weights"] / chains["weights"].sum()
    return chains, w, lambda name: analysis.column(chains, name)


def quantiles(col, w, name, q=(0.025, 0.975)):
    return analysis.weighted_quantiles(col(name), w, list(q))


def test_shipped_today_run_is_the_card_and_todays_physics():
    card = yaml.safe_load((REPO / "runs" / "today.yaml").read_text())
    run = yaml.safe_load((SHIPPED / output.RUN_CARD).read_text())
    assert run["likelihoods"] == card["likelihoods"] and run["parameters"] == card["parameters"]
    assert run["sampler"]["nlive"] == card["sampler"]["nlive"]
    chains, w, col = shipped()
    config = load_run_card(SHIPPED / output.RUN_CARD)
    for row in rng.choice(len(w), size=8, replace=False, p=w):
        params = {p: col(p)[row] for p in ("m_Zp", "g_p", "m_phi", "M1")}
        _, total, per_plugin, reason = evaluate_point(params, config.likelihoods,
                                                      config.settings,
                                                      stop_at_first_rejection=False)
        assert reason is None
        assert total == pytest.approx(chains["loglike"][row], rel=1e-4, abs=1e-4)
        for label, value in per_plugin.items():
            assert value == pytest.approx(col(f"loglike.{label}")[row], rel=1e-4, abs=1e-4)


def test_readme_surviving_zprime_region():
    chains, w, col = shipped()
    lo, hi = quantiles(col, w, "m_Zp")
    assert 10.0 < lo and hi < 17.0                       # README: m_Z′ ≈ 11–16 MeV (95 %)
    lo, hi = quantiles(col, w, "g_p")
    assert 1.4e-4 < lo and hi < 2.5e-4                   # README: g′ ≈ 1.5–2.3×10⁻⁴
    assert col("g_p").max() < 4e-4 and col("m_Zp").max() < 25.0
    # far below every laboratory bound: no lab term costs more than Δχ² = 1.6 anywhere
    for label in LAB:
        assert col(f"loglike.{label}").min() > -0.8, label
    # and the 2018 anomaly (26.1e-10) is not asked for: Δa_μ < 5e-10 for 97.5 %
    assert quantiles(col, w, "delta_a_mu", (0.975,))[0] < 5e-10


def test_readme_what_sidm_data_ask_of_phi_and_M1():
    chains, w, col = shipped()
    ratio = col("m_phi") / col("m_Zp")
    assert analysis.weighted_quantiles(ratio, w, [0.975])[0] < 1.15   # ϕ just above Z′
    lo, hi = quantiles(col, w, "m_phi")
    assert 11.0 < lo and hi < 17.5                       # README: m_ϕ ≈ 11.5–17 MeV
    lo, hi = quantiles(col, w, "M1")
    assert 10.5 < lo and hi < 18.0                       # README: M1 ≈ 11–17.5 GeV
    lo, hi = quantiles(col, w, "sigmaT_over_M.v30")
    assert 1.5 < lo and hi < 7.0
    assert quantiles(col, w, "sigmaT_over_M.v1000", (0.975,))[0] < 0.075
    # the N_eff of Goldstein & Hill pulls the other way: ΔN_eff 0.15–0.35 costs Δχ² > 10
    lo, hi = quantiles(col, w, "delta_Neff")
    assert 0.12 < lo and hi < 0.35
    assert np.sum(w * col("loglike.neff")) < -5.0
    # near m_ϕ = m_Z′ the ϕ is long-lived: the paper's "τ_ϕ < 1 s for m_ϕ > m_Z′" fails here
    assert w[col("tau_phi_s") > 1e6].sum() > 0.1


def test_fig1_today(tmp_path):
    from likelihoods.limit_curve import LimitCurve
    from lmt_scan.figures import make_figure
    from lmt_scan.figures_today import CURVES_DRAWN, credible_region, today_run_samples
    result = make_figure("fig1-today", tmp_path)
    assert not result["missing"]
    assert {p.name for p in result["files"]} == {"fig1-today.png", "fig1-today.pdf",
                                                 "fig1-today.csv"}
    data = result["data"]
    m_GeV = data["m_Zp_MeV"] * 1e-3
    for name in CURVES_DRAWN:
        np.testing.assert_array_equal(data[f"curve_{name}"], LimitCurve(file=name).limit(m_GeV))
    # the g−2 2025 2σ upper edge: Δa_μ(Eq. 8) = (exp − SM) + 2σ from the data file's numbers
    from lmt_scan.physics import zprime
    g2 = yaml.safe_load((REPO / "likelihoods" / "data" / "muon_g2.yaml").read_text())
    exp, th = g2["exp2025_wp2025"]["experiment"], g2["exp2025_wp2025"]["theory"]
    edge = 1e-11 * (exp["value"] - th["value"] + 2 * math.hypot(exp["sigma"], th["sigma"]))
    assert edge == pytest.approx(16.58e-10, rel=1e-3)
    for i in rng.choice(len(m_GeV), 5, replace=False):
        g = data["g2_2sigma_high"][i]
        assert zprime.delta_a_mu(m_GeV[i], g) == pytest.approx(edge, rel=1e-6)
    # the drawn 95 % region holds 95 % of the shipped weight and lies in 9–22 MeV
    m, g, w = today_run_samples()
    xe, ye, H, level = credible_region(np.log10(m), np.log10(g), w,
                                       extent=[[math.log10(5.0), 3.0], [-6.0, -2.0]])
    assert H[H >= level].sum() == pytest.approx(0.95, abs=0.03)
    inside = np.nonzero(H >= level)
    assert 10 ** xe[inside[0].min()] > 8.0 and 10 ** xe[inside[0].max() + 1] < 23.0
