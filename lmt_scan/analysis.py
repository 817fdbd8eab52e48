"""Posterior summaries and corner plots from a run directory (reads files only)."""
import math
from pathlib import Path

import numpy as np

from . import output


def weighted_quantiles(values, weights, quantiles):
    """Quantiles of weighted samples (linear interpolation of the weighted CDF)."""
    order = np.argsort(values)
    v, w = np.asarray(values)[order], np.asarray(weights)[order]
    cdf = np.cumsum(w) - 0.5 * w
    cdf /= np.sum(w)
    return np.interp(quantiles, cdf, v)


def summarize(chains):
    """Means, 68/95 % central intervals and best fit of every finite column."""
    w = chains["weights"] / chains["weights"].sum()
    best = int(np.argmax(chains["loglike"]))
    stats = {}
    for j, name in enumerate(chains["columns"]):
        col = chains["table"][:, j]
        ok = np.isfinite(col)
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


def corner_plot(chains, out_dir):
    """corner.png/.pdf of the free parameters (log10 axes for log-uniform priors)."""
    import matplotlib
    matplotlib.use("Agg")
    import corner

    info = chains["run_info"]
    free = info.get("free_parameters") or chains["columns"][:chains["n_params"]]
    idx = [chains["columns"].index(p) for p in free]
    data = chains["table"][:, idx].copy()
    labels = []
    for k, p in enumerate(free):
        label = chains["labels"][idx[k]]
        if info.get("log_axis", {}).get(p):
            data[:, k] = np.log10(data[:, k])
            label = r"$\log_{10}$ " + label
        labels.append(label)
    fig = corner.corner(data, weights=chains["weights"], labels=labels, levels=(0.68, 0.95),
                        smooth=1.0, plot_datapoints=False, fill_contours=True,
                        show_titles=True, title_fmt=".3g")
    fig.suptitle(f"{info.get('name', '')} — {info.get('sampler', '')}", y=1.02)
    for ext in ("png", "pdf"):
        fig.savefig(Path(out_dir) / f"corner.{ext}", bbox_inches="tight", dpi=110)
    import matplotlib.pyplot as plt
    plt.close(fig)


def analyze_run(out_dir):
    """(Re)compute ``summary.json`` and the corner plot of a run directory; returns the summary."""
    chains = output.read_chains(out_dir)
    info = chains["run_info"]
    w = chains["weights"] / chains["weights"].sum()
    best = int(np.argmax(chains["loglike"]))
    summary = {
        "name": info.get("name"), "sampler": info.get("sampler"), "seed": info.get("seed"),
        "logz": info.get("logz"), "logz_err": info.get("logz_err"),
        "n_samples": int(len(w)), "effective_sample_size": float(1.0 / np.sum(w ** 2)),
        "ncall": info.get("ncall"), "wall_time_s": info.get("wall_time_s"),
        "calls_per_s": info.get("calls_per_s"),
        "best_fit": {"loglike": float(chains["loglike"][best]),
                     "params": {c: float(chains["table"][best, j])
                                for j, c in enumerate(chains["columns"][:chains["n_params"]])}},
        "rejections": info.get("rejections", {}),
        "parameters": summarize(chains),
    }
    output.write_json(Path(out_dir) / output.SUMMARY, summary)
    corner_plot(chains, out_dir)
    return summary
