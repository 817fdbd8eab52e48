"""The sampler-facing callable: picklable, counts rejections, never raises."""
import math
import pickle

import numpy as np
import pytest

from lmt_scan.config import load_run_card
from lmt_scan.errors import PointRejected
from lmt_scan.plugins import Likelihood
from lmt_scan.point import model_settings
from lmt_scan.posterior import LOG_ZERO, Posterior, evaluate_point

from conftest import small_card


class Exploding(Likelihood):
    name = "exploding"

    def loglike(self, point):
        if point.params["m_Zp"] > 50:
            raise ZeroDivisionError("physics broke")
        if point.params["m_Zp"] > 20:
            return float("nan")
        return 0.0


def test_posterior_pickles_and_evaluates_identically(tmp_path):
    config = load_run_card(small_card(tmp_path))
    posterior = Posterior.from_config(config)
    clone = pickle.loads(pickle.dumps(posterior))
    theta = posterior.prior_transform([0.3, 0.6])
    assert clone.loglike(theta) == posterior.loglike(theta)


def test_failures_become_counted_reasons():
    settings = model_settings({"require_relic": False})
    likes = {"boom": Exploding()}
    for m, reason in [(10.0, None), (30.0, "boom:nan"), (80.0, "boom:ZeroDivisionError")]:
        _, total, _, why = evaluate_point({"m_Zp": m, "g_p": 5e-4, "m_phi": 20, "M1": 20},
                                          likes, settings)
        assert why == reason
        assert (total == 0.0) if reason is None else (total == -math.inf)


def test_nonpositive_parameter_is_rejected_not_raised():
    _, total, per_plugin, why = evaluate_point({"m_Zp": -1.0, "g_p": 5e-4, "m_phi": 20, "M1": 20},
                                               {"boom": Exploding()}, model_settings())
    assert total == -math.inf and why == "nonpositive_m_Zp"


def test_counts_and_finite_floor(tmp_path):
    config = load_run_card(small_card(tmp_path))
    posterior = Posterior.from_config(config)
    heavy = np.array([300.0, 1e-4])    # v_Φ = 3 TeV: no pseudo-Dirac relic solution
    assert posterior.loglike(heavy) == -math.inf
    assert posterior.finite_loglike(heavy) == LOG_ZERO
    assert sum(posterior.reasons.values()) == 2 and posterior.ncall == 2


def test_points_outside_the_sigma_table_are_rejected_by_default():
    # m_ϕ = 0.5 MeV, M1 = 100 GeV: the cluster average ⟨σ_T v⟩ at ⟨v⟩ = 1750 km/s needs
    # k̄ = M1⟨v⟩/2m_ϕ ≈ 580, beyond the shipped table (k̄ ≤ 300); the direct solver would take
    # minutes, so by default the point is rejected with a reason
    from likelihoods.sidm_halos import SidmHalos
    settings = model_settings()
    assert settings["sidm_outside_table"] == "reject"
    _, total, _, why = evaluate_point({"m_Zp": 10.0, "g_p": 5e-4, "m_phi": 0.5, "M1": 100.0},
                                      {"sidm_halos": SidmHalos()}, settings)
    assert total == -math.inf and why == "sidm_outside_table"
    # the corner of the priors (m_ϕ = 1 MeV, M1 = 100 GeV, k̄ ≈ 290 for clusters) is inside
    _, total, _, why = evaluate_point({"m_Zp": 10.0, "g_p": 5e-4, "m_phi": 1.0, "M1": 100.0},
                                      {"sidm_halos": SidmHalos()}, settings)
    assert math.isfinite(total) and why is None


def test_posterior_unpickled_in_a_fresh_interpreter_gives_the_hand_log_likelihood(tmp_path):
    """The pickled posterior (what process pools and MPI workers receive) evaluated in a new
    interpreter against an independent expectation, not against itself: log-uniform prior
    transforms by hand, ln L = −½((Δa_μ − 26.1e-10)/8.0e-10)² − ½(1.96 |G_Z′|/(C_V G_F))²
    with Eq. 8 by quadrature and G_Z′ from Eq. 3 (Sec. II A), at 12 random unit-cube points."""
    import json
    import subprocess
    import sys
    from scipy.integrate import quad
    card = small_card(tmp_path, likelihoods={"muon_g2": {"dataset": "paper2018_a"},
                                             "white_dwarf": {}},
                      model={"require_relic": False})
    posterior = Posterior.from_config(load_run_card(card))
    posterior.loglike(posterior.prior_transform([0.5, 0.5]))      # state the clone must carry
    (tmp_path / "post.pkl").write_bytes(pickle.dumps(posterior))
    u = np.random.default_rng(18).uniform(size=(12, 2)).tolist()
    child = ("import json, pickle, sys\n"
             "post = pickle.load(open(sys.argv[1], 'rb'))\n"
             "out = [[list(map(float, post.prior_transform(x))),"
             " post.loglike(post.prior_transform(x))] for x in json.loads(sys.argv[2])]\n"
             "print(json.dumps({'rows': out, 'ncall': post.ncall, 'reasons': dict(post.reasons)}))\n")
    result = subprocess.run([sys.executable, "-c", child, str(tmp_path / "post.pkl"),
                             json.dumps(u)], capture_output=True, text=True, timeout=120,
                            cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["ncall"] == 1 + len(u) and got["reasons"] == {}
    m_mu, m_tau, alpha, g_f, c_v = 0.1056583755, 1.77686, 1 / 137.035999, 1.1663788e-5, 0.964
    for (u_m, u_g), (theta, loglike) in zip(u, got["rows"]):
        m_MeV, g = 5.0 * (300.0 / 5.0) ** u_m, 1e-4 * 30.0 ** u_g      # log-uniform boxes
        assert theta == pytest.approx([m_MeV, g], rel=1e-12, abs=0)
        m = m_MeV * 1e-3
        loop = quad(lambda x: 2 * m_mu ** 2 * x ** 2 * (1 - x)
                    / (x ** 2 * m_mu ** 2 + (1 - x) * m ** 2), 0, 1, epsabs=0, epsrel=1e-11)[0]
        delta_a = g ** 2 / (8 * math.pi ** 2) * loop
        e = math.sqrt(4 * math.pi * alpha)
        eps = e * g * math.log(m_tau ** 2 / m_mu ** 2) / (12 * math.pi ** 2)     # |ε_AZ′|, Eq. 3
        ratio = e * g * eps / (2 * m ** 2) / (c_v * g_f)
        expected = -0.5 * ((delta_a - 26.1e-10) / 8.0e-10) ** 2 - 0.5 * (1.96 * ratio) ** 2
        assert loglike == pytest.approx(expected, rel=1e-7, abs=1e-9)
