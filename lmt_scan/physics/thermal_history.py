"""Temperature evolution after neutrino decoupling and N_eff (Sec. II B, App. B).

Three baths after instantaneous neutrino decoupling at T_ν-dec (paper: 1.5 MeV):
(γ, e) at T, (ν_e) at T_ν and (ν_μ, ν_τ, Z′) at T′.  Each conserves its comoving
entropy except for the heat exchanged through Z′ ↔ e⁺e⁻ (Eqs. 11–13, width Eq. 14),
with the Hubble rate of Eq. (15) and the full thermodynamic integrals of
Eqs. (B1)–(B3).  N_eff follows from Eq. (10) once T ≪ m_e, m_Z′.  The stiff system
(Γ/H up to ~10¹³) is integrated by :mod:`.stiff_ode` (Rosenbrock, fresh Jacobian per
step).  Beyond the paper, :func:`neff_collisional` replaces instantaneous decoupling by
weak ν–e energy transfer (Escudero 2019/2020).

Pure functions; temperatures, masses and widths in GeV, densities in GeV⁴ / GeV³.
Equation numbers refer to arXiv:1805.00651.
"""
import functools
import math

import numpy as np

from . import constants as c
from . import stiff_ode, zprime

G_PHOTON = 2.0      # photon helicities
G_ELECTRON = 2.0    # spin states of e⁻ (and of e⁺: the paper writes 2 s_e)
G_NEUTRINO = 1.0    # one helicity of ν (and of ν̄: the paper writes 2 s_ν)
G_ZP = 3.0          # massive vector
G_PHI = 1.0         # real scalar ϕ (the radial mode of Φ)
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


def energy_density_difference(T, log_ratio, m, g, fermion):
    """ρ_a(T e^q) − ρ_a(T) [GeV⁴] for q = ``log_ratio``, accurate to full relative precision
    even when q ≈ 10⁻¹³ (tight coupling), where subtracting two ρ's would lose it all.

    With a = E/T and a′ = a e^{−q}:
    f(a′) − f(a) = (e^{−a′} − e^{−a}) / ((1 ∓ e^{−a′})(1 ∓ e^{−a})) (− for bosons),
    and e^{−a′} − e^{−a} is formed with expm1 of the small a′ − a.  (Quadrature reference
    for the spline version used by the ODE, :func:`_energy_change`.)
    """
    T = np.asarray(T, dtype=float)
    q = np.asarray(log_ratio, dtype=float)[..., None]
    energy = np.sqrt(_U ** 2 + (m / T)[..., None] ** 2)
    energy_p = energy * np.exp(-q)
    expo, expo_p = np.exp(-energy), np.exp(-energy_p)
    shift = energy * np.expm1(-q)            # a′ − a
    # e^{−a′} − e^{−a} = −e^{−a′} expm1(a′ − a) for q ≥ 0, e^{−a} expm1(a − a′) for q < 0
    numerator = np.where(q >= 0.0, -expo_p * np.expm1(np.minimum(shift, 0.0)),
                         expo * np.expm1(np.minimum(-shift, 0.0)))
    sign = 1.0 if fermion else -1.0
    occupation_change = numerator / ((1.0 + sign * expo_p) * (1.0 + sign * expo))
    norm = g / (2.0 * math.pi ** 2)
    return norm * T ** 4 * np.sum(_W * _U ** 2 * energy * occupation_change, axis=-1)


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


# the massless species: γ and one ν flavour ("2 s_ν" counts ν and ν̄); × T⁴
_RHO_GAMMA = energy_density_massless(1.0, G_PHOTON, False)
_RHO_NU_FLAVOUR = energy_density_massless(1.0, 2 * G_NEUTRINO, True)


# --- fast thermodynamics for the ODE right-hand side -------------------------------
# ρ/(gT⁴), p/(gT⁴) and (dρ/dT)/(gT³) depend on x = m/T only.  Their logarithms are
# tabulated once from the quadrature above as cubic splines in t = ln x on
# [ln X_MIN, ln X_MAX] (relative error < 1e-8) and evaluated with plain floats: the
# right-hand side is called ~10³ times per solve and numpy's per-call overhead
# would dominate.  Below X_MIN the functions are within ~x² of their massless values
# (e and Z′ never get there for temperatures ≤ 10 MeV and m_Z′ ≥ 1 MeV); above X_MAX they are
# < e⁻¹⁰⁰ and continued as e^{−(x − X_MAX)}.
X_MIN, X_MAX, N_SPLINE = 1e-2, 1e2, 1501


@functools.lru_cache(maxsize=2)
def _log_thermo_table(fermion):
    """(t₀, h, [interval → (c3, c2, c1, c0) for ln ρ, ln p, ln dρ/dT]) per unit g, T = 1."""
    from scipy.interpolate import CubicSpline   # lazy: only the ODE solves need it
    t = np.linspace(math.log(X_MIN), math.log(X_MAX), N_SPLINE)
    values = np.log(np.array(_integrals(1.0, np.exp(t), 1.0, fermion)))
    coefficients = CubicSpline(t, values, axis=1).c          # (power, interval, function)
    table = [tuple(coefficients[:, i, :].T.ravel().tolist()) for i in range(N_SPLINE - 1)]
    return float(t[0]), float(t[1] - t[0]), table


def _spline_interval(x, fermion):
    """(h, coefficients, offset inside the interval, tail beyond X_MAX) at x = m/T."""
    t0, h, table = _log_thermo_table(fermion)
    t = math.log(min(max(x, X_MIN), X_MAX))
    index = min(int((t - t0) / h), len(table) - 1)
    return h, table[index], t - t0 - index * h, max(x - X_MAX, 0.0)


def _thermo(T, m, g, fermion):
    """(ρ, p, dρ/dT) of one species at T [GeV] (scalar), from the splines."""
    if m == 0.0:
        rho = energy_density_massless(T, g, fermion)
        return rho, rho / 3.0, 4.0 * rho / T
    _, co, dt, tail = _spline_interval(m / T, fermion)
    rho = g * T ** 4 * math.exp(((co[0] * dt + co[1]) * dt + co[2]) * dt + co[3] - tail)
    p = g * T ** 4 * math.exp(((co[4] * dt + co[5]) * dt + co[6]) * dt + co[7] - tail)
    drho = g * T ** 3 * math.exp(((co[8] * dt + co[9]) * dt + co[10]) * dt + co[11] - tail)
    return rho, p, drho


def _energy_change(T, log_ratio, m, g, fermion):
    """ρ(T e^q) − ρ(T) [GeV⁴] (scalar), keeping full relative precision as q → 0.

    ln ρ = ln g + 4 ln T + L(ln x) and ln x′ = ln x − q.  For |q| below the spline
    spacing, L(t − q) − L(t) of the interval's cubic is factorised by q exactly, so
    no digits cancel when T′ − T ~ 10⁻¹³ T (tight coupling, Γ/H up to ~10¹³).
    """
    q = log_ratio
    h, co, dt, tail = _spline_interval(m / T, fermion)
    if abs(q) >= h:
        return _thermo(T * math.exp(q), m, g, fermion)[0] - _thermo(T, m, g, fermion)[0]
    spline_change = -q * (co[2] + co[1] * (2.0 * dt - q)
                          + co[0] * (3.0 * dt * dt - 3.0 * dt * q + q * q))
    tail_change = tail - max(m / T * math.exp(-q) - X_MAX, 0.0)
    rho = g * T ** 4 * math.exp(((co[0] * dt + co[1]) * dt + co[2]) * dt + co[3] - tail)
    return rho * math.expm1(4.0 * q + spline_change + tail_change)


def _bath_gamma_e(T):
    """(ρ, p, dρ/dT) of the (γ, e⁺, e⁻) bath at T (scalar)."""
    rho_e, p_e, drho_e = _thermo(T, c.m_e, 2 * G_ELECTRON, True)
    rho_gamma = _RHO_GAMMA * T ** 4
    return rho_gamma + rho_e, rho_gamma / 3.0 + p_e, 4.0 * rho_gamma / T + drho_e


def _bath_nu_mu_tau_zp(T_p, m_Zp, m_phi=None):
    """(ρ, p, dρ/dT′) of the (ν_μ, ν_τ, Z′) bath at T′ (scalar), with ϕ if ``m_phi`` is given."""
    rho_z, p_z, drho_z = _thermo(T_p, m_Zp, G_ZP, False)
    if m_phi is not None:
        rho_z, p_z, drho_z = (a + b for a, b in zip((rho_z, p_z, drho_z),
                                                    _thermo(T_p, m_phi, G_PHI, False)))
    rho_nu = 2.0 * _RHO_NU_FLAVOUR * T_p ** 4
    return rho_nu + rho_z, rho_nu / 3.0 + p_z, 4.0 * rho_nu / T_p + drho_z


def _total_energy_density(T, T_nu, T_p, m_Zp, m_phi=None):
    """ρ_γ + 2ρ_e + 2ρ_νe + 2ρ_νμ + 2ρ_ντ + ρ_Z′ (+ ρ_ϕ) [GeV⁴] (the sum in Eq. 15)."""
    return (_bath_gamma_e(T)[0] + _RHO_NU_FLAVOUR * T_nu ** 4
            + _bath_nu_mu_tau_zp(T_p, m_Zp, m_phi)[0])


def hubble_rate(T, T_nu, T_p, m_Zp, m_phi=None):
    """H [GeV], Eq. (15): √(ρ_tot/3)/m_Pl at T, T_ν, T′ [GeV], m_Pl the reduced Planck mass."""
    return math.sqrt(_total_energy_density(T, T_nu, T_p, m_Zp, m_phi) / 3.0) / c.M_Pl_reduced


def temperature_derivatives(n_efolds, ratio, log_ratio, m_Zp, width_ee, T_dec, m_phi=None):
    """d/dN of (T/T_ν, q = ln(T′/T)) with N = ln(a/a_dec), Eqs. (11)–(13).

    The clock is T_ν = T_dec e^{−N} (Eq. 13: the ν_e entropy is conserved, T_ν a =
    const).  Writing Eqs. (11)–(12) per e-fold with d(s a³) = a³ (dρ/dT) dT / T and
    T s = ρ + p gives d ln T/dN = [+Q − 3(ρ + p)] / (T dρ/dT) for (γ, e) and
    d ln T′/dN = [−Q − 3(ρ′ + p′)] / (T′ dρ′/dT′), with Q = Γ [ρ_Z′(T′) − ρ_Z′(T)] / H
    (decay at T′, inverse decay at T).  q rather than T′/T_ν is a state because
    T′ − T is ~10⁻¹³ T in tight coupling.  With ``m_phi`` the (ν_μ, ν_τ, Z′) bath also
    holds ϕ (kept in equilibrium by ϕϕ ↔ Z′Z′, ϕν ↔ Z′ν; Sec. II B, Fig. 1 right dashed).
    """
    T_nu = T_dec * math.exp(-n_efolds)
    T = ratio * T_nu
    T_p = T * math.exp(log_ratio)
    rho1, p1, drho1 = _bath_gamma_e(T)
    rho2, p2, drho2 = _bath_nu_mu_tau_zp(T_p, m_Zp, m_phi)
    heat = 0.0
    if width_ee > 0.0:
        hubble = math.sqrt((rho1 + rho2 + _RHO_NU_FLAVOUR * T_nu ** 4) / 3.0) / c.M_Pl_reduced
        heat = width_ee * _energy_change(T, log_ratio, m_Zp, G_ZP, False) / hubble
    dlogT = (heat - 3.0 * (rho1 + p1)) / (drho1 * T)
    dlogT_p = (-heat - 3.0 * (rho2 + p2)) / (drho2 * T_p)
    return ratio * (dlogT + 1.0), dlogT_p - dlogT


def _n_efolds_end(m_Zp, T_dec, m_phi=None):
    """ln(T_dec/T_ν,end) with m/T_ν,end = X_END for the lightest of e, Z′ (and ϕ)."""
    lightest = min(c.m_e, m_Zp, m_phi if m_phi is not None else math.inf)
    return max(math.log(T_dec * X_END / lightest), 1.0)


def final_temperatures(m_Zp, width_ee, T_dec=T_DEC_PAPER, rtol=1e-6, atol=1e-8,
                       method="rosenbrock", m_phi=None):
    """(T, T_ν, T′) [GeV] after integrating Eqs. (11)–(13) from T_ν = T_dec (all baths at
    one temperature) until m_e/T_ν and m_Z′/T_ν exceed ``X_END``.

    The system is stiff (Γ/H up to ~10¹³).  ``method`` "rosenbrock" (default) uses
    :mod:`.stiff_ode` with a fresh Jacobian every step; "BDF" or "Radau" call
    ``scipy.integrate.solve_ivp`` and are kept for cross-checks at tight tolerance
    only: with a stale Jacobian they can return wrong numbers silently at loose
    tolerance (see ``stiff_ode``).
    """
    def rhs(n, ratio, log_ratio):
        return temperature_derivatives(n, ratio, log_ratio, m_Zp, width_ee, T_dec, m_phi)

    n_end = _n_efolds_end(m_Zp, T_dec, m_phi)
    if method == "rosenbrock":
        ratio, log_ratio = stiff_ode.integrate(rhs, (1.0, 0.0), (0.0, n_end), rtol, atol).y
    else:
        from scipy.integrate import solve_ivp   # cross-checks only; lazy (~0.5 s import)
        result = solve_ivp(lambda n, y: rhs(n, y[0], y[1]), (0.0, n_end), [1.0, 0.0],
                           method=method, rtol=rtol, atol=atol)
        if not result.success:
            raise RuntimeError(f"thermal history did not integrate: {result.message}")
        ratio, log_ratio = result.y[:, -1]
    T_nu = T_dec * math.exp(-n_end)
    return ratio * T_nu, T_nu, ratio * T_nu * math.exp(log_ratio)


def neff_from_temperatures(T, T_nu, T_p, m_Zp, m_phi=None):
    """N_eff from Eq. (10): ρ_tot = ρ_γ [1 + N_eff (7/8)(4/11)^{4/3}], at T ≪ m_e."""
    rho_gamma = _RHO_GAMMA * T ** 4
    return NEFF_PREFACTOR * (_total_energy_density(T, T_nu, T_p, m_Zp, m_phi) / rho_gamma - 1.0)


def neff_for_width(m_Zp, width_ee, T_dec=T_DEC_PAPER, rtol=1e-6, atol=1e-8,
                   method="rosenbrock", m_phi=None):
    """N_eff for a Z′ of mass m_Z′ [GeV] with Γ(Z′→e⁺e⁻) = ``width_ee`` [GeV]
    (and a ϕ of mass ``m_phi`` [GeV] in the ν_μ,τ bath if given)."""
    if width_ee <= 0.0:
        return neff_decoupled_baths(m_Zp, T_dec, m_phi)
    temperatures = final_temperatures(m_Zp, width_ee, T_dec, rtol, atol, method, m_phi)
    return neff_from_temperatures(*temperatures, m_Zp, m_phi)


def neff(m_Zp, g_p, T_dec=T_DEC_PAPER, rtol=1e-6, atol=1e-8, method="rosenbrock", m_phi=None):
    """N_eff for the U(1)_{Lμ−Lτ} Z′ (m_Z′ [GeV], g′) with ε_AZ′ of Eq. (3) in Eq. (14)."""
    width_ee = zprime.width_Zp_to_ee(m_Zp, zprime.eps_AZp(g_p))
    return neff_for_width(m_Zp, width_ee, T_dec, rtol, atol, method, m_phi)


def _neff_from_entropies(entropy_gamma_bath, entropy_p_bath, T_dec):
    """N_eff at T ≪ m_e, m_Z′ from the comoving entropies [GeV³ at a_dec] of the
    (γ…) and (ν_μ, ν_τ…) baths; the ν_e bath keeps T_ν a = T_dec a_dec."""
    s_unit = entropy_density_massless(1.0, 1.0, False)   # 2π²/45
    s_nu_flavour = entropy_density_massless(1.0, 2 * G_NEUTRINO, True)
    T_cubed = entropy_gamma_bath / (G_PHOTON * s_unit)         # photons only at the end
    T_p_cubed = entropy_p_bath / (2.0 * s_nu_flavour)          # ν_μ, ν_τ only at the end
    return (NEFF_PREFACTOR * _RHO_NU_FLAVOUR / _RHO_GAMMA
            * (T_dec ** 4 + 2.0 * T_p_cubed ** (4.0 / 3.0)) / T_cubed ** (4.0 / 3.0))


def _entropies_at_decoupling(m_Zp, T_dec, m_phi=None):
    """Entropy densities [GeV³] of the (γ, e) and (ν_μ, ν_τ, Z′) baths at T_dec, Eq. (B2)
    by quadrature (independent of the splines used by the ODE)."""
    s_gamma_bath = (entropy_density_massless(T_dec, G_PHOTON, False)
                    + float(entropy_density(T_dec, c.m_e, 2 * G_ELECTRON, True)))
    s_p_bath = (2.0 * entropy_density_massless(T_dec, 2 * G_NEUTRINO, True)
                + float(entropy_density(T_dec, m_Zp, G_ZP, False)))
    if m_phi is not None:
        s_p_bath += float(entropy_density(T_dec, m_phi, G_PHI, False))
    return s_gamma_bath, s_p_bath


def neff_decoupled_baths(m_Zp, T_dec=T_DEC_PAPER, m_phi=None):
    """N_eff for ε_AZ′ = 0: each bath conserves its entropy (Ref. [48] of the paper)."""
    return float(_neff_from_entropies(*_entropies_at_decoupling(m_Zp, T_dec, m_phi), T_dec))


def neff_single_bath(m_Zp, T_dec=T_DEC_PAPER, m_phi=None):
    """N_eff for Γ(Z′→e⁺e⁻)/H → ∞ while Z′ exists: (γ, e, ν_μ, ν_τ, Z′) share one
    temperature until both e and Z′ are gone (the black dashed curve of Fig. 4)."""
    s_total = sum(_entropies_at_decoupling(m_Zp, T_dec, m_phi))
    g_gamma, g_nu = G_PHOTON, 2.0 * 2 * G_NEUTRINO * 7.0 / 8.0   # γ and ν_μ,τ share T at the end
    return float(_neff_from_entropies(s_total * g_gamma / (g_gamma + g_nu),
                                      s_total * g_nu / (g_gamma + g_nu), T_dec))


def table_coordinate(m_Zp):
    """s = log10(m_Z′/2m_e − 1) [m_Z′ in GeV, above the e⁺e⁻ threshold]: ≈ log10 m_Z′ far
    above threshold, and it resolves the steep rise of N_eff just above it (Γ/H ≫ 1
    even with the phase-space suppression of Eq. 14)."""
    return np.log10(np.asarray(m_Zp) / (2.0 * c.m_e) - 1.0)


def mass_from_table_coordinate(s):
    """m_Z′ [GeV] from :func:`table_coordinate`."""
    return 2.0 * c.m_e * (1.0 + 10.0 ** np.asarray(s))


def neff_standard_model(T_dec=T_DEC_PAPER):
    """N_eff without a light Z′ in the same instantaneous-decoupling treatment
    (≈ 3.03 at 1.5 MeV; the precise SM value with non-instantaneous decoupling is 3.044)."""
    s_gamma_bath = (entropy_density_massless(T_dec, G_PHOTON, False)
                    + float(entropy_density(T_dec, c.m_e, 2 * G_ELECTRON, True)))
    s_p_bath = 2.0 * entropy_density_massless(T_dec, 2 * G_NEUTRINO, True)
    return float(_neff_from_entropies(s_gamma_bath, s_p_bath, T_dec))


# --- beyond the paper: non-instantaneous neutrino decoupling -------------------------
# Instead of cutting the ν–e coupling at T_ν-dec, the baths exchange energy through weak
# ν–e and ν–ν processes at the rates of M. Escudero, JCAP 02 (2019) 007
# [arXiv:1812.05605] and JCAP 05 (2020) 048 [arXiv:2001.04466]: Maxwell–Boltzmann
# rates with Fermi–Dirac correction factors, massless electrons in the rates, no QED
# finite-temperature corrections (neither is in the paper).  The Z′ keeps ν_μ, ν_τ at T′
# and exchanges heat with e as in Eqs. (11)–(12).
G_L_NUE, G_R_NUE = 0.727, 0.233        # ν_e–e couplings below 10 MeV (incl. charged current)
G_L_NUMU, G_R_NUMU = -0.273, 0.233     # ν_μ,τ–e couplings
F_ANNIHILATION, F_SCATTERING = 0.884, 0.829   # Fermi–Dirac corrections to the MB rates
T_START_COLLISIONAL = 10.0e-3          # all baths share one temperature at 10 MeV [GeV]


def _transfer(T1, T2):
    """32 f_a (T1⁹ − T2⁹) + 56 f_s T1⁴T2⁴(T1 − T2) [GeV⁹]: energy flow from a bath at T1 to
    one at T2 by annihilation and scattering (Escudero 2019, Eq. 2.13)."""
    return (32.0 * F_ANNIHILATION * (T1 ** 9 - T2 ** 9)
            + 56.0 * F_SCATTERING * T1 ** 4 * T2 ** 4 * (T1 - T2))


def weak_energy_transfer(T, T_nue, T_p):
    """(δρ_νe/δt, δρ_{νμ+ντ}/δt) [GeV⁵]: energy gained per unit time by ν_e and by
    ν_μ + ν_τ from weak ν–e and ν–ν processes (Escudero 2020, Eqs. 2.9–2.10)."""
    prefactor = c.G_F ** 2 / math.pi ** 5
    to_nue = prefactor * (4.0 * (G_L_NUE ** 2 + G_R_NUE ** 2) * _transfer(T, T_nue)
                          + 2.0 * _transfer(T_p, T_nue))
    to_numu = 2.0 * prefactor * (4.0 * (G_L_NUMU ** 2 + G_R_NUMU ** 2) * _transfer(T, T_p)
                                 - _transfer(T_p, T_nue))
    return to_nue, to_numu


def collisional_derivatives(n_efolds, log_T, log_T_nue, log_ratio, m_Zp, width_ee, m_phi=None):
    """d/dN of (ln(T/T_ref), ln(T_νe/T_ref), q = ln(T′/T)), T_ref = T_start e^{−N}.

    Energy conservation per bath: dρ/dN = −3(ρ + p) + (energy gained per time)/H, with the
    weak transfers of :func:`weak_energy_transfer` and the Z′ heat of Eqs. (11)–(12).
    """
    T_ref = T_START_COLLISIONAL * math.exp(-n_efolds)
    T, T_nue = T_ref * math.exp(log_T), T_ref * math.exp(log_T_nue)
    T_p = T * math.exp(log_ratio)
    rho1, p1, drho1 = _bath_gamma_e(T)
    rho2, p2, drho2 = _bath_nu_mu_tau_zp(T_p, m_Zp, m_phi)
    rho_nue = _RHO_NU_FLAVOUR * T_nue ** 4
    hubble = math.sqrt((rho1 + rho2 + rho_nue) / 3.0) / c.M_Pl_reduced
    to_nue, to_numu = weak_energy_transfer(T, T_nue, T_p)
    heat = width_ee * _energy_change(T, log_ratio, m_Zp, G_ZP, False) if width_ee > 0.0 else 0.0
    dlogT = (-3.0 * (rho1 + p1) + (heat - to_nue - to_numu) / hubble) / (drho1 * T)
    dlogT_nue = -1.0 + to_nue / (4.0 * hubble * rho_nue)
    dlogT_p = (-3.0 * (rho2 + p2) + (to_numu - heat) / hubble) / (drho2 * T_p)
    return dlogT + 1.0, dlogT_nue + 1.0, dlogT_p - dlogT


def final_temperatures_collisional(m_Zp, width_ee, rtol=1e-6, atol=1e-8, m_phi=None):
    """(T, T_νe, T′) [GeV] at the end of the non-instantaneous evolution, started at
    T_START_COLLISIONAL with one common temperature."""
    lightest = min(c.m_e, m_Zp, m_phi if m_phi is not None else math.inf)
    n_end = math.log(T_START_COLLISIONAL * X_END / lightest)

    def rhs(n, log_T, log_T_nue, log_ratio):
        return collisional_derivatives(n, log_T, log_T_nue, log_ratio, m_Zp, width_ee, m_phi)

    log_T, log_T_nue, log_ratio = stiff_ode.integrate(rhs, (0.0, 0.0, 0.0), (0.0, n_end),
                                                      rtol, atol).y
    T_ref = T_START_COLLISIONAL * math.exp(-n_end)
    T = T_ref * math.exp(log_T)
    return T, T_ref * math.exp(log_T_nue), T * math.exp(log_ratio)


def neff_collisional(m_Zp, g_p, rtol=1e-6, atol=1e-8, m_phi=None):
    """N_eff (Eq. 10) with non-instantaneous neutrino decoupling (beyond the paper)."""
    width_ee = zprime.width_Zp_to_ee(m_Zp, zprime.eps_AZp(g_p))
    return neff_from_temperatures(
        *final_temperatures_collisional(m_Zp, width_ee, rtol, atol, m_phi), m_Zp, m_phi)


def neff_standard_model_collisional(rtol=1e-6, atol=1e-8):
    """N_eff without a light Z′ with non-instantaneous decoupling (≈ 3.038; no QED corrections)."""
    temperatures = final_temperatures_collisional(math.inf, 0.0, rtol, atol)
    return neff_from_temperatures(*temperatures, math.inf)
