"""Fig. 1 (left) with today's constraints (``lmt-scan figure fig1-today``).

The paper's (m_Z′, g′) plane redrawn with today's data: the 2025 g−2 (world average against
the 2025 SM prediction, Eq. 8) as a 2σ upper bound, the project's own Borexino, white-dwarf,
CCFR and BaBar lines (as in ``fig1-left``), the shipped published curves of ``limit_curve``
(DarkCast 2023 recasts; read from the data files, never recomputed) and the 95 % credible
region of the shipped run ``docs/runs/today`` (``runs/today.yaml``), read from its chain.
"""
import math
from pathlib import Path

import numpy as np

from .. import output
from ..errors import ConfigError
from .common import _pyplot, _save, draw_limits, finish_mzp_gp_axes, write_csv
from .plane import fig1_left_data

TODAY_RUN = Path(__file__).resolve().parents[2] / "docs" / "runs" / "today"
G2_TODAY = "exp2025_wp2025"
CURVES_DRAWN = ("CHARMII_Bauer2018onh", "NA64_NA642019imj", "Borexino_Bauer2018onh",
                "BaBar_Lees2017lec", "BelleII_Adachi2019otg")


def credible_region(log_m, log_g, weights, level=0.95, bins=40, extent=None):
    """(x edges, y edges, H, threshold): weighted 2-D histogram of (log10 m, log10 g) and the
    density above which the highest-density bins hold ``level`` of the weight."""
    H, xe, ye = np.histogram2d(log_m, log_g, bins=bins, weights=weights, range=extent)
    flat = np.sort(H.ravel())[::-1]
    cumulative = np.cumsum(flat) / flat.sum()
    threshold = flat[min(np.searchsorted(cumulative, level), len(flat) - 1)]
    return xe, ye, H, threshold


def today_run_samples(run_dir=TODAY_RUN):
    """(m_Z′ [MeV], g′, normalised weights) of the shipped today run."""
    chains = output.read_chains(run_dir)
    cols = chains["columns"]
    table = chains["table"]
    w = chains["weights"] / chains["weights"].sum()
    return table[:, cols.index("m_Zp")], table[:, cols.index("g_p")], w


def fig1_today_data(n_mass=90):
    """Curves of Fig. 1 (left) for today's data on m_Z′ = 5 MeV – 1 GeV, plus the shipped
    curves (g′ limit, NaN where a curve says nothing)."""
    from likelihoods.limit_curve import LimitCurve
    data = fig1_left_data(n_mass=n_mass, dataset=G2_TODAY)
    m_GeV = data["m_Zp_MeV"] * 1e-3
    for name in CURVES_DRAWN:
        data[f"curve_{name}"] = LimitCurve(file=name).limit(m_GeV)
    return data


def fig1_today(out_dir, run_dir=TODAY_RUN):
    data = fig1_today_data()
    plt = _pyplot()
    m = data["m_Zp_MeV"]
    top = 1e-2
    fig, ax = plt.subplots(figsize=(5.8, 4.6))
    ax.fill_between(m, 1e-6, data["g2_2sigma_high"], color="#f6b6c6", alpha=0.5,
                    label=r"$(g-2)_\mu$ 2025: 2$\sigma$ allowed")
    draw_limits(ax, m, data, (("borexino_limit_physical", "0.6", "Borexino (ours, 8 %)"),
                              ("white_dwarf_limit", "0.25", "white dwarf"),
                              ("ccfr_limit", "#08306b", "CCFR"),
                              ("babar_limit", "#4292c6", r"BaBar $4\mu$")), top, alpha=0.2)
    styles = {"CHARMII_Bauer2018onh": ("#9467bd", "-", r"CHARM-II $\nu e$ (BFJ)"),
              "NA64_NA642019imj": ("#ff7f0e", "-", "NA64 2019"),
              "Borexino_Bauer2018onh": ("0.45", ":", "Borexino (BFJ recast)"),
              "BaBar_Lees2017lec": ("#17becf", "--", r"BaBar $\gamma$+inv. (> $10^{-2}$)"),
              "BelleII_Adachi2019otg": ("#8c564b", "--", r"Belle II $\mu\mu$+inv. (> $10^{-2}$)")}
    for name in CURVES_DRAWN:
        colour, ls, label = styles[name]
        ax.plot(m, data[f"curve_{name}"], color=colour, ls=ls, lw=1.3, label=label)
    missing = []
    try:
        m_s, g_s, w = today_run_samples(run_dir)
    except (ConfigError, OSError, ValueError):
        missing.append(f"fig1-today: no shipped run in {run_dir} (lmt-scan run runs/today.yaml; "
                       "python docs/runs/ship.py chains/today)")
    else:
        extent = [[math.log10(5.0), 3.0], [-6.0, -2.0]]
        xe, ye, H, level = credible_region(np.log10(m_s), np.log10(g_s), w, extent=extent)
        xc, yc = 0.5 * (xe[1:] + xe[:-1]), 0.5 * (ye[1:] + ye[:-1])
        ax.contourf(10 ** xc, 10 ** yc, H.T, levels=[level, H.max() * 1.01],
                    colors=["#2ca02c"], alpha=0.45)
        ax.plot([], [], color="#2ca02c", lw=6, alpha=0.45, label="runs/today 95 %")
    finish_mzp_gp_axes(ax, top, "Fig. 1 (left) with today's constraints", "w", 12,
                       "paper's benchmarks", 6, ncol=2)
    files = _save(fig, out_dir, "fig1-today")
    path = Path(out_dir) / "fig1-today.csv"
    write_csv(path, data)
    return {"files": files + [path], "data": data, "missing": missing}
