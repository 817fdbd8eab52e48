"""Fig. 1 (right): N_eff (Eqs. 10–15) vs m_Z′ for several kinetic mixings ε_AZ′, Z′ alone
and Z′+ϕ (``lmt-scan figure fig1-right``)."""
import inspect
import math
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from ..physics import constants as c
from ..physics import zprime
from .common import NEFF_LIMIT, _pyplot, _save, write_csv


EPSILONS_FIG1 = (0.0, 1.0e-6, 7.2e-6, 2.0e-5)   # ε_AZ′; 7.2e-6 ↔ g′ = 5e-4 (Eq. 3)


def _neff_supports_phi():
    from ..physics import thermal_history
    return "m_phi" in inspect.signature(thermal_history.neff_for_width).parameters


def neff_curve(m_MeV, eps, m_phi_MeV=None):
    """N_eff (Eqs. 10–15) at Z′ masses ``m_MeV`` for kinetic mixing ``eps`` (Γ_ee of Eq. 14)."""
    from ..physics import thermal_history
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
