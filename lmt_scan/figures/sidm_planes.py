"""Fig. 2: σ_T/M1 on (m_ϕ, M1) planes at dwarf, Milky-Way and cluster velocities for the
two (m_Z′, g′) benchmarks, with the relic ΔM (``lmt-scan figure fig2``)."""
from pathlib import Path

import numpy as np

from ..errors import PointRejected
from ..physics import constants as c
from .common import (HALO_VELOCITIES_KMS, SIDM_BENCHMARKS, ZP_BENCHMARKS, _pyplot, _save,
                     write_csv)


def dark_sector_row(m_Zp_MeV, g_p, M1):
    """(y, α_X, ΔM [GeV]) of the relic-density Yukawa at (m_Z′, g′, M1) (the model point's
    own derived quantities; m_ϕ does not enter), or None where the point is rejected."""
    from ..point import ModelPoint
    point = ModelPoint(m_Zp_MeV, g_p, 10.0, M1)
    try:
        return point["y"], point["alpha_X"], point["delta_M"]
    except PointRejected:
        return None


def sigmaT_over_M_grid(alpha_X, M1, m_phi_MeV, v_kms):
    """σ_T/M1 [cm²/g] at relative velocity ``v_kms`` for broadcastable arrays of α_X,
    M1 [GeV] and m_ϕ [MeV] (the same table/solver as the derived quantity)."""
    from ..derived.sidm import sigmaT_m2
    m_phi = np.asarray(m_phi_MeV, float) * c.MeV_in_GeV
    alpha_X, M1, m_phi = np.broadcast_arrays(alpha_X, M1, m_phi)
    b = alpha_X * M1 / m_phi
    k = M1 * c.km_s_to_c(v_kms) / (2.0 * m_phi)
    sigma = sigmaT_m2(b.ravel(), k.ravel()).reshape(b.shape)
    return c.GeV_inv3_to_cm2_g(sigma / (m_phi ** 2 * M1))


def fig2_data(m_Zp_MeV, g_p, n=60, m_phi_range=(1.0, 300.0), M1_range=(1.0, 100.0)):
    """σ_T/M1 at 30, 200, 1000 km/s and ΔM on an n × n (m_ϕ, M1) grid (log-spaced)."""
    m_phi = np.geomspace(*m_phi_range, n)
    M1 = np.geomspace(*M1_range, n)
    rows = [dark_sector_row(m_Zp_MeV, g_p, m1) for m1 in M1]
    alpha = np.array([r[1] if r else np.nan for r in rows])
    delta_M = np.array([r[2] if r else np.nan for r in rows])
    grid = {"m_phi_MeV": m_phi, "M1_GeV": M1, "alpha_X": alpha, "delta_M_GeV": delta_M}
    ok = np.isfinite(alpha)
    for name, v in HALO_VELOCITIES_KMS.items():
        sigma = np.full((n, n), np.nan)           # [M1 index, m_ϕ index]
        if ok.any():
            sigma[ok] = sigmaT_over_M_grid(alpha[ok, None], M1[ok, None], m_phi[None, :], v)
        grid[f"sigmaT_over_M_{name}"] = sigma
    return grid


def sidm_viable(grid):
    """Boolean [M1, m_ϕ] mask of the Sec. III B targets: dwarfs 1–10 cm²/g, Milky Way
    0.1–1 cm²/g and clusters below 0.1 cm²/g."""
    dwarf, mw, cluster = (grid[f"sigmaT_over_M_{k}"] for k in ("dwarf", "milky_way", "cluster"))
    with np.errstate(invalid="ignore"):
        return (dwarf >= 1) & (dwarf <= 10) & (mw >= 0.1) & (mw <= 1) & (cluster < 0.1)


def _grid_csv(path, grid):
    n_m, n_phi = len(grid["M1_GeV"]), len(grid["m_phi_MeV"])
    cols = {"M1_GeV": np.repeat(grid["M1_GeV"], n_phi),
            "m_phi_MeV": np.tile(grid["m_phi_MeV"], n_m),
            "alpha_X": np.repeat(grid["alpha_X"], n_phi),
            "delta_M_GeV": np.repeat(grid["delta_M_GeV"], n_phi)}
    for name in HALO_VELOCITIES_KMS:
        cols[f"sigmaT_over_M_{name}_cm2_g"] = grid[f"sigmaT_over_M_{name}"].ravel()
    write_csv(path, cols)


def fig2(out_dir, n=140):
    plt = _pyplot()
    from matplotlib.patches import Patch
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 4.6), sharey=True)
    files, grids = [], []
    for panel, (ax, (mz, g)) in enumerate(zip(axes, ZP_BENCHMARKS)):
        grid = fig2_data(mz, g, n)
        grids.append(grid)
        x, y = grid["m_phi_MeV"], grid["M1_GeV"]
        dwarf, mw, cluster = (grid[f"sigmaT_over_M_{k}"] for k in ("dwarf", "milky_way", "cluster"))
        ax.contourf(x, y, dwarf, levels=[0.1, 1.0], colors=["#9ecae1"], alpha=0.8)
        ax.contourf(x, y, dwarf, levels=[1.0, 10.0], colors=["#2171b5"], alpha=0.8)
        ax.contourf(x, y, mw, levels=[0.1, 1.0], colors=["#d62728"], alpha=0.45)
        ax.contourf(x, y, cluster, levels=[0.1, 1e6], colors=["#2ca02c"], alpha=0.35)
        ax.axvspan(x[0], mz, color="0.5", alpha=0.45, lw=0)
        rejected = ~np.isfinite(grid["alpha_X"])   # no pseudo-Dirac relic y at this M1
        for lo, hi in zip(y[:-1][rejected[:-1]], y[1:][rejected[:-1]]):
            ax.axhspan(lo, hi, facecolor="none", edgecolor="0.4", hatch="//", lw=0)
        dm = grid["delta_M_GeV"]
        for level in (1, 1.5, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50):   # ΔM(M1 only): horizontal
            ok = np.isfinite(dm)
            if ok.any() and dm[ok].min() < level < dm[ok].max():
                m1 = np.interp(level, dm[ok], y[ok])
                ax.axhline(m1, color="k", ls="--", lw=0.8)
                ax.text(x[-1] * 0.95, m1 * 1.04, rf"$\Delta M$ = {level:g} GeV", ha="right",
                        fontsize=7)
        if panel == 0:
            for M1, m_phi in SIDM_BENCHMARKS:
                ax.plot(m_phi, M1, marker="x", ms=9, mew=2, color="k")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"$m_\phi$ [MeV]")
        ax.set_title(rf"$m_{{Z'}}$ = {mz:g} MeV, $g'$ = {g:g}", fontsize=10)
        _grid_csv(Path(out_dir) / f"fig2-{'left' if panel == 0 else 'right'}.csv", grid)
        files.append(Path(out_dir) / f"fig2-{'left' if panel == 0 else 'right'}.csv")
    axes[0].set_ylabel(r"$M_1$ [GeV]")
    handles = [Patch(color="#9ecae1", label="dwarf 0.1–1 cm²/g"),
               Patch(color="#2171b5", label="dwarf 1–10 cm²/g"),
               Patch(color="#d62728", alpha=0.45, label="Milky Way 0.1–1 cm²/g"),
               Patch(color="#2ca02c", alpha=0.35, label="cluster > 0.1 cm²/g"),
               Patch(color="0.5", alpha=0.45, label=r"$m_\phi < m_{Z'}$ (BBN)"),
               Patch(facecolor="none", edgecolor="0.4", hatch="//",
                     label="no pseudo-Dirac relic $y$")]
    from matplotlib.lines import Line2D
    handles.append(Line2D([], [], ls="", marker="x", ms=7, mew=2, color="k",
                          label="Fig. 3 benchmarks (left)"))
    axes[1].legend(handles=handles, fontsize=7, loc="lower right")
    fig.tight_layout()
    files = _save(fig, out_dir, "fig2") + files
    return {"files": files, "data": grids, "missing": []}
