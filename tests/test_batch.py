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
from lmt_scan.point import ModelBatch, ModelPoint
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


def test_model_batch_rows_are_the_model_points():
    """Every derived quantity of batch row i is the lone ModelPoint's (same providers);
    a nonpositive parameter rejects its row only."""
    rng = np.random.default_rng(11)
    rows = [{"m_Zp": 10 ** rng.uniform(0, 2.5), "g_p": 10 ** rng.uniform(-5, -2),
             "m_phi": 10 ** rng.uniform(0, 2.5), "M1": 10 ** rng.uniform(0, 2)}
            for _ in range(40)]
    rows[7] = dict(rows[7], g_p=-1.0)
    batch = ModelBatch(rows)
    assert batch.rejected[7] == "nonpositive_g_p" and batch.point(7) is None
    cheap = [n for n in DERIVED if n not in ("Neff", "delta_Neff")] + ["Neff"]
    for name in cheap:
        values, reasons = batch.values(name)
        for i, row in enumerate(rows):
            if i == 7:
                assert values[i] is None and reasons[i] == "nonpositive_g_p"
                continue
            try:
                expected, why = ModelPoint.from_dict(row)[name], None
            except PointRejected as rejected:
                expected, why = None, rejected.reason
            assert reasons[i] == why, (name, row)
            if why is None:
                pairs = ([(values[i][k], expected[k]) for k in expected]
                         if isinstance(expected, dict) else [(values[i], expected)])
                assert all(_close(a, b) for a, b in pairs), (name, row, values[i], expected)


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
