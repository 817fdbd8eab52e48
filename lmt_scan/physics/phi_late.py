"""A ϕ lighter than the Z′ (Sec. II B, remark below Eq. 15): its widths and relic abundance.

Pure functions; masses and widths in GeV, temperatures in GeV.

**Widths.** ϕ couples to Z′Z′ through |D_μΦ|² (vertex 2 g′ Q_Φ m_Z′ g^{μν}).  For m_ϕ < m_Z′
both Z′ are off shell: ϕ → Z′*Z′* → ff̄f′f̄′.  For a conserved current, a Z′* of invariant
mass² q² decaying to a pair contributes (dq²/π) q Γ_V(q)/((q² − m_Z′²)² + m_Z′²Γ_Z′²), with
Γ_V(q) the width of a vector of mass q (Z′ → νν̄: 2 g′² q/(24π); → e⁺e⁻: Eq. 14 with
ε_AZ′; → μ⁺μ⁻: coupling g′; the "all" leg is their sum), so

    Γ = ∫∫ dq₁² dq₂²/π² Γ₀(q₁², q₂²) BW(q₁²) BW(q₂²),
    Γ₀ = g′² Q_Φ² m_Z′² √λ(m_ϕ², q₁², q₂²) [2 + (m_ϕ² − q₁² − q₂²)²/(4 q₁² q₂²)] / (8π m_ϕ³),

Γ₀ being Eq. (C1) with the two Z′ masses set to q₁, q₂ (at q₁ = q₂ = m_Z′ it is C1 exactly,
identical-boson ½ included); interference between the two ways of pairing identical
neutrinos is neglected.  With one Z′ on shell this reproduces Eq. (C2) (tested), so the same
formula gives the 4ν width and the ννe⁺e⁻ width (∝ e²ε²/g′², the paper's branching ratio).
There is no ϕ → γγ or two-body e⁺e⁻: λ_ΦH = 0 (below Eq. 2), and the kinetic-mixing vertex
vanishes for real photons.  Production widths use a fixed product rule
(:func:`width_phi_four_body_rule`), checked against adaptive quadrature
(:func:`width_phi_four_body`); within 10⁻³ of m_Z′ and above it see
:func:`offshell_width_above_threshold`.

**Abundance.** Below m_Z′ the ϕ is kept in equilibrium with the ν_μ,τ bath by Z′ ↔ ϕνν̄ (the
same vertex crossed; ϕν ↔ Z′ν has the same suppression e^{−(m_Z′−m_ϕ)/T} and is not added,
so decoupling is estimated early, i.e. the abundance is an upper estimate).  It decouples
when the conversion rate per ϕ, Γ(Z′→ϕνν̄) (n_Z′/n_ϕ)_eq K₁/K₂(m_Z′/T), falls below H(T);
its yield is then Y = n_ϕ,eq(T_d)/s(T_d).
"""
import math

import numpy as np

# scipy.integrate / optimize / special are imported where used (~1 s at start-up otherwise)

from . import constants as c
from . import spectral_distortion
from .dark_sector import Q_PHI
from .zprime import eps_AZp, width_Zp_to_ee, width_Zp_to_neutrinos, width_vector_to_fermions

ZETA3 = 1.2020569031595942


def kallen(a, b, cc):
    """Källén function λ(a, b, c) = a² + b² + c² − 2ab − 2ac − 2bc."""
    return a * a + b * b + cc * cc - 2.0 * (a * b + a * cc + b * cc)


def width_phi_to_offshell_pair(m_phi, m_Zp, g_p, q1sq, q2sq):
    """Γ₀(ϕ → V(q₁) V(q₂)) [GeV]: Eq. (C1) with Z′ masses² q₁², q₂² [GeV²] (½ included).
    Scalars, or arrays of q₁², q₂² (0 outside phase space)."""
    if np.ndim(q1sq) or np.ndim(q2sq):
        lam = kallen(m_phi ** 2, q1sq, q2sq)
        dot = 0.5 * (m_phi ** 2 - q1sq - q2sq)
        inside = lam > 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            value = (g_p ** 2 * Q_PHI ** 2 * m_Zp ** 2 * np.sqrt(np.where(inside, lam, 0.0))
                     * (2.0 + dot * dot / (q1sq * q2sq)) / (8.0 * math.pi * m_phi ** 3))
        return np.where(inside, value, 0.0)
    lam = kallen(m_phi ** 2, q1sq, q2sq)
    if lam <= 0.0:
        return 0.0
    dot = 0.5 * (m_phi ** 2 - q1sq - q2sq)
    return (g_p ** 2 * Q_PHI ** 2 * m_Zp ** 2 * math.sqrt(lam)
            * (2.0 + dot * dot / (q1sq * q2sq)) / (8.0 * math.pi * m_phi ** 3))


CHANNEL_THRESHOLD_GeV = {"nunu": 0.0, "ee": 2.0 * c.m_e, "mumu": 2.0 * c.m_mu, "all": 0.0}


def _channel_widths(g_p):
    """{channel: Γ_V(q) [GeV] as a function of the pair mass q [GeV]}; "all" is their sum
    (a Z′* leg summed over what it can turn into: νν̄, e⁺e⁻ through ε_AZ′, μ⁺μ⁻ with g′)."""
    eps = eps_AZp(g_p)
    widths = {"nunu": lambda q: width_Zp_to_neutrinos(q, g_p),
              "ee": lambda q: width_Zp_to_ee(q, eps),
              "mumu": lambda q: width_vector_to_fermions(q, g_p, c.m_mu)}
    widths["all"] = lambda q: widths["nunu"](q) + widths["ee"](q) + widths["mumu"](q)
    return widths


def _breit_wigner(qsq, m_Zp, width_Zp, gamma_q):
    if qsq <= 0.0:      # a node rounded onto q² = 0, where q Γ_V(q) = 0
        return 0.0
    q = math.sqrt(qsq)
    return q * gamma_q(q) / (math.pi * ((qsq - m_Zp ** 2) ** 2 + (m_Zp * width_Zp) ** 2))


def width_phi_four_body(m_phi, m_Zp, g_p, width_Zp, channels=("nunu", "nunu"),
                        energy_weight=False, epsrel=1e-6):
    """Γ(ϕ → Z′*Z′* → pair₁ pair₂) [GeV] for ordered ``channels`` (each "nunu", "ee",
    "mumu" or "all").

    With ``energy_weight`` the integrand is weighted by E₂/m_ϕ, the energy fraction of the
    second pair in the ϕ rest frame, so the ratio of the two gives its mean.  Use for
    m_ϕ < m_Z′ (no pole inside the range); near a pole the quadrature needs a wider
    ``width_Zp`` (tests use 10⁻³ m_Z′).  ``epsabs = 0``: the widths are ~10⁻³⁰ GeV, far
    below quad's default absolute tolerance.
    """
    from scipy.integrate import quad
    widths = _channel_widths(g_p)
    g1, g2 = widths[channels[0]], widths[channels[1]]
    lo1 = CHANNEL_THRESHOLD_GeV[channels[0]] ** 2
    lo2 = CHANNEL_THRESHOLD_GeV[channels[1]] ** 2
    if math.sqrt(lo1) + math.sqrt(lo2) >= m_phi:
        return 0.0
    # break points: the pole, and the e⁺e⁻/μ⁺μ⁻ thresholds (kinks) of an "all" leg
    kinks = [(2.0 * c.m_e) ** 2, (2.0 * c.m_mu) ** 2, m_Zp ** 2]
    outer_kinks = kinks + [(m_phi - 2.0 * m) ** 2 for m in (c.m_e, c.m_mu) if 2.0 * m < m_phi]

    def breaks(lo, hi, at=kinks):
        inside = sorted(k for k in at if lo < k < hi)
        return inside or None

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
        return quad(f, lo2, top, epsabs=0.0, epsrel=epsrel, limit=200,
                    points=breaks(lo2, top))[0]

    top1 = (m_phi - math.sqrt(lo2)) ** 2
    return quad(lambda q1sq: inner(q1sq) * _breit_wigner(q1sq, m_Zp, width_Zp, g1), lo1, top1,
                epsabs=0.0, epsrel=epsrel, limit=200, points=breaks(lo1, top1, outer_kinks))[0]


_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)
_GL_X, _GL_W = 0.5 * (_GL_X + 1.0), 0.5 * _GL_W          # on [0, 1]


def _mapped_nodes(lo, hi):
    """Nodes and weights on [lo, hi] (arrays of equal shape → trailing node axis) of a
    24-point Gauss–Legendre rule after u = lo + (hi−lo)(1 − cos πx)/2, which makes
    √(u − lo) and √(hi − u) end-point behaviour (phase-space edges, channel thresholds)
    smooth; empty pieces (hi ≤ lo) get zero weight."""
    lo, hi = np.asarray(lo, float)[..., None], np.asarray(hi, float)[..., None]
    length = np.maximum(hi - lo, 0.0)
    u = lo + length * 0.5 * (1.0 - np.cos(math.pi * _GL_X))
    return u, length * 0.5 * math.pi * np.sin(math.pi * _GL_X) * _GL_W


def _pieces(lo, hi, cuts):
    """[(a, b)] pieces of [lo, hi] (arrays) split at the scalar ``cuts``."""
    edges = [lo] + [np.clip(cut, lo, hi) for cut in sorted(cuts)] + [hi]
    return list(zip(edges[:-1], edges[1:]))


def width_phi_four_body_rule(m_phi, m_Zp, g_p, width_Zp, channels=("all", "all"),
                             energy_weight=False):
    """:func:`width_phi_four_body` by a fixed product rule (vectorised, ~1 ms): the pair
    masses q_i = u_i m_ϕ on pieces split at the channel thresholds (2m_e, 2m_μ), 24 mapped
    Gauss–Legendre nodes each.  For m_ϕ < m_Z′ only (no pole in the range); tested against
    the adaptive quadrature."""
    widths = _channel_widths(g_p)
    gamma = [widths[ch] for ch in channels]   # the zprime widths take arrays
    cuts = [t / m_phi for t in (2.0 * c.m_e, 2.0 * c.m_mu) if t < m_phi]
    lo1, lo2 = (CHANNEL_THRESHOLD_GeV[ch] / m_phi for ch in channels)
    if lo1 + lo2 >= 1.0:
        return 0.0

    def leg(u, gamma_q):   # dq² BW(q²) per du: 2 m_ϕ² u · q Γ_V(q)/(π((q² − M²)² + M²Γ²))
        q = u * m_phi
        return (2.0 * m_phi ** 2 * u * q * gamma_q(q)
                / (math.pi * ((q * q - m_Zp ** 2) ** 2 + (m_Zp * width_Zp) ** 2)))
    total = 0.0
    # outer cuts also where the inner range's end 1 − u₁ crosses a threshold (a kink too)
    for a, b in _pieces(lo1, 1.0 - lo2, cuts + [1.0 - t for t in cuts]):
        u1, w1 = _mapped_nodes(a, b)            # scalar piece → 24 nodes
        w1 = w1 * leg(u1, gamma[0])
        for a2, b2 in _pieces(np.full_like(u1, lo2), 1.0 - u1, cuts):
            u2, w2 = _mapped_nodes(a2, b2)
            q1sq, q2sq = (u1[:, None] * m_phi) ** 2, (u2 * m_phi) ** 2
            f = width_phi_to_offshell_pair(m_phi, m_Zp, g_p, q1sq, q2sq) * leg(u2, gamma[1])
            if energy_weight:
                f = f * (m_phi ** 2 + q2sq - q1sq) / (2.0 * m_phi ** 2)
            total += float(np.sum(w1[:, None] * w2 * np.where(w2 > 0.0, f, 0.0)))
    return total


def _width_Zp(m_Zp, g_p):
    """Γ_Z′ [GeV] over the channels a Z′* leg is summed over (νν̄, e⁺e⁻, μ⁺μ⁻)."""
    return _channel_widths(g_p)["all"](m_Zp)


R_EDGE = 0.999   # m_ϕ/m_Z′ above which Γ_ϕ is the continuation through threshold


def light_phi_width(m_phi, m_Zp, g_p, width_Zp=None):
    """Total Γ_ϕ [GeV] for m_ϕ < m_Z′: ϕ → Z′*Z′*, each leg summed over νν̄, e⁺e⁻, μ⁺μ⁻
    (4ν dominates; μ⁺μ⁻νν̄ opens above 2m_μ).  ``width_Zp`` [GeV] enters only through the
    Breit–Wigner, negligible below m_Z′ (default: the νν̄ + e⁺e⁻ + μ⁺μ⁻ width).  Within
    10⁻³ of threshold, where the product rule loses accuracy, it is the continuation of
    :func:`offshell_width_above_threshold` (the same function on both sides: continuous)."""
    width_Zp = _width_Zp(m_Zp, g_p) if width_Zp is None else width_Zp
    if m_phi > R_EDGE * m_Zp:
        return offshell_width_above_threshold(m_phi, m_Zp, g_p, width_Zp)
    return width_phi_four_body_rule(m_phi, m_Zp, g_p, width_Zp, ("all", "all"))


def light_phi_decays(m_phi, m_Zp, g_p):
    """(Γ_total [GeV], BR(ϕ → ννe⁺e⁻), mean e⁺e⁻ energy fraction) for m_ϕ < m_Z′.

    Γ_total is :func:`light_phi_width`; the electromagnetic energy counted is that of the
    ννe⁺e⁻ final state only (the e⁺e⁻e⁺e⁻ one is ∝ ε⁴; μ⁺μ⁻νν̄ above 2m_μ is in the width
    but its energy is not counted: the bound is then weaker than it should be there)."""
    width_Zp = _width_Zp(m_Zp, g_p)
    total = light_phi_width(m_phi, m_Zp, g_p, width_Zp)
    # (νν, ee) and (ee, νν) are the two orderings of one final state
    nu_ee = 2.0 * width_phi_four_body_rule(m_phi, m_Zp, g_p, width_Zp, ("nunu", "ee"))
    if nu_ee == 0.0:
        return total, 0.0, 0.0
    energy = 2.0 * width_phi_four_body_rule(m_phi, m_Zp, g_p, width_Zp, ("nunu", "ee"),
                                            energy_weight=True)
    return total, nu_ee / total, energy / nu_ee


def offshell_width_above_threshold(m_phi, m_Zp, g_p, width_Zp, r1=0.99):
    """The doubly-off-shell part of Γ_ϕ [GeV] for m_ϕ ≥ R_EDGE m_Z′ (up to 2m_Z′), which
    Eq. (C2) (one Z′ on shell) leaves out: the four-body width continued from just below
    threshold, Γ(r₀) (r/r₀)^k with r₀ = R_EDGE and k = d ln Γ/d ln r between r₁ and r₀.

    It keeps Γ_ϕ continuous at m_ϕ = m_Z′ (C2 → 0 there as (r−1)⁵) and matters only within
    a few 10⁻³ of threshold; against the full ϕ → Z′*Z′* integral with both Breit–Wigners
    resolved, C2 plus this is within 1.5×10⁻³ for 0.999 < r ≤ 1.3 (tests/test_phi_width.py).
    """
    rule = width_phi_four_body_rule
    g0 = rule(R_EDGE * m_Zp, m_Zp, g_p, width_Zp, ("all", "all"))
    g1 = rule(r1 * m_Zp, m_Zp, g_p, width_Zp, ("all", "all"))
    k = math.log(g0 / g1) / math.log(R_EDGE / r1)
    return g0 * (m_phi / (R_EDGE * m_Zp)) ** k


def width_Zp_to_phi_nunu(m_Zp, m_phi, g_p):
    """Γ(Z′ → ϕ Z′* → ϕνν̄) [GeV] for m_ϕ < m_Z′ (the C1 vertex crossed; spin-averaged)."""
    from scipy.integrate import quad
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
    from scipy.special import kn
    return dof * m * m * T * kn(2, m / T) / (2.0 * math.pi ** 2)


def g_star(T):
    """Relativistic degrees of freedom [energy and entropy alike]: γ + 3ν (+ e± above m_e/3)."""
    return 10.75 if T > c.m_e / 3.0 else 3.36


def hubble(T):
    """H [GeV] in radiation domination, π √(g*/90) T²/M_Pl (reduced Planck mass)."""
    return math.pi * math.sqrt(g_star(T) / 90.0) * T * T / c.M_Pl_reduced


def decoupling_temperature(m_phi, m_Zp, g_p):
    """T_d [GeV] where Z′ ↔ ϕνν̄ conversions per ϕ equal H (m_ϕ < m_Z′)."""
    from scipy.optimize import brentq
    from scipy.special import kve
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




def cmb_distortions(m_phi, m_Zp, g_p):
    """(μ, y, τ_ϕ [s]) of the late ϕ → ννe⁺e⁻ decays for 2m_e < m_ϕ < m_Z′ (masses in GeV):
    abundance at decoupling × BR × mean e⁺e⁻ energy fraction × m_ϕ, injected with the
    lifetime from :func:`light_phi_decays` (``spectral_distortion``).  (0, 0, τ) where
    there is no e⁺e⁻ channel; ValueError for m_ϕ ≥ m_Z′ (ϕ decays by Eqs. C1–C2)."""
    if m_phi >= m_Zp:
        raise ValueError("cmb_distortions is for m_phi < m_Zp")
    width, branching, energy_fraction = light_phi_decays(m_phi, m_Zp, g_p)
    lifetime = c.hbar_GeV_s / width
    if branching == 0.0:
        return 0.0, 0.0, lifetime
    abundance = number_over_photons(yield_at_decoupling(m_phi, m_Zp, g_p))
    mu, y = spectral_distortion.distortions_from_decay(
        abundance * branching * energy_fraction * m_phi, lifetime)
    return mu, y, lifetime
