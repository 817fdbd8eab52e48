"""Fig. 1 (left): the (m_Z′, g′) plane — g−2 1σ/2σ bands (Eq. 8), Borexino (App. A),
CCFR trident, white dwarfs and BaBar, from the project's physics (``lmt-scan figure
fig1-left``)."""
import math
from pathlib import Path

import numpy as np

from ..physics import constants as c
from ..physics import neutrino_scattering, zprime
from .common import (CCFR_CL95_CHI2, _pyplot, _save, boundary_in_g, draw_limits, finish_mzp_gp_axes,
                     write_csv)


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
    from ..derived.trident import trident_ratio
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
    draw_limits(ax, m, data, (("borexino_limit_physical", "0.6", "Borexino"),
                              ("white_dwarf_limit", "0.25", "white dwarf"),
                              ("ccfr_limit", "#08306b", "CCFR"),
                              ("babar_limit", "#4292c6", "BaBar")), top, alpha=0.3)
    ax.plot(m, data["borexino_limit_paper"], color="0.35", ls="--", lw=1,
            label="Borexino, Eq. (A5) as printed")
    finish_mzp_gp_axes(ax, top, "Fig. 1 (left): lmt-scan physics", "#2ca02c", 14, "benchmarks", 7)
    files = _save(fig, out_dir, "fig1-left")
    path = Path(out_dir) / "fig1-left.csv"
    write_csv(path, data)
    return {"files": files + [path], "data": data, "missing": []}
