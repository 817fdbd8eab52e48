"""Temperature evolution after neutrino decoupling and N_eff (Sec. II B, App. B).

Three baths after instantaneous neutrino decoupling at T_ν-dec (paper: 1.5 MeV):
(γ, e) at T, (ν_e) at T_ν and (ν_μ, ν_τ, Z′) at T′.  Each conserves its comoving
entropy except for the heat exchanged through Z′ ↔ e⁺e⁻ (Eqs. 11–13, width Eq. 14),
with the Hubble rate of Eq. (15) and the full thermodynamic integrals of
Eqs. (B1)–(B3).  N_eff follows from Eq. (10) once T ≪ m_e, m_Z′.

Pure functions; temperatures, masses and widths in GeV, densities in GeV⁴ / GeV³.
Equation numbers refer to arXiv:1805.00651.
"""
import math

import numpy as np
from scipy.integrate import solve_ivp

from . import constants as c
from . import zprime

G_PHOTON = 2.0      # photon helicities
G_ELECTRON = 2.0    # spin states of e⁻ (and of e⁺: the paper writes 2 s_e)
G_NEUTRINO = 1.0    # one helicity of ν (and of ν̄: the paper writes 2 s_ν)
G_ZP = 3.0          # massive vector
T_DEC_PAPER = 1.5e-3   # T_ν-dec [GeV] (Sec. II B)
NEFF_PREFACTOR = 8.0 / 7.0 * (11.0 / 4.0) ** (4.0 / 3.0)   # Eq. (10) solved for N_eff
X_END = 40.0        # stop when m/T > 40 for e and Z′: their densities are below e⁻⁴⁰


def _composite_gauss_legendre(edges, nodes_per_panel):
    """Nodes and weights of composite Gauss–Legendre quadrature on [edges[0], edges[-1]]."""
    t, w = np.polynomial.legendre.leggauss(nodes_per_panel)
    lo, hi = np.asarray(edges[:-1]), np.asarray(edges[1:])
    half = 0.5 * (hi - lo)[:, None]
    return ((0.5 * (hi + lo))[:, None] + half * t).ravel(), (half * w).ravel()


# u = p/T.  The integrands fall as e^{-√(u²+x²)}; panels keep the poles of the
# Fermi/Bose factor (at Im u ≥ π) far from each panel, so 16 nodes per panel give
# ~1e-13 relative accuracy; u > 80 contributes < e⁻⁸⁰ relative.
_U, _W = _composite_gauss_legendre([0.0, 2.0, 5.0, 10.0, 17.0, 26.0, 38.0, 55.0, 80.0], 16)


def _integrals(T, m, g, fermion):
    """(ρ, p, dρ/dT) of one species at temperature T [GeV], Eqs. (B1)–(B3).

    Vectorised in T.  ρ = g T⁴/(2π²) ∫u² E f du, p = g T⁴/(2π²) ∫u⁴/(3E) f du,
    dρ/dT = g T³/(2π²) ∫u² E² f(1 ∓ f) du with E = √(u² + (m/T)²) and
    f = 1/(e^E ± 1) (+ for fermions).
    """
    T = np.asarray(T, dtype=float)
    x = (m / T)[..., None]
    energy = np.sqrt(_U ** 2 + x ** 2)
    expo = np.exp(-energy)
    # f written with e^{-E} so that large E does not overflow
    f = expo / (1.0 + expo) if fermion else expo / (1.0 - expo)
    occupation = f * (1.0 - f) if fermion else f * (1.0 + f)
    u2 = _U ** 2
    norm = g / (2.0 * math.pi ** 2)
    rho = norm * T ** 4 * np.sum(_W * u2 * energy * f, axis=-1)
    pressure = norm * T ** 4 * np.sum(_W * u2 * u2 / (3.0 * energy) * f, axis=-1)
    drho_dT = norm * T ** 3 * np.sum(_W * u2 * energy ** 2 * occupation, axis=-1)
    return rho, pressure, drho_dT


def energy_density(T, m, g, fermion):
    """ρ_a(T) [GeV⁴], Eq. (B3) with the distribution of Eq. (B1)."""
    return _integrals(T, m, g, fermion)[0]


def pressure(T, m, g, fermion):
    """p_a(T) = g ∫d³p/(2π)³ p²/(3E) f [GeV⁴]."""
    return _integrals(T, m, g, fermion)[1]


def entropy_density(T, m, g, fermion):
    """s_a(T) = (ρ + p)/T [GeV³], Eq. (B2) (zero chemical potential)."""
    rho, p, _ = _integrals(T, m, g, fermion)
    return (rho + p) / T


def energy_density_massless(T, g, fermion):
    """ρ_a = g (7/8) π²/30 T⁴ [GeV⁴], Eq. (B5) (7/8 for fermions)."""
    return g * (7.0 / 8.0 if fermion else 1.0) * math.pi ** 2 / 30.0 * T ** 4


def entropy_density_massless(T, g, fermion):
    """s_a = g (7/8) 2π²/45 T³ [GeV³], Eq. (B4) (7/8 for fermions)."""
    return g * (7.0 / 8.0 if fermion else 1.0) * 2.0 * math.pi ** 2 / 45.0 * T ** 3


# the massless species of each bath: γ (with e), ν_e, ν_μ + ν_τ; "2 s_ν" counts ν and ν̄
_RHO_GAMMA = energy_density_massless(1.0, G_PHOTON, False)         # × T⁴
_RHO_NU_FLAVOUR = energy_density_massless(1.0, 2 * G_NEUTRINO, True)   # ν + ν̄, × T⁴


def _bath_gamma_e(T):
    """(ρ, p, dρ/dT) of the (γ, e⁺, e⁻) bath at T."""
    rho_e, p_e, drho_e = _integrals(T, c.m_e, 2 * G_ELECTRON, True)
    return (_RHO_GAMMA * T ** 4 + rho_e, _RHO_GAMMA * T ** 4 / 3.0 + p_e,
            4.0 * _RHO_GAMMA * T ** 3 + drho_e)


def _bath_nu_mu_tau_zp(T_p, m_Zp):
    """(ρ, p, dρ/dT′) of the (ν_μ, ν_τ, Z′) bath at T′."""
    rho_z, p_z, drho_z = _integrals(T_p, m_Zp, G_ZP, False)
    rho_nu = 2.0 * _RHO_NU_FLAVOUR * T_p ** 4
    return rho_nu + rho_z, rho_nu / 3.0 + p_z, 4.0 * rho_nu / T_p + drho_z


def hubble_rate(T, T_nu, T_p, m_Zp):
    """H [GeV], Eq. (15): √(ρ_γ + 2ρ_e + 2ρ_νe + 2ρ_νμ + 2ρ_ντ + ρ_Z′)/(√3 m_Pl)."""
    rho = (_bath_gamma_e(T)[0] + _RHO_NU_FLAVOUR * T_nu ** 4
           + _bath_nu_mu_tau_zp(T_p, m_Zp)[0])
    return np.sqrt(rho / 3.0) / c.M_Pl_reduced


def temperature_derivatives(n_efolds, ratios, m_Zp, width_ee, T_dec):
    """d(T/T_ν, T′/T_ν)/d ln a from Eqs. (11)–(13) [vectorised over columns of ``ratios``].

    The clock is T_ν = T_dec e^{−N} (Eq. 13: ν_e entropy conserved, T_ν a = const).
    Writing Eqs. (11)–(12) per e-fold with d(s a³) = a³ (dρ/dT) dT / T and
    T s = ρ + p gives dT/dN = [±Γ Δρ/H − 3(ρ + p)] / (dρ/dT),
    Δρ = ρ_Z′(T′) − ρ_Z′(T) (decay at T′, inverse decay at T).
    """
    T_nu = T_dec * math.exp(-n_efolds)
    T, T_p = ratios[0] * T_nu, ratios[1] * T_nu
    rho1, p1, drho1 = _bath_gamma_e(T)
    rho2, p2, drho2 = _bath_nu_mu_tau_zp(T_p, m_Zp)
    heat = 0.0
    if width_ee > 0.0:
        hubble = np.sqrt((rho1 + rho2 + _RHO_NU_FLAVOUR * T_nu ** 4) / 3.0) / c.M_Pl_reduced
        delta_rho = energy_density(T_p, m_Zp, G_ZP, False) - energy_density(T, m_Zp, G_ZP, False)
        heat = width_ee * delta_rho / hubble
    dT = (heat - 3.0 * (rho1 + p1)) / drho1
    dT_p = (-heat - 3.0 * (rho2 + p2)) / drho2
    return np.array([dT / T_nu + ratios[0], dT_p / T_nu + ratios[1]])


def solve_temperatures(m_Zp, width_ee, T_dec=T_DEC_PAPER, rtol=1e-8, atol=1e-10,
                       method="BDF", dense_output=False):
    """Integrate Eqs. (11)–(13) from T_ν = T_dec (all baths at one temperature) until
    m_e/T_ν and m_Z′/T_ν exceed ``X_END``.

    Returns the ``solve_ivp`` result: ``t`` = ln(a/a_dec), ``y`` = (T/T_ν, T′/T_ν).
    The system is stiff (Γ/H up to ~10⁹): an implicit method ("BDF" or "Radau")
    with the Jacobian from vectorised finite differences.
    """
    T_end = min(c.m_e, m_Zp) / X_END
    n_end = max(math.log(T_dec / T_end), 1.0)
    result = solve_ivp(temperature_derivatives, (0.0, n_end), [1.0, 1.0], method=method,
                       args=(m_Zp, width_ee, T_dec), rtol=rtol, atol=atol,
                       vectorized=True, dense_output=dense_output)
    if not result.success:
        raise RuntimeError(f"thermal history did not integrate: {result.message}")
    return result


def neff_from_temperatures(T, T_nu, T_p, m_Zp):
    """N_eff from Eq. (10): ρ_tot = ρ_γ [1 + N_eff (7/8)(4/11)^{4/3}], at T ≪ m_e."""
    rho_gamma = _RHO_GAMMA * T ** 4
    rho_tot = (_bath_gamma_e(T)[0] + _RHO_NU_FLAVOUR * T_nu ** 4
               + _bath_nu_mu_tau_zp(T_p, m_Zp)[0])
    return NEFF_PREFACTOR * (rho_tot / rho_gamma - 1.0)


def neff_for_width(m_Zp, width_ee, T_dec=T_DEC_PAPER, rtol=1e-8, atol=1e-10, method="BDF"):
    """N_eff for a Z′ of mass m_Z′ [GeV] with Γ(Z′→e⁺e⁻) = ``width_ee`` [GeV]."""
    if width_ee <= 0.0:
        return neff_decoupled_baths(m_Zp, T_dec)
    result = solve_temperatures(m_Zp, width_ee, T_dec, rtol, atol, method)
    T_nu = T_dec * math.exp(-result.t[-1])
    ratio, ratio_p = result.y[:, -1]
    return float(neff_from_temperatures(ratio * T_nu, T_nu, ratio_p * T_nu, m_Zp))


def neff(m_Zp, g_p, T_dec=T_DEC_PAPER, rtol=1e-8, atol=1e-10, method="BDF"):
    """N_eff for the U(1)_{Lμ−Lτ} Z′ (m_Z′ [GeV], g′) with ε_AZ′ of Eq. (3) in Eq. (14)."""
    width_ee = zprime.width_Zp_to_ee(m_Zp, zprime.eps_AZp(g_p))
    return neff_for_width(m_Zp, width_ee, T_dec, rtol, atol, method)


def _neff_from_entropies(entropy_gamma_bath, entropy_p_bath, T_dec):
    """N_eff at T ≪ m_e, m_Z′ from the comoving entropies [GeV³ at a_dec] of the
    (γ…) and (ν_μ, ν_τ…) baths; the ν_e bath keeps T_ν a = T_dec a_dec."""
    s_unit = entropy_density_massless(1.0, 1.0, False)   # 2π²/45
    s_nu_flavour = entropy_density_massless(1.0, 2 * G_NEUTRINO, True)
    T_cubed = entropy_gamma_bath / (G_PHOTON * s_unit)         # photons only at the end
    T_p_cubed = entropy_p_bath / (2.0 * s_nu_flavour)          # ν_μ, ν_τ only at the end
    return (NEFF_PREFACTOR * _RHO_NU_FLAVOUR / _RHO_GAMMA
            * (T_dec ** 4 + 2.0 * T_p_cubed ** (4.0 / 3.0)) / T_cubed ** (4.0 / 3.0))


def neff_decoupled_baths(m_Zp, T_dec=T_DEC_PAPER):
    """N_eff for ε_AZ′ = 0: each bath conserves its entropy (Ref. [48] of the paper)."""
    s_gamma_bath = sum(x / T_dec for x in _bath_gamma_e(T_dec)[:2])
    s_p_bath = sum(x / T_dec for x in _bath_nu_mu_tau_zp(T_dec, m_Zp)[:2])
    return float(_neff_from_entropies(s_gamma_bath, s_p_bath, T_dec))


def neff_single_bath(m_Zp, T_dec=T_DEC_PAPER):
    """N_eff for Γ(Z′→e⁺e⁻)/H → ∞ while Z′ exists: (γ, e, ν_μ, ν_τ, Z′) share one
    temperature until both e and Z′ are gone (the black dashed curve of Fig. 4)."""
    s_total = sum(x / T_dec for x in _bath_gamma_e(T_dec)[:2]) \
        + sum(x / T_dec for x in _bath_nu_mu_tau_zp(T_dec, m_Zp)[:2])
    g_gamma, g_nu = G_PHOTON, 2.0 * 2 * G_NEUTRINO * 7.0 / 8.0   # γ and ν_μ,τ share T at the end
    return float(_neff_from_entropies(s_total * g_gamma / (g_gamma + g_nu),
                                      s_total * g_nu / (g_gamma + g_nu), T_dec))
