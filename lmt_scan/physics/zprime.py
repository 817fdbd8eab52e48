"""The Z′ sector: loop-induced mixings, Z′ widths and lifetime, muon g−2, plasmon operator.

Pure functions; masses and widths in GeV, couplings dimensionless (see ``constants``).
Each takes floats or numpy arrays (a float in, a float out): the batched path evaluates
the same formulas on arrays of points.
Equation numbers refer to Kamada, Kaneta, Yanagi, Yu, JHEP 06 (2018) 117 [arXiv:1805.00651].
"""
import math

import numpy as np

from . import constants as c

_LOG_TAU_MU = math.log(c.m_tau ** 2 / c.m_mu ** 2)


def _sqrt_above_zero(x):
    """√max(x, 0): 0 below a threshold (float or array)."""
    if isinstance(x, (float, int)):
        return math.sqrt(x) if x > 0.0 else 0.0
    return np.sqrt(np.maximum(x, 0.0))


def eps_AZp(g_p):
    """A–Z′ kinetic mixing below m_μ, Eq. (3): ε = −e g′ ln(m_τ²/m_μ²)/(12π²)."""
    return -c.e_charge * g_p * _LOG_TAU_MU / (12.0 * math.pi ** 2)


def eps_ZZp(g_p, sin2w=c.sin2_theta_W):
    """Z–Z′ mixing, Eq. (5): (−1/4 + s_W²) e g′ ln(m_τ²/m_μ²) / (12π² s_W c_W)."""
    s_w = math.sqrt(sin2w)
    c_w = math.sqrt(1.0 - sin2w)
    return (-0.25 + sin2w) * c.e_charge * g_p * _LOG_TAU_MU / (12.0 * math.pi ** 2 * s_w * c_w)


def width_Zp_to_neutrinos(m_Zp, g_p):
    """Γ(Z′ → ν_μν̄_μ + ν_τν̄_τ) [GeV]: g′² m_Z′/(24π) per left-handed flavour, two flavours."""
    return 2.0 * g_p ** 2 * m_Zp / (24.0 * math.pi)


def width_vector_to_fermions(m_V, coupling, m_f):
    """Γ(V → f f̄) [GeV] for a vector coupling ``coupling`` to a Dirac fermion of mass m_f.

    Γ = coupling² m_V (1 + 2m_f²/m_V²) √(1 − 4m_f²/m_V²) / (12π); zero below threshold.
    """
    r = (m_f / m_V) ** 2
    return coupling ** 2 * m_V * (1.0 + 2.0 * r) * _sqrt_above_zero(1.0 - 4.0 * r) / (12.0 * math.pi)


def width_Zp_to_ee(m_Zp, eps):
    """Γ(Z′ → e⁺e⁻) [GeV], Eq. (14): α ε² (m_Z′² + 2m_e²) √(m_Z′² − 4m_e²) / (3 m_Z′²)."""
    return (c.alpha_em * eps ** 2 * (m_Zp ** 2 + 2.0 * c.m_e ** 2)
            * _sqrt_above_zero(m_Zp ** 2 - 4.0 * c.m_e ** 2) / (3.0 * m_Zp ** 2))


def Zp_partial_widths(m_Zp, g_p):
    """Partial widths [GeV] of Z′: νν̄ (both flavours), e⁺e⁻ (Eq. 14), μ⁺μ⁻, τ⁺τ⁻."""
    return {
        "nunu": width_Zp_to_neutrinos(m_Zp, g_p),
        "ee": width_Zp_to_ee(m_Zp, eps_AZp(g_p)),
        "mumu": width_vector_to_fermions(m_Zp, g_p, c.m_mu),
        "tautau": width_vector_to_fermions(m_Zp, g_p, c.m_tau),
    }


R_CLOSED_FORM_MAX = 20.0   # above: cancellations in the closed form, numerical integral


def g2_loop_integral(r):
    """I(r) = ∫₀¹ dx 2x²(1−x)/(x² − r x + r), r = m_Z′²/m_μ² (the integral of Eq. 8).

    Closed form by polynomial division: x²(1−x)/D = −x + (1−r) + [A x + B]/D with
    D = x² − r x + r, A = r(2−r), B = −r(1−r); D(0) = r, D(1) = 1.  For r > 20 the
    terms, each ~r², cancel to ~1/r and lose digits (10⁻⁷ at r = 70, 1 % at r = 700);
    there (m_Z′ > 470 MeV) the integral is done numerically instead.  Float or array:
    each branch is one formula, evaluated with ``math`` on a float and ``numpy`` on the
    rows of an array that take it.
    """
    if isinstance(r, (float, int)):
        if r > R_CLOSED_FORM_MAX:
            return _g2_numerical(r)
        if abs(r - 4.0) < 1e-9:
            return _g2_closed(r, 0.5, math)     # ∫₀¹ dx/(x − 2)²
        return _g2_closed(r, (_j_below if r < 4.0 else _j_above)(r, math), math)
    r = np.asarray(r, dtype=float)
    out = np.empty(r.shape)
    for rows, j in ((r < 4.0 - 1e-9, _j_below), (r > 4.0 + 1e-9, _j_above),
                    (np.abs(r - 4.0) <= 1e-9, None)):
        rows &= r <= R_CLOSED_FORM_MAX
        if rows.any():
            rr = r[rows]
            out[rows] = _g2_closed(rr, 0.5 if j is None else j(rr, np), np)
    for i in np.flatnonzero(r > R_CLOSED_FORM_MAX):
        out.flat[i] = _g2_numerical(float(r.flat[i]))
    return out


def _j_below(r, xp):
    """∫₀¹ dx/D for r < 4 (D has no real root)."""
    k = xp.sqrt(r - r * r / 4.0)
    return (xp.atan((1.0 - r / 2.0) / k) - xp.atan(-r / 2.0 / k)) / k


def _j_above(r, xp):
    """∫₀¹ dx/D for r > 4 (real roots, both outside [0, 1])."""
    q = xp.sqrt(r * r / 4.0 - r)
    return (xp.log(abs((1.0 - r / 2.0 - q) / (1.0 - r / 2.0 + q)))
            - xp.log(abs((-r / 2.0 - q) / (-r / 2.0 + q)))) / (2.0 * q)


def _g2_closed(r, j, xp):
    """The closed form of I(r) given j = ∫₀¹ dx/D."""
    a, b = r * (2.0 - r), -r * (1.0 - r)
    c = b + a * r / 2.0            # A x + B = (A/2)(2x − r) + C
    return 2.0 * (0.5 - r - 0.5 * a * xp.log(r) + c * j)


def _g2_numerical(r):
    from scipy.integrate import quad      # lazy: only for m_Z′ > 470 MeV
    return quad(lambda x: 2.0 * x * x * (1.0 - x) / (x * x - r * x + r), 0.0, 1.0,
                points=[1.0 - 1.0 / r], epsabs=0.0, epsrel=1e-10, limit=100)[0]


def delta_a_mu(m_Zp, g_p):
    """Z′ one-loop contribution to a_μ = (g−2)_μ/2, Eq. (8).

    Δa_μ = g′²/(8π²) ∫₀¹ dx 2m_μ²x²(1−x) / (x²m_μ² + (1−x)m_Z′²).
    Limits: g′²/(8π²) for m_Z′ ≪ m_μ; g′² m_μ²/(12π² m_Z′²) for m_Z′ ≫ m_μ.
    """
    return g_p ** 2 / (8.0 * math.pi ** 2) * g2_loop_integral((m_Zp / c.m_mu) ** 2)


def G_Zp_plasmon(m_Zp, g_p):
    """Coefficient G_Z′ [GeV⁻²] of [ν̄γ^μ(1−γ5)ν][ēγ_μe] from off-shell Z′ (Sec. II A):

    G_Z′ = −e g′ ε_AZ′ / (2 m_Z′²).
    """
    return -c.e_charge * g_p * eps_AZp(g_p) / (2.0 * m_Zp ** 2)


def white_dwarf_ratio(m_Zp, g_p, C_V=c.C_V_plasmon):
    """|G_Z′| / (C_V G_F): white-dwarf plasmon cooling is excessive when this exceeds 1."""
    return np.abs(G_Zp_plasmon(m_Zp, g_p)) / (C_V * c.G_F)
