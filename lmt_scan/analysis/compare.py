"""Several runs side by side: overlaid corner plot of their common free parameters and the
ln Z / Bayes-factor table."""
import math
from collections import Counter
from pathlib import Path

import numpy as np

from .. import output
from .columns import LEVELS, column, free_parameters, is_log_axis, label, posterior_mask, save
from .plots import corner_figure, corner_legend, mark_points, point_handles, projected_points

RANGE_PAD = 0.08        # fraction of the span added on each side so smoothed contours fit


def run_labels(run_dirs, runs, labels=None):
    """Legend label per run: the given ones, then the card name; runs sharing a name get
    their directory added so no two labels are the same."""
    given = list(labels or [])
    names = given + [c["run_info"].get("name") or Path(d).name for d, c in runs][len(given):]
    counts = Counter(names)
    out = [f"{n} ({d})" if counts[n] > 1 else n for n, d in zip(names, run_dirs)]
    counts = Counter(out)   # the same name and the same directory string: number them
    seen = Counter()
    for k, n in enumerate(out):
        if counts[n] > 1:
            seen[n] += 1
            out[k] = f"{n} #{seen[n]}"
    return out


def evidence_table(runs):
    """[{name, logz, logz_err, ln_B, ln_B_err}] with ln B relative to the first run that
    has an evidence (None where a sampler gives no ln Z, e.g. emcee)."""
    rows = [{"run": str(d), "name": c["run_info"].get("name"),
             "sampler": c["run_info"].get("sampler"),
             "logz": c["run_info"].get("logz"), "logz_err": c["run_info"].get("logz_err")}
            for d, c in runs]
    ref = next((r for r in rows if r["logz"] is not None), None)
    for r in rows:
        if ref is None or r["logz"] is None:
            r["ln_B"] = r["ln_B_err"] = None
        elif r is ref:               # the reference itself: ln B = 0 exactly
            r["ln_B"], r["ln_B_err"] = 0.0, 0.0
        else:
            r["ln_B"] = r["logz"] - ref["logz"]
            r["ln_B_err"] = math.hypot(r["logz_err"] or 0.0, ref["logz_err"] or 0.0)
    return rows


def padded_ranges(datasets):
    """(lo, hi) per column over all runs' samples, widened by RANGE_PAD of the span."""
    ranges = []
    for k in range(datasets[0][0].shape[1]):
        lo = min(d[:, k].min() for d, _ in datasets)
        hi = max(d[:, k].max() for d, _ in datasets)
        pad = RANGE_PAD * (hi - lo) if hi > lo else 0.5
        ranges.append((lo - pad, hi + pad))
    return ranges


def _unclip_diagonal(axes):
    """corner sets each 1-D panel's y range from the first run drawn; fit all of them."""
    for k in range(axes.shape[0]):
        ax = axes[k, k]
        top = max((np.nanmax(p.get_xy()[:, 1]) for p in ax.patches), default=None)
        if top and np.isfinite(top):
            ax.set_ylim(0, 1.1 * top)


def compare_runs(run_dirs, out_dir, labels=None, truths=None):
    """Overlaid corner plot of the free parameters common to all runs (``compare.png/.pdf``)
    and the ln Z / Bayes-factor table (``compare.json``, ``compare.md``) in ``out_dir``.
    Returns the table rows."""
    import corner
    import matplotlib.lines as mlines

    runs = [(d, output.read_chains(d)) for d in run_dirs]
    names = run_labels(run_dirs, runs, labels)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    common = [p for p in free_parameters(runs[0][1])
              if all(p in free_parameters(c) for _, c in runs[1:])]
    rows = evidence_table(runs)
    for r, lab in zip(rows, names):
        r["label"] = lab
    if common:
        log_flags = [any(is_log_axis(c, p) for _, c in runs) for p in common]
        datasets = []
        for _, c in runs:
            data = np.column_stack([column(c, p) for p in common])
            for k, lg in enumerate(log_flags):
                if lg:
                    data[:, k] = np.log10(data[:, k])
            m = posterior_mask(c)
            datasets.append((data[m], c["weights"][m]))
        ranges = padded_ranges(datasets)
        fig = corner_figure(len(common))
        handles = []
        for k, (data, weights) in enumerate(datasets):
            colour = f"C{k}"
            fig = corner.corner(data, weights=weights, fig=fig, range=ranges, color=colour,
                                levels=LEVELS, smooth=1.0, plot_datapoints=False,
                                plot_density=False, fill_contours=False,
                                hist_kwargs={"density": True}, max_n_ticks=4,
                                labels=[label(runs[0][1], p, lg) for p, lg in zip(common, log_flags)])
            handles.append(mlines.Line2D([], [], color=colour, label=names[k]))
        axes = np.array(fig.axes).reshape(len(common), len(common))
        _unclip_diagonal(axes)
        truths = projected_points(truths, common)
        mark_points(axes, common, truths, log_flags)
        corner_legend(fig, axes, handles + point_handles(truths))
        save(fig, out_dir, "compare")
    output.write_json(out_dir / "compare.json", {"parameters": common, "runs": rows})
    output.atomic_write(out_dir / "compare.md", format_evidence_table(rows))
    return rows


def format_evidence_table(rows):
    """Markdown table of ln Z and ln B (relative to the first run with ln Z)."""
    def fmt(value, err):
        return "—" if value is None else f"{value:.2f} ± {err or 0.0:.2f}"
    lines = ["| run | ln Z | ln B vs first |", "|---|---|---|"]
    lines += [f"| {r['label']} | {fmt(r['logz'], r['logz_err'])} | {fmt(r['ln_B'], r['ln_B_err'])} |"
              for r in rows]
    lines += ["", "ln B is a Bayes factor between runs on the same data (models or priors "
              "differ); between data sets it only says how well each set is predicted."]
    lines += [f"— for {r['label']}: no ln Z ({r.get('sampler')} is an MCMC sampler)"
              for r in rows if r["logz"] is None]
    return "\n".join(lines) + "\n"
