"""The paper's figures from the project's own physics (``lmt-scan figure NAME``).

Each figure has a ``*_data`` function returning the numbers behind it (plain dicts of
arrays, computed by ``lmt_scan.physics`` / ``lmt_scan.derived`` — never digitised
curves) and a drawing function that writes ``NAME.png``, ``NAME.pdf`` and one CSV per
table of numbers into the output directory.  Figures whose physics is not yet in the
project draw what exists and list what is missing.

    fig1-left   (m_Z′, g′) plane: g−2 1σ/2σ bands, Borexino, CCFR, white dwarfs, BaBar
    fig1-right  N_eff vs m_Z′ for several ε_AZ′ (Z′ alone; Z′+ϕ where implemented)
    fig2        (m_ϕ, M1) planes of σ_T/M1 for the two (m_Z′, g′) benchmarks
    fig3        ⟨σ_T v⟩/M1 vs ⟨v⟩ for the three benchmarks with the halo data
"""
import csv
import inspect
import math
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from .errors import PointRejected
from .physics import constants as c
from .physics import neutrino_scattering, zprime

# the paper's benchmarks: Fig. 1 stars / Fig. 2 panels (m_Z′ [MeV], g′), Fig. 3 (M1 [GeV], m_ϕ [MeV])
ZP_BENCHMARKS = ((10.0, 5e-4), (50.0, 7e-4))
SIDM_BENCHMARKS = ((10.0, 10.0), (20.0, 20.0), (40.0, 80.0))
HALO_VELOCITIES_KMS = {"dwarf": 30.0, "milky_way": 200.0, "cluster": 1000.0}   # Sec. III B
NEFF_LIMIT = 3.5                 # the paper's upper limit (Sec. II B)
CCFR_CL95_CHI2 = 3.84            # Δχ² of the CCFR exclusion drawn (95 % CL, one parameter)


# ---------------------------------------------------------------- helpers

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


# ---------------------------------------------------------------- Fig. 1 (left)

def g2_band(m_GeV, delta, sigma, n_sigma):
    """(g′_low, g′_high) with Δa_μ^{Z′}(m_Z′, g′) = delta ∓ n_sigma·sigma (Eq. 8 ∝ g′²);
    g′_low = 0 where the band reaches Δa_μ ≤ 0."""
    unit = np.array([zprime.delta_a_mu(m, 1.0) for m in np.atleast_1d(m_GeV)])
    low = np.sqrt(np.maximum(delta - n_sigma * sigma, 0.0) / unit)
    high = np.sqrt((delta + n_sigma * sigma) / unit)
    return low, high


def _borexino_excess(tolerance, mode):
    return lambda m, g: abs(neutrino_scattering.borexino_rate_ratio(m, g, mode=mode) - 1.0) \
        - tolerance


def _ccfr_excess():
    from likelihoods.ccfr_trident import CCFRTrident
    from .derived.trident import trident_ratio
    plugin = CCFRTrident()
    threshold = plugin.value + math.sqrt(CCFR_CL95_CHI2) * plugin.sigma
    return lambda m, g: trident_ratio("ccfr", m, g) - threshold


def fig1_left_data(n_mass=90, dataset="paper2018_a", borexino_tolerance=0.08):
    """Curves of Fig. 1 (left) on m_Z′ = 5 MeV – 1 GeV: g−2 bands (Eq. 8 against
    ``dataset``), white-dwarf line G_Z′ = C_V G_F, Borexino |R/R_SM − 1| = 8 % (App. A,
    both forms of Eq. A5), CCFR trident (σ/σ_SM above 0.82 + 1.96·0.28) and BaBar."""
    from likelihoods.babar import BaBarMuMu
    from likelihoods.muon_g2 import MuonG2
    g2 = MuonG2(dataset=dataset)
    m_MeV = np.geomspace(5.0, 1000.0, n_mass)
    m = m_MeV * c.MeV_in_GeV
    data = {"m_Zp_MeV": m_MeV}
    for n in (1, 2):
        data[f"g2_{n}sigma_low"], data[f"g2_{n}sigma_high"] = g2_band(m, g2.delta, g2.sigma, n)
    # |G_Z′| ∝ g′ ε_AZ′ ∝ g′²: the white-dwarf line is g′ at ratio 1
    data["white_dwarf_limit"] = np.array([1e-3 / math.sqrt(zprime.white_dwarf_ratio(mi, 1e-3))
                                          for mi in m])
    for mode in ("physical", "paper"):
        excess = _borexino_excess(borexino_tolerance, mode)
        data[f"borexino_limit_{mode}"] = np.array([boundary_in_g(excess, mi) for mi in m])
    excess = _ccfr_excess()
    data["ccfr_limit"] = np.array([boundary_in_g(excess, mi) for mi in m])
    babar = BaBarMuMu()
    data["babar_limit"] = np.array([babar.limit(mi) or math.nan for mi in m])
    return data


def excluded_limits(data, borexino_mode="physical"):
    """Lowest excluded g′ per mass: min over the drawn constraints (NaN-safe)."""
    limits = np.vstack([data["white_dwarf_limit"], data[f"borexino_limit_{borexino_mode}"],
                        data["ccfr_limit"], data["babar_limit"]])
    return np.nanmin(np.where(np.isfinite(limits), limits, np.inf), axis=0)


def g2_viable_region(data, n_sigma=2, borexino_mode="physical"):
    """(m_Z′ [MeV], g′_low, g′_high) where the g−2 n σ band survives every constraint."""
    lo, hi = data[f"g2_{n_sigma}sigma_low"], data[f"g2_{n_sigma}sigma_high"]
    top = np.minimum(hi, excluded_limits(data, borexino_mode))
    ok = top > lo
    return data["m_Zp_MeV"][ok], lo[ok], top[ok]


def fig1_left(out_dir):
    data = fig1_left_data()
    plt = _pyplot()
    m = data["m_Zp_MeV"]
    fig, ax = plt.subplots(figsize=(5.4, 4.4))
    top = 1e-2
    ax.fill_between(m, data["g2_2sigma_low"], data["g2_2sigma_high"], color="#f6b6c6",
                    label=r"$(g-2)_\mu$ 2$\sigma$")
    ax.fill_between(m, data["g2_1sigma_low"], data["g2_1sigma_high"], color="#d62728",
                    label=r"$(g-2)_\mu$ 1$\sigma$")
    for key, colour, name in (("borexino_limit_physical", "0.6", "Borexino"),
                              ("white_dwarf_limit", "0.25", "white dwarf"),
                              ("ccfr_limit", "#08306b", "CCFR"),
                              ("babar_limit", "#4292c6", "BaBar")):
        limit = data[key]
        ok = np.isfinite(limit)
        ax.fill_between(m[ok], limit[ok], top, color=colour, alpha=0.3, lw=0)
        ax.plot(m[ok], limit[ok], color=colour, lw=1.5, label=name)
    ax.plot(m, data["borexino_limit_paper"], color="0.35", ls="--", lw=1,
            label="Borexino, Eq. (A5) as printed")
    for k, (mz, g) in enumerate(ZP_BENCHMARKS):
        ax.plot(mz, g, marker="*", ms=14, color="#2ca02c", mec="k", mew=0.6,
                label="benchmarks" if k == 0 else None)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(5, 1000)
    ax.set_ylim(1e-5, top)
    ax.set_xlabel(r"$m_{Z'}$ [MeV]")
    ax.set_ylabel(r"$g'$")
    ax.set_title("Fig. 1 (left): lmt-scan physics", fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    files = _save(fig, out_dir, "fig1-left")
    path = Path(out_dir) / "fig1-left.csv"
    write_csv(path, data)
    return {"files": files + [path], "data": data, "missing": []}


# ---------------------------------------------------------------- Fig. 1 (right)

EPSILONS_FIG1 = (0.0, 1.0e-6, 7.2e-6, 2.0e-5)   # ε_AZ′; 7.2e-6 ↔ g′ = 5e-4 (Eq. 3)


def _neff_supports_phi():
    from .physics import thermal_history
    return "m_phi" in inspect.signature(thermal_history.neff_for_width).parameters


def neff_curve(m_MeV, eps, m_phi_MeV=None):
    """N_eff (Eqs. 10–15) at Z′ masses ``m_MeV`` for kinetic mixing ``eps`` (Γ_ee of Eq. 14)."""
    from .physics import thermal_history
    out = []
    for mz in np.atleast_1d(m_MeV):
        m = mz * c.MeV_in_GeV
        width = zprime.width_Zp_to_ee(m, eps) if eps else 0.0
        extra = {} if m_phi_MeV is None else {"m_phi": m_phi_MeV(mz) * c.MeV_in_GeV}
        out.append(thermal_history.neff_for_width(m, width, **extra))
    return np.array(out)


PHI_OVER_ZP_FIG1 = 1.5   # m_ϕ/m_Z′ of the Z′+ϕ curves (ϕ just heavier than Z′, Sec. II B)


def neff_lower_bound(eps, limit=NEFF_LIMIT, lo_MeV=1.0, hi_MeV=50.0, phi_over_zp=None):
    """Smallest m_Z′ [MeV] with N_eff < ``limit`` for kinetic mixing ``eps`` (with a ϕ of
    mass ``phi_over_zp``·m_Z′ in the ν_μ,τ bath if given)."""
    m_phi = None if phi_over_zp is None else (lambda mz: phi_over_zp * mz)
    return math.exp(brentq(lambda lm: neff_curve(math.exp(lm), eps, m_phi)[0] - limit,
                           math.log(lo_MeV), math.log(hi_MeV), xtol=1e-4))


def fig1_right_data(n_mass=28, epsilons=EPSILONS_FIG1):
    m_MeV = np.geomspace(1.0, 100.0, n_mass)
    data = {"m_Zp_MeV": m_MeV}
    for eps in epsilons:
        data[f"Neff_Zp_eps{eps:.2g}"] = neff_curve(m_MeV, eps)
    missing = []
    if _neff_supports_phi():   # Z′ + ϕ with m_ϕ just above m_Z′ (the paper's dashed lines)
        for eps in epsilons:
            data[f"Neff_Zp_phi_eps{eps:.2g}"] = neff_curve(m_MeV, eps,
                                                           lambda mz: PHI_OVER_ZP_FIG1 * mz)
    else:
        missing.append("fig1-right: the Z′+ϕ curves (dashed in the paper) need ϕ in the "
                       "thermal history (lmt_scan.physics.thermal_history), not yet implemented")
    return data, missing


def fig1_right(out_dir):
    data, missing = fig1_right_data()
    plt = _pyplot()
    m = data["m_Zp_MeV"]
    fig, ax = plt.subplots(figsize=(5.4, 4.4))
    from likelihoods.neff import Neff   # the band of the paper's data set (Ref. [38])
    planck = Neff(dataset="planck2015_paper")
    mean, sigma = planck.mean, planck.sigma
    ax.axhspan(mean - 2 * sigma, mean + 2 * sigma, color="0.88", label="Planck 2015 2σ")
    ax.axhspan(mean - sigma, mean + sigma, color="0.72", label="Planck 2015 1σ")
    ax.axhline(NEFF_LIMIT, color="k", lw=0.7, ls=":")
    for k, eps in enumerate(EPSILONS_FIG1):
        colour = f"C{k}"
        ax.plot(m, data[f"Neff_Zp_eps{eps:.2g}"], color=colour,
                label=rf"$\epsilon_{{AZ'}}$ = {eps:.2g}, $Z'$")
        if f"Neff_Zp_phi_eps{eps:.2g}" in data:
            ax.plot(m, data[f"Neff_Zp_phi_eps{eps:.2g}"], color=colour, ls="--",
                    label=rf"$\epsilon_{{AZ'}}$ = {eps:.2g}, $Z'+\phi$")
    ax.set_xscale("log")
    ax.set_xlim(m[0], m[-1])
    ax.set_ylim(2.6, 5.5)
    ax.set_xlabel(r"$m_{Z'}$ [MeV]")
    ax.set_ylabel(r"$N_{\rm eff}$ ($T \ll m_e$)")
    ax.set_title("Fig. 1 (right): lmt-scan physics" + (" — Z′+ϕ not yet implemented"
                                                        if missing else
                                                        f"; dashed: m_ϕ = {PHI_OVER_ZP_FIG1:g} m_Z′"),
                 fontsize=9)
    ax.legend(fontsize=7)
    files = _save(fig, out_dir, "fig1-right")
    path = Path(out_dir) / "fig1-right.csv"
    write_csv(path, data)
    return {"files": files + [path], "data": data, "missing": missing}


# ---------------------------------------------------------------- Fig. 2

def dark_sector_row(m_Zp_MeV, g_p, M1):
    """(y, α_X, ΔM [GeV]) of the relic-density Yukawa at (m_Z′, g′, M1) (the model point's
    own derived quantities; m_ϕ does not enter), or None where the point is rejected."""
    from .point import ModelPoint
    point = ModelPoint(m_Zp_MeV, g_p, 10.0, M1)
    try:
        return point["y"], point["alpha_X"], point["delta_M"]
    except PointRejected:
        return None


def sigmaT_over_M_grid(alpha_X, M1, m_phi_MeV, v_kms):
    """σ_T/M1 [cm²/g] at relative velocity ``v_kms`` for broadcastable arrays of α_X,
    M1 [GeV] and m_ϕ [MeV] (the same table/solver as the derived quantity)."""
    from .derived.sidm import sigmaT_m2
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


# ---------------------------------------------------------------- Fig. 3

def fig3_data(v_kms=None, m_Zp_MeV=ZP_BENCHMARKS[0][0], g_p=ZP_BENCHMARKS[0][1]):
    """⟨σ_T v⟩/M1 [cm²/g km/s] vs ⟨v⟩ for the three benchmarks (Maxwell–Boltzmann average)."""
    from .derived.sidm import sigmav_over_M
    from .point import ModelPoint
    v = np.geomspace(10.0, 3000.0, 60) if v_kms is None else np.asarray(v_kms, float)
    data = {"v_mean_kms": v}
    for M1, m_phi in SIDM_BENCHMARKS:
        point = ModelPoint(m_Zp_MeV, g_p, m_phi, M1)
        data[f"sigmav_over_M_M1_{M1:g}_mphi_{m_phi:g}"] = sigmav_over_M(point, v)
    return data


def fig3(out_dir):
    from likelihoods.sidm_halos import DATA_FILE, SidmHalos, load_halos
    data = fig3_data()
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.4, 4.4))
    v = data["v_mean_kms"]
    for (M1, m_phi), ls in zip(SIDM_BENCHMARKS, ("-", "--", ":")):
        ax.plot(v, data[f"sigmav_over_M_M1_{M1:g}_mphi_{m_phi:g}"], color="k", ls=ls,
                label=rf"$M_1$ = {M1:g} GeV, $m_\phi$ = {m_phi:g} MeV")
    kind, cols = load_halos(SidmHalos().data_path(DATA_FILE))
    for cls, colour in (("dwarf", "C3"), ("LSB", "C0"), ("cluster", "C2")):
        sel = kind == cls
        lv, ls_ = cols["log10_v_mean_kms"][sel], cols["log10_sigmav_over_m"][sel]
        ax.errorbar(10 ** lv, 10 ** ls_,
                    xerr=[10 ** lv * (1 - 10 ** -cols["log10_v_err"][sel]),
                          10 ** lv * (10 ** cols["log10_v_err"][sel] - 1)],
                    yerr=[10 ** ls_ * (1 - 10 ** -cols["log10_sigmav_err"][sel]),
                          10 ** ls_ * (10 ** cols["log10_sigmav_err"][sel] - 1)],
                    fmt="o", ms=4, color=colour, label=f"{cls} (KTY16)")
    for sigma in (0.1, 1.0, 10.0):   # guide lines ⟨σv⟩/M = σ/M · ⟨v⟩
        ax.plot(v, sigma * v, color="0.7", lw=0.6)
        v_label = min(2500.0, 5e3 / sigma)
        ax.text(v_label, sigma * v_label, f"{sigma:g} cm²/g", fontsize=6, color="0.5",
                ha="right", va="bottom")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(10, 3000)
    ax.set_ylim(1, 1e4)
    ax.set_xlabel(r"$\langle v\rangle$ [km/s]")
    ax.set_ylabel(r"$\langle\sigma_T v\rangle/M_1$ [cm$^2$/g km/s]")
    ax.set_title(r"Fig. 3: $m_{Z'}$ = 10 MeV, $g'$ = 5e-4 (lmt-scan physics)", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    files = _save(fig, out_dir, "fig3")
    path = Path(out_dir) / "fig3.csv"
    write_csv(path, data)
    return {"files": files + [path], "data": data, "missing": []}


def _fig1_today(out_dir):
    from .figures_today import fig1_today   # late: figures_today imports this module
    return fig1_today(out_dir)


FIGURES = {"fig1-left": fig1_left, "fig1-right": fig1_right, "fig2": fig2, "fig3": fig3,
           "fig1-today": _fig1_today}


def make_figure(name, out_dir):
    """Draw figure ``name`` into ``out_dir`` (created); returns {files, data, missing}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return FIGURES[name](out_dir)
