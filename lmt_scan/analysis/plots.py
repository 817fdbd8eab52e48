"""Plots of one run: corner plot of the free parameters and 1-D marginals with the 1-D
profile likelihood.  Benchmark points (dicts parameter → value, units of the run card)
are marked and named in a legend."""
import math

import numpy as np

from .columns import (LEVELS, column, edges, free_parameters, is_log_axis, label, plot_values,
                      posterior_mask, pyplot, save, weighted_quantiles)
from .profile import profile_1d

# the paper's benchmarks (Fig. 1 stars, Fig. 3 crosses): m_Zp [MeV], g_p, m_phi [MeV], M1 [GeV]
PAPER_BENCHMARKS = (
    {"m_Zp": 10.0, "g_p": 5e-4, "m_phi": 10.0, "M1": 10.0},
    {"m_Zp": 10.0, "g_p": 5e-4, "m_phi": 20.0, "M1": 20.0},
    {"m_Zp": 10.0, "g_p": 5e-4, "m_phi": 80.0, "M1": 40.0},
    {"m_Zp": 50.0, "g_p": 7e-4},
)
_SHORT = {"m_Zp": "m_Z′", "g_p": "g′", "m_phi": "m_ϕ", "M1": "M1"}
_UNIT = {"m_Zp": " MeV", "m_phi": " MeV", "M1": " GeV"}


def projected_points(points, names):
    """The benchmark points restricted to the parameters ``names`` drawn, without points that
    have none of them and without repeats (Fig. 1's three stars are one point in (m_Z′, g′))."""
    out = []
    for pt in points or ():
        sub = {p: pt[p] for p in names if p in pt}
        if sub and sub not in out:
            out.append(sub)
    return out


def point_style(k):
    return dict(color=f"C{(k + 3) % 10}", zorder=5)


def point_label(point):
    """Legend text of a benchmark point, e.g. ``m_Z′ = 10 MeV, g′ = 0.0005``."""
    return ", ".join(f"{_SHORT.get(p, p)} = {v:g}{_UNIT.get(p, '')}" for p, v in point.items())


def point_handles(points):
    """Legend handles (star markers) of the benchmark points."""
    import matplotlib.lines as mlines
    return [mlines.Line2D([], [], ls="", marker="*", ms=10, mec="k", mew=0.5,
                          label=point_label(pt), **point_style(k))
            for k, pt in enumerate(points or ())]


def mark_points(axes, names, points, log_flags, diagonal=True):
    """Draw benchmark points on a corner-layout axes grid (stars off the diagonal, dashed
    lines on it)."""
    n = len(names)
    for k, pt in enumerate(points or ()):
        vals = [pt.get(p) for p in names]
        vals = [None if v is None else (math.log10(v) if lg else v)
                for v, lg in zip(vals, log_flags)]
        style = point_style(k)
        for i in range(n):
            for j in range(i + 1):
                ax = axes[i, j]
                if i == j:
                    if diagonal and vals[i] is not None:
                        ax.axvline(vals[i], lw=1.2, ls="--", **style)
                elif vals[i] is not None and vals[j] is not None:
                    ax.plot(vals[j], vals[i], marker="*", ms=11, mec="k", mew=0.5, **style)


def corner_legend(fig, axes, handles, **kwargs):
    """Legend in the empty upper-right triangle of a corner grid (figure corner if n = 1)."""
    if not handles:
        return
    kwargs.setdefault("fontsize", 8)
    if axes.shape[0] > 1:
        axes[0, -1].legend(handles=handles, loc="upper right", frameon=False, **kwargs)
    else:
        fig.legend(handles=handles, loc="upper right", **kwargs)


def corner_figure(n):
    """A square figure sized so that titles and tick labels of n × n panels do not collide."""
    plt = pyplot()
    size = max(2.8 * n, 6.0)
    return plt.figure(figsize=(size, size))


def corner_plot(chains, out_dir, truths=None, stem="corner"):
    """corner.png/.pdf of the free parameters: 68/95 % contours, log10 axes for log-uniform
    priors, units in labels, median and 68 % interval above each 1-D panel, optional
    benchmark points as stars with a legend.  Returns the PNG path."""
    import corner

    info = chains["run_info"]
    free = free_parameters(chains)
    n = len(free)
    mask = posterior_mask(chains)
    data = plot_values(chains, free)[mask]
    labels = [label(chains, p, is_log_axis(chains, p)) for p in free]
    fig = corner.corner(data, fig=corner_figure(n), weights=chains["weights"][mask],
                        labels=labels, levels=LEVELS, smooth=1.0, plot_datapoints=False,
                        fill_contours=True, show_titles=True, title_fmt=".3g",
                        title_kwargs={"fontsize": 9}, label_kwargs={"fontsize": 10},
                        quantiles=(0.16, 0.5, 0.84), max_n_ticks=4)
    fig.subplots_adjust(wspace=0.12, hspace=0.12)
    axes = np.array(fig.axes).reshape(n, n)
    for ax in axes.ravel():
        ax.tick_params(labelsize=8)
    truths = projected_points(truths, free)
    mark_points(axes, free, truths, [is_log_axis(chains, p) for p in free])
    corner_legend(fig, axes, point_handles(truths), title="benchmarks")
    fig.suptitle(f"{info.get('name', '')} — {info.get('sampler', '')}: median and 68 % "
                 "interval above each panel; 68/95 % contours", y=1.0 + 0.12 / n, fontsize=10)
    return save(fig, out_dir, stem)


def marginals_plot(chains, out_dir, truths=None, nbins=40):
    """1-D marginal posteriors (68/95 % shaded) with the 1-D profile likelihood
    exp(ln L − ln L_max) of each free parameter (drawn only in bins holding samples).
    Returns the PNG path."""
    plt = pyplot()
    free = free_parameters(chains)
    truths = projected_points(truths, free)
    data = plot_values(chains, free)
    mask = posterior_mask(chains)
    w = chains["weights"]
    fig, axes = plt.subplots(1, len(free), figsize=(3.4 * len(free), 3.0), squeeze=False)
    lmax = np.nanmax(np.where(np.isfinite(chains["loglike"]), chains["loglike"], np.nan))
    for k, (p, ax) in enumerate(zip(free, axes[0])):
        x = data[:, k]
        bins = edges(x[np.isfinite(chains["loglike"])], nbins)
        hist, _ = np.histogram(x[mask], bins=bins, weights=w[mask])
        centres = 0.5 * (bins[1:] + bins[:-1])
        if hist.max() > 0:
            ax.stairs(hist / hist.max(), bins, color="C0", label="marginal posterior")
            q = weighted_quantiles(x[mask], w[mask], [0.025, 0.16, 0.84, 0.975])
            ax.axvspan(q[0], q[3], color="C0", alpha=0.12, label="95 % interval")
            ax.axvspan(q[1], q[2], color="C0", alpha=0.2, label="68 % interval")
        prof = profile_1d(x, chains["loglike"], bins)        # NaN in empty bins: a gap
        ax.plot(centres, np.exp(prof - lmax), color="C3", lw=1.5, marker=".", ms=3,
                label="profile likelihood")
        for j, pt in enumerate(truths or ()):
            if p in pt:
                ax.axvline(math.log10(pt[p]) if is_log_axis(chains, p) else pt[p],
                           ls="--", lw=1, **point_style(j))
        ax.set_xlabel(label(chains, p, is_log_axis(chains, p)))
        ax.set_ylim(0, 1.08)
    axes[0, 0].set_ylabel("relative density / likelihood")
    handles, names = axes[0, 0].get_legend_handles_labels()
    extra = point_handles(truths)
    fig.legend(handles=handles + extra, labels=names + [h.get_label() for h in extra],
               loc="lower center", ncol=min(4, len(handles) + len(extra)), fontsize=7,
               bbox_to_anchor=(0.5, 1.0), frameon=False)
    fig.tight_layout()
    return save(fig, out_dir, "marginals")


__all__ = ["PAPER_BENCHMARKS", "corner_plot", "marginals_plot", "mark_points", "column"]
