"""The batched path (ModelBatch, Likelihood.loglike_batch, Posterior.*_batch) against the
scalar one: random samples over the full prior box of every shipped run card, rejected
points included, give the same log L (to 1e-9 relative) and the same rejection reasons."""
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from lmt_scan.config import load_run_card
from lmt_scan.derived import DERIVED
from lmt_scan.plugins import Likelihood, PointRejected
from lmt_scan.point import PARAMETERS, ModelBatch, ModelPoint
from lmt_scan.posterior import Posterior, evaluate_batch, evaluate_point

from conftest import REPO

CARDS = sorted(p.name for p in (REPO / "runs").glob("*.yaml"))
N = 250


def _close(a, b):
    if a == b:
        return True
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def _thetas(posterior, n, seed):
    rng = np.random.default_rng(seed)
    return [posterior.prior_transform(rng.uniform(size=posterior.ndim)) for _ in range(n)]


@pytest.mark.parametrize("card", CARDS)
def test_batch_equals_scalar_over_the_prior_box(card):
    posterior = Posterior.from_config(load_run_card(REPO / "runs" / card))
    rows = [posterior.params(t) for t in _thetas(posterior, N, seed=len(card))]
    totals, reasons = evaluate_batch(rows, posterior.likelihoods, posterior.settings)
    for row, total, reason in zip(rows, totals, reasons):
        _, scalar_total, _, scalar_reason = evaluate_point(row, posterior.likelihoods,
                                                           posterior.settings)
        assert reason == scalar_reason, row
        assert _close(total, scalar_total), (row, total, scalar_total)
    # both accepted and rejected points were drawn (else the test shows little)
    assert any(r is None for r in reasons)


@pytest.mark.parametrize("run", ["paper_full", "current_data", "today"])
def test_batch_equals_scalar_on_shipped_posterior_samples(run):
    """Posterior samples reach every likelihood (σ_T windows and halos, N_eff, trident …),
    which prior draws mostly do not: batch == scalar there too, and row by row independent
    of the batch."""
    posterior = Posterior.from_config(load_run_card(REPO / "runs" / f"{run}.yaml"))
    samples = np.loadtxt(REPO / "docs" / "runs" / run / "lmt-.txt")[:, 2:6]
    rows = samples[np.random.default_rng(2).choice(len(samples), 150, replace=False)]
    thetas = [[row[list(PARAMETERS).index(p)] for p in posterior.free] for row in rows]
    totals = posterior.loglike_batch(thetas)
    assert totals == [v for k in range(0, 150, 7) for v in posterior.loglike_batch(thetas[k:k + 7])]
    scalar = [posterior.loglike(t) for t in thetas]
    assert all(map(_close, totals, scalar)) and sum(math.isfinite(v) for v in totals) > 100


def test_posterior_batch_counts_like_the_scalar_loop():
    card = REPO / "runs" / "paper_full.yaml"
    scalar, batched = (Posterior.from_config(load_run_card(card)) for _ in range(2))
    thetas = _thetas(scalar, N, seed=3)
    values = [scalar.finite_loglike(t) for t in thetas]
    assert all(map(_close, batched.finite_loglike_batch(thetas), values))
    assert batched.reasons == scalar.reasons and batched.ncall == scalar.ncall == N
    assert len(scalar.reasons) >= 3          # several kinds of rejection in the sample
    # log posterior: rows outside the prior box are not evaluated, as in the scalar path
    outside = [np.array([1e9] * scalar.ndim)] + thetas[:20]
    for got, want in zip(batched.log_posterior_batch(outside),
                         [scalar.log_posterior(t) for t in outside]):
        assert _close(got[0], want[0]) and _close(got[1], want[1])


def _box_rows(rng, n, m_zp=(-0.5, 3.2), g_p=(-5.5, -1.5), m_phi=(-0.5, 2.7), M1=(-0.3, 2.3)):
    """Random points (log-uniform) over a box wider than every shipped card's prior."""
    return [{"m_Zp": 10 ** rng.uniform(*m_zp), "g_p": 10 ** rng.uniform(*g_p),
             "m_phi": 10 ** rng.uniform(*m_phi), "M1": 10 ** rng.uniform(*M1)}
            for _ in range(n)]


def _same_row(name, value, reason, row, settings=None):
    try:
        expected, why = ModelPoint.from_dict(row, settings)[name], None
    except PointRejected as rejected:
        expected, why = None, rejected.reason
    assert reason == why, (name, row, reason, why)
    if why is None:
        pairs = ([(value[k], expected[k]) for k in expected]
                 if isinstance(expected, dict) else [(value, expected)])
        assert all(_close(a, b) for a, b in pairs), (name, row, value, expected)


SLOW = ("width_phi_GeV", "tau_phi_s")      # three-body quadratures: a few rows only


def test_model_batch_rows_are_the_model_points():
    """Every derived quantity of batch row i is the lone ModelPoint's (1e-9, same reason);
    a nonpositive parameter rejects its row only."""
    rows = _box_rows(np.random.default_rng(11), 150)
    rows[7] = dict(rows[7], g_p=-1.0)
    rows[8] = dict(rows[8], M1=math.nan)
    batch = ModelBatch(rows)
    assert batch.rejected[7] == "nonpositive_g_p" and batch.point(7) is None
    assert batch.rejected[8] == "nonpositive_M1"
    for name in DERIVED:
        values, reasons = batch.values(name)
        for i, row in enumerate(rows[:12] if name in SLOW else rows):
            if i in (7, 8):
                assert values[i] is None and reasons[i] == batch.rejected[i]
                continue
            _same_row(name, values[i], reasons[i], row)


@pytest.mark.parametrize("settings", [
    {"borexino_mode": "paper"}, {"borexino_mu_fraction": 0.83}, {"neff_method": "direct"},
    {"neff_decoupling": "collisional"}, {"x_f": 25.0, "pseudo_dirac_max": 0.1},
    {"sigmav_target_cm3_s": 4.4e-26}])
def test_batched_providers_follow_the_model_settings(settings):
    """Batched providers against ModelPoint under non-default model settings (the slow
    direct N_eff solves on a few rows)."""
    from lmt_scan.point import model_settings
    settings = model_settings(settings)
    n = 6 if settings["neff_method"] == "direct" or settings["neff_decoupling"] != \
        "instantaneous" else 80
    rows = _box_rows(np.random.default_rng(len(str(settings))), n)
    batch = ModelBatch(rows, settings)
    for name in [q.name for q in DERIVED.values() if q.compute_batch is not None]:
        values, reasons = batch.values(name)
        for i, row in enumerate(rows):
            _same_row(name, values[i], reasons[i], row, settings)


def test_borexino_rate_is_g4_I1_plus_g2_I2():
    """The decomposition rate = g′⁴ I₁(m_Z′) + g′² I₂(m_Z′) used by borexino_rate_ratio
    against the 48-node integral of Eq. (A3) at the actual g′, on random points."""
    from lmt_scan.physics import neutrino_scattering as ns
    rng = np.random.default_rng(8)
    m, g = 10 ** rng.uniform(-3.5, 0.5, 300), 10 ** rng.uniform(-6, -1, 300)
    per_g4, per_g2 = ns.zp_rates(m)
    for i in range(m.size):
        direct = ns._integrate_T(lambda T: ns.dsigma_dT_Zp_parts(T, ns.E_BE7, m[i], g[i]).T,
                                 ns.T_MIN_BOREXINO, ns.t_max(ns.E_BE7))
        assert _close(direct[0], g[i] ** 4 * per_g4[i]) and _close(direct[1], g[i] ** 2 * per_g2[i])
        assert ns.zp_rates(float(m[i])) == pytest.approx((per_g4[i], per_g2[i]), rel=1e-13, abs=0)


@pytest.mark.parametrize("card", ["paper_full.yaml", "quickstart.yaml", "today.yaml"])
def test_a_row_does_not_depend_on_the_batch_it_is_in(card):
    """Bit-identical log L for a row evaluated alone, in chunks of 3 or in one batch: the
    chain cannot depend on how a block is cut between workers."""
    posterior = Posterior.from_config(load_run_card(REPO / "runs" / card))
    thetas = np.array(_thetas(posterior, 120, seed=9))
    whole = posterior.loglike_batch(thetas)
    chunks = [v for k in range(0, 120, 3) for v in posterior.loglike_batch(thetas[k:k + 3])]
    alone = [posterior.loglike_batch(t[None, :])[0] for t in thetas[:30]]
    assert whole == chunks and whole[:30] == alone


class Threshold(Likelihood):
    """A third-party plugin with only a scalar loglike (and its own failure modes)."""
    name = "threshold"

    def loglike(self, point):
        if point.params["m_Zp"] > 100:
            raise PointRejected("threshold_excluded")
        if point.params["m_Zp"] > 80:
            raise ZeroDivisionError("plugin bug")
        if point.params["m_Zp"] > 60:
            return math.nan
        return -point["delta_a_mu"] * 1e9


def test_base_class_loops_over_loglike_for_plugins_without_a_batch_method():
    rng = np.random.default_rng(5)
    rows = [{"m_Zp": 10 ** rng.uniform(0.5, 2.3), "g_p": 10 ** rng.uniform(-4, -3),
             "m_phi": 20.0, "M1": 20.0} for _ in range(120)]
    likelihoods = {"t": Threshold()}
    settings = dict(load_run_card(REPO / "runs" / "quickstart.yaml").settings,
                    require_relic=False)    # every row reaches the plugin
    totals, reasons = evaluate_batch(rows, likelihoods, settings)
    seen = Counter(reasons)
    for row, total, reason in zip(rows, totals, reasons):
        _, scalar_total, _, scalar_reason = evaluate_point(row, likelihoods, settings)
        assert reason == scalar_reason and _close(total, scalar_total)
    assert {"threshold_excluded", "t:ZeroDivisionError", "t:nan", None} <= set(seen), seen
