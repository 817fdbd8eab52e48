"""Posterior summary of one run (``summary.json``) and its console text, which the HTML
report shows too: ln Z ± error, the free parameters' median and 68/95 % central intervals
and best fit, calls and time, and the share of likelihood calls rejected by each reason."""
import math

import numpy as np

from .columns import PARAMETER_UNITS, free_parameters, weighted_quantiles

# reasons raised by the model itself (not by a likelihood's hard cut): a large share means the
# prior box is mostly outside the model's domain at the run's settings
MODEL_CONDITIONS = {
    "pseudo_dirac_violated": "pseudo-Dirac condition: y·v_Φ/m_D above the card's model.pseudo_dirac_max",
    "no_relic_solution": "no Yukawa y gives the observed relic density",
    "sidm_outside_table": "point outside the σ_T table's domain",
}
WARN_SHARE = 0.20      # the "more than ~20 % of the prior"


def summarize(chains):
    """Means, 68/95 % central intervals and best fit of every finite column."""
    w = chains["weights"] / chains["weights"].sum()
    best = int(np.argmax(chains["loglike"]))
    stats = {}
    for j, name in enumerate(chains["columns"]):
        col = chains["table"][:, j]
        ok = np.isfinite(col) & (w > 0)
        if not ok.any() or w[ok].sum() <= 0.0:
            continue
        wj = w[ok] / w[ok].sum()
        q = weighted_quantiles(col[ok], wj, [0.025, 0.16, 0.5, 0.84, 0.975])
        mean = float(np.dot(wj, col[ok]))
        stats[name] = {"mean": mean, "std": float(math.sqrt(max(np.dot(wj, (col[ok] - mean) ** 2), 0))),
                       "median": float(q[2]), "interval68": [float(q[1]), float(q[3])],
                       "interval95": [float(q[0]), float(q[4])],
                       "best_fit": float(col[best])}
    return stats


def rejection_table(run_info):
    """[{reason, count, share, model_condition, warn}] by decreasing count; ``share`` is the
    fraction of all likelihood calls (None when the run has no call count)."""
    ncall = run_info.get("ncall")
    rows = []
    for reason, count in sorted((run_info.get("rejections") or {}).items(), key=lambda kv: -kv[1]):
        share = count / ncall if ncall else None
        model = reason in MODEL_CONDITIONS
        rows.append({"reason": reason, "count": int(count), "share": share,
                     "model_condition": model,
                     "warn": bool(model and share is not None and share > WARN_SHARE)})
    return rows


def build_summary(chains):
    """The ``summary.json`` content of a run (see the module docstring); its ``warnings``
    are the one list of model-condition warnings (console, report and files)."""
    info = chains["run_info"]
    w = chains["weights"] / chains["weights"].sum()
    best = int(np.argmax(chains["loglike"]))
    summary = {
        "name": info.get("name"), "sampler": info.get("sampler"), "seed": info.get("seed"),
        "logz": info.get("logz"), "logz_err": info.get("logz_err"),
        "n_samples": int(len(w)),
        # MCMC: from the autocorrelation time (the adapter's); weighted samples: Kish's
        "effective_sample_size": (info.get("sampler_info") or {}).get("effective_sample_size")
        or float(1.0 / np.sum(w ** 2)),
        "ncall": info.get("ncall"), "wall_time_s": info.get("wall_time_s"),
        "calls_per_s": info.get("calls_per_s"),
        "free_parameters": free_parameters(chains),
        "best_fit": {"loglike": float(chains["loglike"][best]),
                     "params": {c: float(chains["table"][best, j])
                                for j, c in enumerate(chains["columns"][:chains["n_params"]])}},
        "rejections": info.get("rejections", {}),
        "rejection_table": rejection_table(info),
        "parameters": summarize(chains),
    }
    summary["warnings"] = warnings(summary)
    return summary


def _g(x):
    return "—" if x is None or not math.isfinite(x) else f"{x:.4g}"


def parameter_rows(summary):
    """[(name, unit, median, (lo68, hi68), (lo95, hi95), best)] of the free parameters."""
    rows = []
    for p in summary.get("free_parameters") or list(summary["best_fit"]["params"]):
        s = summary["parameters"].get(p)
        if s is None:
            continue
        rows.append((p, PARAMETER_UNITS.get(p, ""), s["median"], tuple(s["interval68"]),
                     tuple(s["interval95"]), summary["best_fit"]["params"].get(p)))
    return rows


def evidence_text(summary):
    """``ln Z = a ± b`` or why the run has none."""
    if summary.get("logz") is None:
        return f"ln Z: not computed ({summary.get('sampler')} is an MCMC sampler)"
    return f"ln Z = {summary['logz']:.3f} ± {summary.get('logz_err') or 0.0:.3f}"


def warnings(summary):
    """One sentence per model condition that rejected more than WARN_SHARE of the calls."""
    return [f"{r['share']:.0%} of the likelihood calls were rejected by '{r['reason']}' "
            f"({MODEL_CONDITIONS[r['reason']]}): the posterior is cut there, not by data"
            for r in summary.get("rejection_table", ()) if r["warn"]]


def format_summary(summary):
    """Console text of a run's summary (bilby-like), lines joined by newlines."""
    calls, wall = summary.get("ncall"), summary.get("wall_time_s")
    lines = [f"run {summary.get('name')}: sampler {summary.get('sampler')}, seed {summary.get('seed')}",
             evidence_text(summary),
             f"likelihood calls: {calls if calls is not None else '—'}"
             + (f" in {wall:.1f} s ({summary.get('calls_per_s') or 0:.0f} calls/s)" if wall else "")
             + f"; {summary['n_samples']} samples, effective sample size "
               f"{summary['effective_sample_size']:.0f}",
             f"{'parameter':14s} {'median':>10s} {'68 % interval':>23s} {'95 % interval':>23s} "
             f"{'best fit':>10s}"]
    for name, unit, med, i68, i95, best in parameter_rows(summary):
        shown = f"{name} [{unit}]" if unit else name
        lines.append(f"{shown:14s} {_g(med):>10s} {_g(i68[0]):>11s}–{_g(i68[1]):<11s} "
                     f"{_g(i95[0]):>11s}–{_g(i95[1]):<11s} {_g(best):>10s}")
    lines.append(f"best fit ln L = {summary['best_fit']['loglike']:.4g}")
    table = summary.get("rejection_table") or []
    if table:
        lines.append("rejected points (ln L = −∞) by reason, share of all calls:")
        for r in table:
            share = "—" if r["share"] is None else f"{r['share']:.1%}"
            kind = "model condition" if r["model_condition"] else "likelihood cut"
            lines.append(f"  {r['reason']:26s} {r['count']:>9d}  {share:>6s}  ({kind})")
    else:
        lines.append("rejected points: none")
    lines += [f"warning: {w}" for w in summary.get("warnings", warnings(summary))]
    return "\n".join(lines)
