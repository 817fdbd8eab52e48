"""A ϕ lighter than the Z′ (Sec. II B, remark below Eq. 15): its widths and relic abundance.

Pure functions; masses and widths in GeV, temperatures in GeV.

**Widths.** ϕ couples to Z′Z′ through |D_μΦ|² (vertex 2 g′ Q_Φ m_Z′ g^{μν}).  For m_ϕ < m_Z′
both Z′ are off shell: ϕ → Z′*Z′* → ff̄f′f̄′.  For a conserved current, a Z′* of invariant
mass² q² decaying to a pair contributes (dq²/π) q Γ_V(q)/((q² − m_Z′²)² + m_Z′²Γ_Z′²), with
Γ_V(q) the width of a vector of mass q (Z′ → νν̄: 2 g′² q/(24π); → e⁺e⁻: Eq. 14 with
ε_AZ′), so

    Γ = ∫∫ dq₁² dq₂²/π² Γ₀(q₁², q₂²) BW(q₁²) BW(q₂²),
    Γ₀ = g′² Q_Φ² m_Z′² √λ(m_ϕ², q₁², q₂²) [2 + (m_ϕ² − q₁² − q₂²)²/(4 q₁² q₂²)] / (8π m_ϕ³),

Γ₀ being Eq. (C1) with the two Z′ masses set to q₁, q₂ (at q₁ = q₂ = m_Z′ it is C1 exactly,
identical-boson ½ included); interference between the two ways of pairing identical
neutrinos is neglected.  With one Z′ on shell this reproduces Eq. (C2) (tested), so the same
formula gives the 4ν width and the ννe⁺e⁻ width (∝ e²ε²/g′², the paper's branching ratio).

**Abundance.** Below m_Z′ the ϕ is kept in equilibrium with the ν_μ,τ bath by Z′ ↔ ϕνν̄ (the
same vertex crossed; ϕν ↔ Z′ν has the same suppression e^{−(m_Z′−m_ϕ)/T} and is not added,
so decoupling is estimated early, i.e. the abundance is an upper estimate).  It decouples
when the conversion rate per ϕ, Γ(Z′→ϕνν̄) (n_Z′/n_ϕ)_eq K₁/K₂(m_Z′/T), falls below H(T);
its yield is then Y = n_ϕ,eq(T_d)/s(T_d).
"""
import math

import numpy as np
from scipy.integrate import quad
from scipy.optimize import brentq
from scipy.special import kn, kve

from . import constants as c
from .dark_sector import Q_PHI
from .zprime import eps_AZp, width_Zp_to_ee, width_Zp_to_neutrinos

ZETA3 = 1.2020569031595942


def kallen(a, b, cc):
    """Källén function λ(a, b, c) = a² + b² + c² − 2ab − 2ac − 2bc."""
    return a * a + b * b + cc * cc - 2.0 * (a * b + a * cc + b * cc)


def width_phi_to_offshell_pair(m_phi, m_Zp, g_p, q1sq, q2sq):
    """Γ₀(ϕ → V(q₁) V(q₂)) [GeV]: Eq. (C1) with Z′ masses² q₁², q₂² [GeV²] (½ included)."""
    lam = kallen(m_phi ** 2, q1sq, q2sq)
    if lam <= 0.0:
        return 0.0
    dot = 0.5 * (m_phi ** 2 - q1sq - q2sq)
    return (g_p ** 2 * Q_PHI ** 2 * m_Zp ** 2 * math.sqrt(lam)
            * (2.0 + dot * dot / (q1sq * q2sq)) / (8.0 * math.pi * m_phi ** 3))


def _channel_widths(g_p):
    """{channel: Γ_V(q) [GeV] as a function of the pair mass q [GeV]}."""
    eps = eps_AZp(g_p)
    return {"nunu": lambda q: width_Zp_to_neutrinos(q, g_p),
            "ee": lambda q: width_Zp_to_ee(q, eps)}


def _breit_wigner(qsq, m_Zp, width_Zp, gamma_q):
    q = math.sqrt(qsq)
    return q * gamma_q(q) / (math.pi * ((qsq - m_Zp ** 2) ** 2 + (m_Zp * width_Zp) ** 2))


def width_phi_four_body(m_phi, m_Zp, g_p, width_Zp, channels=("nunu", "nunu"),
                        energy_weight=False, epsrel=1e-6):
    """Γ(ϕ → Z′*Z′* → pair₁ pair₂) [GeV] for ordered ``channels`` (each "nunu" or "ee").

    With ``energy_weight`` the integrand is weighted by E₂/m_ϕ, the energy fraction of the
    second pair in the ϕ rest frame, so the ratio of the two gives its mean.  Use for
    m_ϕ < m_Z′ (no pole inside the range); near a pole the quadrature needs a wider
    ``width_Zp`` (tests use 10⁻³ m_Z′).
    """
    widths = _channel_widths(g_p)
    g1, g2 = widths[channels[0]], widths[channels[1]]
    lo1 = (2.0 * c.m_e) ** 2 if channels[0] == "ee" else 0.0
    lo2 = (2.0 * c.m_e) ** 2 if channels[1] == "ee" else 0.0
    if math.sqrt(lo1) + math.sqrt(lo2) >= m_phi:
        return 0.0
    points = [m_Zp ** 2] if m_Zp < m_phi else None

    def inner(q1sq):
        top = (m_phi - math.sqrt(q1sq)) ** 2
        if top <= lo2:
            return 0.0

        def f(q2sq):
            value = (width_phi_to_offshell_pair(m_phi, m_Zp, g_p, q1sq, q2sq)
                     * _breit_wigner(q2sq, m_Zp, width_Zp, g2))
            if energy_weight:
                value *= (m_phi ** 2 + q2sq - q1sq) / (2.0 * m_phi ** 2)
            return value
        pts = [m_Zp ** 2] if lo2 < m_Zp ** 2 < top else None
        return quad(f, lo2, top, epsrel=epsrel, limit=200, points=pts)[0]

    top1 = (m_phi - math.sqrt(lo2)) ** 2
    return quad(lambda q1sq: inner(q1sq) * _breit_wigner(q1sq, m_Zp, width_Zp, g1), lo1, top1,
                epsrel=epsrel, limit=200, points=points)[0]


def light_phi_decays(m_phi, m_Zp, g_p):
    """(Γ_total [GeV], BR(ϕ → ννe⁺e⁻), mean e⁺e⁻ energy fraction) for m_ϕ < m_Z′."""
    width_Zp = width_Zp_to_neutrinos(m_Zp, g_p) + width_Zp_to_ee(m_Zp, eps_AZp(g_p))
    four_nu = width_phi_four_body(m_phi, m_Zp, g_p, width_Zp, ("nunu", "nunu"))
    # (νν, ee) and (ee, νν) are the two orderings of one final state
    nu_ee = 2.0 * width_phi_four_body(m_phi, m_Zp, g_p, width_Zp, ("nunu", "ee"))
    if nu_ee == 0.0:
        return four_nu, 0.0, 0.0
    energy = 2.0 * width_phi_four_body(m_phi, m_Zp, g_p, width_Zp, ("nunu", "ee"),
                                       energy_weight=True)
    return four_nu + nu_ee, nu_ee / (four_nu + nu_ee), energy / nu_ee


def width_Zp_to_phi_nunu(m_Zp, m_phi, g_p):
    """Γ(Z′ → ϕ Z′* → ϕνν̄) [GeV] for m_ϕ < m_Z′ (the C1 vertex crossed; spin-averaged)."""
    def f(qsq):
        lam = kallen(m_Zp ** 2, m_phi ** 2, qsq)
        if lam <= 0.0:
            return 0.0
        dot = 0.5 * (m_Zp ** 2 + qsq - m_phi ** 2)
        gamma0 = (4.0 * g_p ** 2 * Q_PHI ** 2 * m_Zp ** 2 / (3.0 * 2.0 * m_Zp)
                  * math.sqrt(lam) / (8.0 * math.pi * m_Zp ** 2)
                  * (2.0 + dot * dot / (m_Zp ** 2 * qsq)))
        q = math.sqrt(qsq)
        return gamma0 * q * width_Zp_to_neutrinos(q, g_p) / (math.pi * (qsq - m_Zp ** 2) ** 2)
    return quad(f, 0.0, (m_Zp - m_phi) ** 2, epsrel=1e-8, limit=200)[0]


def n_equilibrium(m, T, dof):
    """Maxwell–Boltzmann number density [GeV³]: g m² T K₂(m/T)/(2π²)."""
    return dof * m * m * T * kn(2, m / T) / (2.0 * math.pi ** 2)


def g_star(T):
    """Relativistic degrees of freedom [energy and entropy alike]: γ + 3ν (+ e± above m_e/3)."""
    return 10.75 if T > c.m_e / 3.0 else 3.36


def hubble(T):
    """H [GeV] in radiation domination, π √(g*/90) T²/M_Pl (reduced Planck mass)."""
    return math.pi * math.sqrt(g_star(T) / 90.0) * T * T / c.M_Pl_reduced


def decoupling_temperature(m_phi, m_Zp, g_p):
    """T_d [GeV] where Z′ ↔ ϕνν̄ conversions per ϕ equal H (m_ϕ < m_Z′)."""
    gamma = width_Zp_to_phi_nunu(m_Zp, m_phi, g_p)

    def excess(log_T):
        T = math.exp(log_T)
        x, y = m_Zp / T, m_phi / T
        # ln of n_Z′/n_ϕ (3 vs 1 dof) · K₁/K₂(x) · Γ, with e^{−x} taken out against underflow
        log_rate = (math.log(3.0 * (m_Zp / m_phi) ** 2 * kve(2, x) / kve(2, y)) - (x - y)
                    + math.log(kve(1, x) / kve(2, x)) + math.log(gamma))
        return log_rate - math.log(hubble(T))
    # the rate per ϕ over H peaks at T ~ (m_Z′ − m_ϕ)/few: decoupling is the last crossing,
    # searched downwards from T = m_Z′ (above it ϕϕ ↔ Z′Z′ keeps ϕ in equilibrium, Sec. II B)
    grid = np.linspace(math.log(m_Zp), math.log(m_phi / 200.0), 200)
    values = np.array([excess(u) for u in grid])
    inside = np.nonzero(values > 0.0)[0]
    if inside.size == 0:          # conversions never beat H below m_Z′: frozen at m_Z′
        return m_Zp
    i = inside[-1]
    if i == len(grid) - 1:        # still in equilibrium at T = m_ϕ/200: no relic to speak of
        return math.exp(grid[-1])
    return math.exp(brentq(excess, grid[i + 1], grid[i], xtol=1e-8))


def yield_at_decoupling(m_phi, m_Zp, g_p):
    """Y_ϕ = n_ϕ/s frozen at T_d (one real scalar, 1 dof)."""
    T = decoupling_temperature(m_phi, m_Zp, g_p)
    s = 2.0 * math.pi ** 2 / 45.0 * g_star(T) * T ** 3
    return n_equilibrium(m_phi, T, 1.0) / s


def number_over_photons(Y):
    """n_ϕ/n_γ after e⁺e⁻ annihilation: s/n_γ = (2π⁴/45 · 3.91)/(2ζ(3)) ≈ 7.04."""
    return Y * (2.0 * math.pi ** 4 / 45.0 * 3.91) / (2.0 * ZETA3)


