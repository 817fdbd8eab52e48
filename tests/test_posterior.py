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
