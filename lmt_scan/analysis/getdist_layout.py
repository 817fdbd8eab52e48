"""The chain in getdist's layout under ``RUN_DIR/getdist/`` (``lmt.txt``, ``.paramnames``,
``.ranges``), written so that every getdist statistic (``getMargeStats``, ``getTable``,
``getLikeStats``, densities) computes on it."""
from pathlib import Path

import numpy as np

from .. import output
from .columns import label, posterior_mask

GETDIST_DIR = "getdist"
GETDIST_ROOT = "lmt"
# getdist bins each column between its weighted 0.1 % and 99.9 % quantiles (its default
# range_confidence) and refuses a column whose range there is zero
GETDIST_RANGE_CONFIDENCE = 0.001


def _getdist_label(text):
    return text.replace("$", "").replace("[", r"\,[").strip()


def step_quantiles(values, weights, quantiles):
    """Weighted quantiles without interpolation, as getdist takes them: the smallest value
    whose cumulative weight reaches q (interpolating between neighbours would turn a single
    point of weight 1e-13 into a nonzero 99.9 % quantile)."""
    order = np.argsort(values)
    cdf = np.cumsum(np.asarray(weights, float)[order])
    idx = np.searchsorted(cdf, np.asarray(quantiles) * cdf[-1], side="left")
    return np.asarray(values)[order][np.minimum(idx, len(cdf) - 1)]


def left_out_columns(chains, keep=None):
    """{derived column: why} for the derived columns the getdist copy leaves out: not finite
    at every posterior point (e.g. τ_ϕ = ∞), or constant between the 0.1 % and 99.9 %
    weighted quantiles (e.g. Γ(Z′→μμ) = 0 below the threshold) so getdist cannot bin it."""
    keep = posterior_mask(chains) if keep is None else keep
    table, w = chains["table"][keep], chains["weights"][keep]
    out = {}
    for j in range(chains["n_params"], table.shape[1]):
        col = table[:, j]
        name = chains["columns"][j]
        if not np.all(np.isfinite(col)):
            out[name] = "not finite at every posterior point"
            continue
        lo, hi = step_quantiles(col, w, [GETDIST_RANGE_CONFIDENCE, 1 - GETDIST_RANGE_CONFIDENCE])
        if not hi > lo:
            out[name] = f"constant ({lo:.6g}) over the central 99.8 % of the posterior"
    return out


def _prior_ranges(chains):
    """``name min max`` lines of the parameters with a bounded prior in the run card."""
    return [f"{p} {spec['min']} {spec['max']}\n"
            for p, spec in (chains["card"].get("parameters") or {}).items()
            if isinstance(spec, dict) and "min" in spec and "max" in spec]


def _properties(chains):
    """getdist's ``.properties.ini``: burn-in already removed (emcee) or absent (nested
    samplers), so getdist keeps every row; the sampler kind sets getdist's smoothing."""
    nested = chains["run_info"].get("logz") is not None
    return f"burn_removed = T\nsampler = {'nested' if nested else 'mcmc'}\n"


def write_root_files(chains, out_dir):
    """``RUN/lmt-.ranges`` and ``RUN/lmt-.properties.ini`` for getdist on the MultiNest-layout
    root, which keeps every column: the prior ranges, and for each derived column constant
    over the central 99.8 % (that getdist would refuse, "Parameter range is <= 0") its
    [min, max] over the posterior rows as hard bounds, so getdist bins it there and every
    statistic computes with no setting, equal to the getdist copy's for the other columns.
    Columns constant over all rows need no bound (getdist treats them as fixed).
    Returns {column: (min, max)} of the bounded derived columns."""
    keep = posterior_mask(chains)
    flat = {name for name, why in left_out_columns(chains, keep).items()
            if why.startswith("constant")}
    bounds = {}
    for j, name in enumerate(chains["columns"]):
        if name in flat:
            col = chains["table"][keep, j]
            lo, hi = float(col.min()), float(col.max())
            if hi > lo:
                bounds[name] = (lo, hi)
    lines = _prior_ranges(chains) + [f"{n} {lo!r} {hi!r}\n" for n, (lo, hi) in bounds.items()]
    output.atomic_write(Path(out_dir) / f"{output.ROOT}.ranges", "".join(lines))
    output.atomic_write(Path(out_dir) / f"{output.ROOT}.properties.ini", _properties(chains))
    return bounds


def write_getdist(chains, out_dir):
    """Write the getdist copy: ``lmt.txt`` (weight, −ln L, columns), ``lmt.paramnames``
    (derived marked ``*``), ``lmt.ranges`` (prior ranges), ``lmt.properties.ini`` (no burn-in
    to remove). Points with zero weight or −∞
    ln L are left out, and so are the derived columns of ``left_out_columns``.
    Returns (root path, {left-out column: reason})."""
    gd = Path(out_dir) / GETDIST_DIR
    gd.mkdir(exist_ok=True)
    keep = posterior_mask(chains)
    table = chains["table"][keep]
    dropped = left_out_columns(chains, keep)
    cols = [j for j in range(table.shape[1]) if chains["columns"][j] not in dropped]
    rows = np.column_stack([chains["weights"][keep], -chains["loglike"][keep], table[:, cols]])
    output.atomic_write(gd / f"{GETDIST_ROOT}.txt", output._format_rows(rows))
    names = []
    for j in cols:
        name = chains["columns"][j]
        star = "*" if j >= chains["n_params"] else ""
        names.append(f"{name}{star}\t{_getdist_label(label(chains, name))}\n")
    output.atomic_write(gd / f"{GETDIST_ROOT}.paramnames", "".join(names))
    output.atomic_write(gd / f"{GETDIST_ROOT}.ranges", "".join(_prior_ranges(chains)))
    output.atomic_write(gd / f"{GETDIST_ROOT}.properties.ini", _properties(chains))
    return gd / GETDIST_ROOT, dropped
