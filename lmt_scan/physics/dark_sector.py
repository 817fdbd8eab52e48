"""Dark sector: pseudo-Dirac masses, relic-density Yukawa coupling, ϕ decay widths.

Pure functions; masses and widths in GeV, cross sections in GeV⁻².
Equation numbers refer to arXiv:1805.00651 (Sec. III A, App. C).
"""
import math
import warnings

import numpy as np

# scipy.integrate / scipy.optimize are imported where used: importing them costs ~1 s, paid
# by every command (this module is imported with the derived quantities)

SQRT2 = math.sqrt(2.0)
Q_PHI = -1.0   # U(1)_{Lμ−Lτ} charge of Φ (Table I)


def vev_Phi(m_Zp, g_p):
    """v_Φ = m_Z′/g′ [GeV] (Sec. II, below Eq. 2)."""
    return m_Zp / g_p


def dirac_mass(M1, y, v_Phi):
    """m_N from M1 ≈ m_N − y v_Φ/√2 (pseudo-Dirac limit, Sec. III) [GeV]."""
    return M1 + y * v_Phi / SQRT2


def mass_splitting(y, v_Phi):
    """ΔM = M2 − M1 = √2 y v_Φ [GeV] (Sec. III A)."""
    return SQRT2 * y * v_Phi


def sigmav_eff(y, M1, v_Phi, x):
    """Effective co-annihilation ⟨σ_ann v⟩_eff [GeV⁻²] at x = M1/T, Eqs. (20)–(21).

    Vectorised in ``y``.  m_N and Δ = ΔM/m_N depend on y through v_Φ.
    """
    y = np.asarray(y, dtype=float)
    m_N = dirac_mass(M1, y, v_Phi)
    delta = mass_splitting(y, v_Phi) / m_N
    prefactor = y ** 4 / (64.0 * math.pi * m_N ** 2)
    sigmav_11 = 9.0 * prefactor / x                         # = ⟨σv⟩_22
    sigmav_12 = prefactor - 9.0 * prefactor / (4.0 * x)
    boltzmann = np.exp(-delta * x)
    r1 = 1.0 / (1.0 + boltzmann)
    r2 = boltzmann * r1
    return sigmav_11 * (r1 ** 2 + r2 ** 2) + 2.0 * sigmav_12 * r1 * r2


def _sigmav_eff_scalar(y, M1, v_Phi, x):
    """Scalar (math-module) twin of :func:`sigmav_eff` for the root finder's inner loop."""
    m_N = M1 + y * v_Phi / SQRT2
    boltzmann = math.exp(-SQRT2 * y * v_Phi / m_N * x)
    r1 = 1.0 / (1.0 + boltzmann)
    r2 = boltzmann * r1
    prefactor = y ** 4 / (64.0 * math.pi * m_N ** 2)
    return (9.0 * prefactor / x * (r1 * r1 + r2 * r2)
            + 2.0 * (prefactor - 9.0 * prefactor / (4.0 * x)) * r1 * r2)


_Y_GRID = np.logspace(-5.0, math.log10(math.sqrt(4.0 * math.pi)), 160)


def relic_yukawa(M1, v_Phi, sigmav_target, x_f=20.0):
    """Yukawa y with ⟨σv⟩_eff(x_f) = ``sigmav_target`` [GeV⁻²] (Sec. III A).

    Scans y over [1e-5, √(4π)] (perturbative) and returns the smallest root, refined
    by Brent's method.  Returns None if there is no solution in that range.
    """
    residual = sigmav_eff(_Y_GRID, M1, v_Phi, x_f) - sigmav_target
    crossings = np.nonzero((residual[:-1] < 0.0) & (residual[1:] >= 0.0))[0]
    if crossings.size == 0:
        return None
    i = crossings[0]
    from scipy.optimize import brentq
    return brentq(lambda y: _sigmav_eff_scalar(y, M1, v_Phi, x_f) - sigmav_target,
                  _Y_GRID[i], _Y_GRID[i + 1], xtol=1e-14, rtol=1e-12)


def width_phi_to_ZpZp(m_phi, m_Zp, g_p):
    """Γ(ϕ → Z′Z′) [GeV] for m_ϕ ≥ 2m_Z′, Eq. (C1)."""
    if m_phi < 2.0 * m_Zp:
        return 0.0
    return (g_p ** 2 * Q_PHI ** 2 / (32.0 * math.pi)
            * math.sqrt(m_phi ** 2 - 4.0 * m_Zp ** 2)
            * (m_phi ** 4 - 4.0 * m_phi ** 2 * m_Zp ** 2 + 12.0 * m_Zp ** 4)
            / (m_phi ** 2 * m_Zp ** 2))


def three_body_F(r, w):
    """F(r) of Eq. (C3) with w = Γ_Z′/m_Z′; r = m_ϕ/m_Z′ ∈ [1, ∞).

    The inner y integral of the quadratic numerator over [y_min, y_max] (Eqs. C4–C5)
    is done analytically: with A = r² − x + 1 and s = √λ(r², x, 1) = y_max − y_min,
    ∫dy [r²(y−1) − x(y−2) − y(y−1)] = s (A²/4 − s²/12 + 2x − r²).
    The x integral (x = m_νν̄²/m_Z′², Breit–Wigner pole at x = 1 of width w) is done
    numerically; within 10³ w of the pole in the variable θ, x = 1 + w tan θ, which
    turns the Lorentzian into a flat integrand (needed once r > 2, w ~ 10⁻⁸).
    """
    x_max = (r - 1.0) ** 2
    if x_max <= 0.0:
        return 0.0

    def numerator(x):
        lam = r ** 4 - 2.0 * r ** 2 * (x + 1.0) + (x - 1.0) ** 2
        s = math.sqrt(max(lam, 0.0))
        a = r ** 2 - x + 1.0
        return s * (a * a / 4.0 - s * s / 12.0 + 2.0 * x - r ** 2)

    from scipy.integrate import IntegrationWarning, quad

    def quad_quiet(f, lo, hi):
        # at the edges of the physical range (r → 1, where F → 0, and r = 2 exactly, pole at
        # the end point) the 1e-9 relative target is out of reach of round-off; the value
        # returned is still accurate to far better than anything that uses it
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IntegrationWarning)
            return quad(f, lo, hi, epsabs=0.0, epsrel=1e-9, limit=200)[0]

    def off_peak(lo, hi):
        # in u = ln|x − 1| the 1/(x−1)² fall-off of the Breit–Wigner tail becomes smooth
        side = 1.0 if lo >= 1.0 else -1.0
        u_lo, u_hi = sorted((math.log(abs(lo - 1.0)), math.log(abs(hi - 1.0))))

        def integrand(u):
            d = math.exp(u)
            return numerator(1.0 + side * d) * d / (d * d + w * w)
        return quad_quiet(integrand, u_lo, u_hi)

    half = 1.0e3 * w
    if x_max <= 1.0 - half:
        return off_peak(0.0, x_max) if x_max < 1.0 else 0.0
    top = min(1.0 + half, x_max)
    peak = quad_quiet(lambda t: numerator(1.0 + w * math.tan(t)) / w,
                      math.atan(-half / w), math.atan((top - 1.0) / w))
    value = off_peak(0.0, 1.0 - half) + peak
    if x_max > top:
        value += off_peak(top, x_max)
    return value


def width_phi_three_body(m_phi, m_Zp, g_p, w):
    """Γ(ϕ → Z′νν̄) [GeV], Eq. (C2): g′⁴ Q_Φ² m_Z′⁴ F(m_ϕ/m_Z′) / (32π³ m_ϕ³)."""
    return (g_p ** 4 * Q_PHI ** 2 * m_Zp ** 4 / (32.0 * math.pi ** 3 * m_phi ** 3)
            * three_body_F(m_phi / m_Zp, w))


def width_phi(m_phi, m_Zp, g_p, w):
    """Total ϕ width [GeV], w = Γ_Z′/m_Z′.

    m_ϕ > 2m_Z′: Eq. (C1).  m_Z′ ≤ m_ϕ ≤ 2m_Z′: Eq. (C2) plus the doubly-off-shell part
    C2 leaves out (``phi_late.offshell_width_above_threshold``; it matters only within a
    few 10⁻³ of threshold, where C2 → 0 as (r−1)⁵).  m_ϕ < m_Z′ (not computed in the
    paper, remark below Eq. 15): ϕ → Z′*Z′* → 4ν, ννe⁺e⁻, ννμ⁺μ⁻ (``phi_late``: the App. C
    vertex with both Z′ off shell).  Γ_ϕ is continuous at m_ϕ = m_Z′.

    Above threshold Eq. (C2) with a narrow Z′ tends to 2 BR(Z′→νν̄) × Eq. (C1) — either
    Z′ of the pair can be the one that decays, while (C1) carries the identical-boson ½ —
    so (C1) is the total width there and (C2) is not added to it.
    """
    from . import phi_late   # phi_late imports this module (Q_Φ)
    if m_phi > 2.0 * m_Zp:
        return width_phi_to_ZpZp(m_phi, m_Zp, g_p)
    if m_phi >= m_Zp:
        return (width_phi_three_body(m_phi, m_Zp, g_p, w)
                + phi_late.offshell_width_above_threshold(m_phi, m_Zp, g_p, w * m_Zp))
    return phi_late.light_phi_width(m_phi, m_Zp, g_p, w * m_Zp)
