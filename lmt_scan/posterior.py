"""The function the samplers call: unit cube → parameters → ModelPoint → Σ log L_i.

:class:`Posterior` is a plain module-level class (picklable, so process pools and MPI
can ship it).  It counts every −∞ by reason; the counts go to ``summary.json``.
"""
import math
from collections import Counter

import numpy as np

from .errors import PointRejected
from .point import PARAMETERS, ModelBatch, ModelPoint

# nested samplers that need a finite number for "impossible" points get this
LOG_ZERO = -1.0e100


def evaluate_point(params, likelihoods, settings, stop_at_first_rejection=True):
    """Evaluate every likelihood at ``params`` (dict of the four parameters).

    Returns ``(point, total, per_plugin, reason)``: ``per_plugin`` maps label → log L
    (−∞ where rejected), ``reason`` is the first rejection reason or None.  With
    ``stop_at_first_rejection`` the remaining plugins are skipped after a rejection
    (the sampler's hot path); otherwise every plugin is evaluated (derived columns).
    """
    try:
        point = ModelPoint.from_dict(params, settings)
    except PointRejected as rejected:
        return None, -math.inf, {label: -math.inf for label in likelihoods}, rejected.reason
    reason = None
    if settings["require_relic"]:
        try:
            point["y"]      # the model is defined with y fixed by the relic density
        except PointRejected as rejected:
            reason = rejected.reason
    per_plugin = {}
    for label, likelihood in likelihoods.items():
        if reason and stop_at_first_rejection:
            break
        try:
            raw = float(likelihood.loglike(point))
        except PointRejected as rejected:
            raw = rejected.reason
        except Exception as exc:   # failing physics must never crash a run: count it
            raw = exc
        value, why = plugin_value(label, raw)
        reason = reason or why
        per_plugin[label] = value
    total = sum(per_plugin.values()) if reason is None else -math.inf
    return point, total, per_plugin, reason


def plugin_value(label, raw):
    """(log L, reason or None) from a plugin's raw answer: a float, a PointRejected reason
    (str) or an Exception.  NaN and ±∞ become counted reasons.  Scalar and batched paths
    both go through here, so they count the same reasons."""
    if isinstance(raw, str):
        return -math.inf, raw
    if isinstance(raw, Exception):
        return -math.inf, f"{label}:{type(raw).__name__}"
    if math.isnan(raw):
        return -math.inf, f"{label}:nan"
    if raw == -math.inf:
        return -math.inf, f"{label}:-inf"
    if raw == math.inf:
        return -math.inf, f"{label}:+inf"
    return raw, None


def evaluate_batch(rows, likelihoods, settings):
    """Batched :func:`evaluate_point` (stopping at the first rejection) on ``rows`` (dicts of
    the four parameters, a dict of arrays, or a ModelBatch): ``(totals, reasons)`` lists, row
    by row identical to the scalar path.  Each plugin's ``loglike_batch`` sees only the rows
    still alive, in plugin order: rejected rows leave the batch, so no derived quantity is
    computed for a row the scalar path would have stopped at."""
    batch = rows if isinstance(rows, ModelBatch) else ModelBatch(rows, settings)
    reasons = np.array(batch.rejected, dtype=object)
    totals = np.zeros(batch.n)
    index = np.flatnonzero(_alive(reasons))     # original row of each row of ``batch``
    if index.size < batch.n:
        batch = batch.subset(index)
    if settings["require_relic"] and index.size:
        why = batch.reasons("y")
        for i in np.flatnonzero(~_alive(why)):
            if not isinstance(why[i], str):
                raise why[i]                   # as the scalar path: a bug, not a rejection
        reasons[index] = why
        batch, index = _drop_rejected(batch, index, why)
    for label, likelihood in likelihoods.items():
        if not index.size:
            break
        values, why = plugin_values(label, likelihood.loglike_batch(batch, np.arange(batch.n)),
                                    batch.n)
        totals[index] += values
        reasons[index] = why
        batch, index = _drop_rejected(batch, index, why)
    totals[~_alive(reasons)] = -math.inf
    return totals.tolist(), reasons.tolist()


def _drop_rejected(batch, index, why):
    keep = _alive(why)
    if keep.all():
        return batch, index
    return batch.subset(keep), index[keep]


def _alive(reasons):
    return np.equal(reasons, None)


def plugin_values(label, raw, n):
    """(log L array, reasons object array) from a plugin's batched answer: a list as
    :meth:`~lmt_scan.plugins.Likelihood.loglike_batch` returns, or ``(values, reasons)``
    arrays (reasons None, or per row None / a reason / an Exception).  Same rules as
    :func:`plugin_value`."""
    if not isinstance(raw, tuple):
        pairs = [plugin_value(label, r if isinstance(r, (str, Exception)) else float(r))
                 for r in raw]
        return (np.array([p[0] for p in pairs], dtype=float),
                np.array([p[1] for p in pairs], dtype=object))
    values, given = raw
    values = np.array(values, dtype=float).reshape(n)
    reasons = np.full(n, None, dtype=object)
    for bad, why in ((np.isnan(values), f"{label}:nan"),
                     (values == -math.inf, f"{label}:-inf"),
                     (values == math.inf, f"{label}:+inf")):
        reasons[bad] = why
    if given is not None:
        for i in np.flatnonzero(~_alive(given)):
            reasons[i] = plugin_value(label, given[i])[1]
    values[~_alive(reasons)] = -math.inf
    return values, reasons


class Posterior:
    """Priors + likelihoods of a run: ``prior_transform``, ``loglike``, ``log_posterior``."""

    def __init__(self, priors, likelihoods, settings):
        self.priors = priors
        self.likelihoods = likelihoods
        self.settings = settings
        self.free = [p for p in PARAMETERS if not priors[p].fixed]
        self.fixed = {p: priors[p].opts["value"] for p in PARAMETERS if priors[p].fixed}
        self.ndim = len(self.free)
        self.reasons = Counter()
        self.ncall = 0

    @classmethod
    def from_config(cls, config):
        return cls(config.priors, config.likelihoods, config.settings)

    def params(self, theta):
        """Dict of all four parameters from the free-parameter vector ``theta``."""
        values = dict(self.fixed)
        values.update(zip(self.free, (float(t) for t in theta)))
        return values

    def param_arrays(self, thetas):
        """{parameter: array} of all four parameters from rows of free parameters."""
        thetas = np.array(thetas, dtype=float)
        thetas = thetas.reshape(len(thetas), self.ndim)
        values = {p: np.full(len(thetas), float(v)) for p, v in self.fixed.items()}
        values.update((p, thetas[:, j]) for j, p in enumerate(self.free))
        return values

    def prior_transform(self, u):
        """Unit cube → free parameters (nested samplers)."""
        return np.array([self.priors[p].transform(float(ui)) for p, ui in zip(self.free, u)])

    def log_prior(self, theta):
        return sum(self.priors[p].log_density(float(t)) for p, t in zip(self.free, theta))

    def loglike_with_reason(self, theta):
        """(total log L, rejection reason or None) at ``theta``; nothing is counted."""
        _, total, _, reason = evaluate_point(self.params(theta), self.likelihoods, self.settings)
        return total, reason

    def loglike(self, theta):
        """Total log L at ``theta`` (−∞ with the reason counted)."""
        self.ncall += 1
        total, reason = self.loglike_with_reason(theta)
        if reason is not None:
            self.reasons[reason] += 1
        return total

    def finite_loglike(self, theta):
        """``loglike`` with −∞ replaced by LOG_ZERO (for MultiNest and dynesty)."""
        value = self.loglike(theta)
        return value if value > LOG_ZERO else LOG_ZERO

    def log_posterior(self, theta):
        """(log prior + log L, log L) for MCMC; the log L is returned as an emcee blob."""
        lp = self.log_prior(theta)
        if not math.isfinite(lp):
            return -math.inf, -math.inf
        ll = self.loglike(theta)
        return lp + ll, ll

    def loglike_batch(self, thetas):
        """Total log L at each row of ``thetas`` (N × ndim), −∞ with the reasons counted;
        row by row equal to :meth:`loglike`."""
        totals, reasons = evaluate_batch(self.param_arrays(thetas), self.likelihoods,
                                         self.settings)
        self.ncall += len(totals)
        self.reasons.update(r for r in reasons if r is not None)
        return totals

    def finite_loglike_batch(self, thetas):
        """:meth:`finite_loglike` on each row of ``thetas``."""
        return [v if v > LOG_ZERO else LOG_ZERO for v in self.loglike_batch(thetas)]

    def log_posterior_batch(self, thetas):
        """:meth:`log_posterior` on each row: a list of (log prior + log L, log L); rows
        outside the prior are not evaluated (as in the scalar path)."""
        lps = [self.log_prior(t) for t in thetas]
        inside = [i for i, lp in enumerate(lps) if math.isfinite(lp)]
        out = [(-math.inf, -math.inf)] * len(lps)
        for i, ll in zip(inside, self.loglike_batch([thetas[i] for i in inside])):
            out[i] = (lps[i] + ll, ll)
        return out

    __call__ = loglike


def derived_columns(likelihood_labels):
    """Names of the per-sample derived columns: stored derived quantities then log L per plugin."""
    from .derived import DERIVED
    columns = [col for q in DERIVED.values() if q.store for col in q.columns()]
    return columns + [f"loglike.{label}" for label in likelihood_labels]


def derived_row(params, likelihoods, settings):
    """Values of :func:`derived_columns` at one parameter point (NaN where rejected)."""
    from .derived import DERIVED
    point, _, per_plugin, _ = evaluate_point(params, likelihoods, settings,
                                             stop_at_first_rejection=False)
    stored = [q.name for q in DERIVED.values() if q.store]
    values = point.derived(stored)[0] if point is not None else {}
    row = []
    for quantity in DERIVED.values():
        if not quantity.store:
            continue
        value = values.get(quantity.name)
        if quantity.keys:
            row.extend(math.nan if value is None else float(value[k]) for k in quantity.keys)
        else:
            row.append(math.nan if value is None else float(value))
    row.extend(per_plugin.get(label, -math.inf) for label in likelihoods)
    return row
