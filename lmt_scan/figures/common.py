"""What every figure module shares: the paper's benchmark points, CSV output, a root
finder for exclusion lines, matplotlib set-up and saving, and the drawing of limit lines."""
import csv
import math
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

# the paper's benchmarks: Fig. 1 stars / Fig. 2 panels (m_Z′ [MeV], g′), Fig. 3 (M1 [GeV], m_ϕ [MeV])
ZP_BENCHMARKS = ((10.0, 5e-4), (50.0, 7e-4))
SIDM_BENCHMARKS = ((10.0, 10.0), (20.0, 20.0), (40.0, 80.0))
HALO_VELOCITIES_KMS = {"dwarf": 30.0, "milky_way": 200.0, "cluster": 1000.0}   # Sec. III B
NEFF_LIMIT = 3.5                 # the paper's upper limit (Sec. II B)
CCFR_CL95_CHI2 = 3.84            # Δχ² of the CCFR exclusion drawn (95 % CL, one parameter)


def write_csv(path, columns):
    """Write ``columns`` (dict name → 1-D array of equal length) as CSV."""
    names = list(columns)
    rows = zip(*(np.asarray(columns[n]) for n in names))
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for row in rows:
            writer.writerow([f"{v:.6g}" if isinstance(v, (float, np.floating)) else v for v in row])


def boundary_in_g(excess, m_GeV, g_lo=1e-6, g_hi=0.1):
    """Smallest g′ in [g_lo, g_hi] where ``excess(m, g) = 0`` (excess < 0 below, > 0 above,
    searched in ln g′ on a coarse grid then refined), NaN if the sign never changes."""
    grid = np.geomspace(g_lo, g_hi, 41)
    values = np.array([excess(m_GeV, g) for g in grid])
    above = np.nonzero(values > 0.0)[0]
    if above.size == 0 or above[0] == 0:
        return math.nan if above.size == 0 else g_lo
    i = above[0]
    return math.exp(brentq(lambda lg: excess(m_GeV, math.exp(lg)), math.log(grid[i - 1]),
                           math.log(grid[i]), xtol=1e-6))


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _save(fig, out_dir, stem):
    plt = _pyplot()
    files = []
    for ext in ("png", "pdf"):
        path = Path(out_dir) / f"{stem}.{ext}"
        fig.savefig(path, bbox_inches="tight", dpi=120)
        files.append(path)
    plt.close(fig)
    return files


def draw_limits(ax, m, data, styles, top, alpha):
    """Shade and outline each exclusion line ``data[key]`` (g′ limit per mass ``m`` [MeV],
    NaN where the constraint says nothing) up to g′ = ``top``; ``styles``: (key, colour,
    legend label) per line."""
    for key, colour, name in styles:
        limit = data[key]
        ok = np.isfinite(limit)
        ax.fill_between(m[ok], limit[ok], top, color=colour, alpha=alpha, lw=0)
        ax.plot(m[ok], limit[ok], color=colour, lw=1.5, label=name)


def finish_mzp_gp_axes(ax, top, title, star_color, star_size, star_label, legend_size, ncol=1):
    """The (m_Z′ [MeV], g′) plane of Fig. 1 (left): the paper's benchmark stars, log axes over
    5–1000 MeV and 1e−5–``top``, labels, title and legend."""
    for k, (mz, g) in enumerate(ZP_BENCHMARKS):
        ax.plot(mz, g, marker="*", ms=star_size, color=star_color, mec="k", mew=0.6,
                label=star_label if k == 0 else None)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(5, 1000)
    ax.set_ylim(1e-5, top)
    ax.set_xlabel(r"$m_{Z'}$ [MeV]")
    ax.set_ylabel(r"$g'$")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=legend_size, loc="lower right", ncol=ncol)
