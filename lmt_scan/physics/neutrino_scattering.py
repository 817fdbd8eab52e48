"""ν–e elastic scattering with and without the Z′: the Borexino ⁷Be rate (App. A).

Pure functions; energies in GeV, dσ/dT in GeV⁻³ (overall normalisation cancels in ratios).

Sign of the Z′ interference.  Z′ exchange between ν_α (L_μ−L_τ charge Q_α = +1 for ν_μ,
−1 for ν_τ, Eq. 1) and the electron (coupling −ε_AZ′ e J_em, Eq. 4) adds to the SM
neutral-current vector coupling, at momentum transfer q² = −2m_eT,

    g_V → g_V + Q_α g′ e ε_AZ′ / (√2 G_F (2 m_e T + m_Z′²)).

Expanding the SM formula (A2) to second order in this shift gives exactly Eq. (A3) for
Q_α = +1; for ν_τ the interference term flips sign while the |Z′|² term does not.  With
equal ν_μ and ν_τ fluxes the interference cancels — which is why the split matters.
"""
import math
from functools import lru_cache

import numpy as np

from . import constants as c
from .zprime import eps_AZp

E_BE7 = 0.862e-3          # ⁷Be line energy [GeV] (App. A)
T_MIN_BOREXINO = 0.270e-3  # Borexino recoil threshold [GeV] (App. A)
P_EE_BE7 = 0.51            # ν_e survival probability at 862 keV (App. A, Ref. [43])

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(48)


def couplings(sin2w=c.sin2_theta_W):
    """SM electron couplings (g_V, g_A) = (−1/2 + 2s_W², −1/2) used in App. A."""
    return -0.5 + 2.0 * sin2w, -0.5


def t_max(E_nu):
    """Maximal electron recoil T_max = 2E²/(m_e + 2E) [GeV]."""
    return 2.0 * E_nu ** 2 / (c.m_e + 2.0 * E_nu)


def dsigma_dT_nue(T, E_nu, sin2w=c.sin2_theta_W):
    """SM dσ/dT(ν_e e) [GeV⁻³], Eq. (A1) (neutrino sign; W and Z exchange)."""
    g_v, g_a = couplings(sin2w)
    y = 1.0 - T / E_nu
    return c.G_F ** 2 * c.m_e / (2.0 * math.pi) * (
        ((1 + g_v) + (1 + g_a)) ** 2 + ((1 + g_v) - (1 + g_a)) ** 2 * y ** 2
        - (g_v - g_a) * (g_v + g_a + 2.0) * c.m_e * T / E_nu ** 2)


def dsigma_dT_numu_SM(T, E_nu, sin2w=c.sin2_theta_W):
    """SM dσ/dT(ν_α e), α = μ, τ [GeV⁻³], Eq. (A2) (Z exchange only)."""
    g_v, g_a = couplings(sin2w)
    y = 1.0 - T / E_nu
    return c.G_F ** 2 * c.m_e / (2.0 * math.pi) * (
        (g_v + g_a) ** 2 + (g_v - g_a) ** 2 * y ** 2 - (g_v ** 2 - g_a ** 2) * c.m_e * T / E_nu ** 2)


def dsigma_dT_Zp_parts(T, E_nu, m_Zp, g_p, sin2w=c.sin2_theta_W):
    """The two pieces of Eq. (A3) [GeV⁻³]: (|Z′|² term, interference term for Q_α = +1)."""
    g_v, g_a = couplings(sin2w)
    ee = c.e_charge * eps_AZp(g_p)
    y = 1.0 - T / E_nu
    propagator = 2.0 * c.m_e * T + m_Zp ** 2
    recoil = c.m_e * T / E_nu ** 2
    pure = g_p ** 2 * ee ** 2 * c.m_e / (4.0 * math.pi * propagator ** 2) * (1.0 + y ** 2 - recoil)
    interference = g_p * ee * c.G_F * c.m_e / (math.sqrt(2.0) * math.pi * propagator) * (
        (g_v + g_a) + (g_v - g_a) * y ** 2 - g_v * recoil)
    return np.array([pure, interference])


def dsigma_dT_Zp(T, E_nu, m_Zp, g_p, charge=1.0, sin2w=c.sin2_theta_W):
    """Z′ part of dσ/dT(ν_α e) [GeV⁻³], Eq. (A3); ``charge`` = Q_α (+1 ν_μ, −1 ν_τ)
    multiplies the interference term (see module docstring)."""
    pure, interference = dsigma_dT_Zp_parts(T, E_nu, m_Zp, g_p, sin2w)
    return pure + charge * interference


def _integrate_T(f, t_lo, t_hi):
    """∫ f(T) dT over [t_lo, t_hi] by 48-point Gauss–Legendre (integrands are smooth)."""
    half = 0.5 * (t_hi - t_lo)
    T = t_lo + half * (_NODES + 1.0)
    return half * np.dot(_WEIGHTS, f(T))


@lru_cache(maxsize=16)
def _sm_rates(E_nu, T_min):
    """(∫σ(ν_e e), ∫σ(ν_μ,τ e)) over the window: independent of the model point, cached."""
    t_hi = t_max(E_nu)
    return (_integrate_T(lambda T: dsigma_dT_nue(T, E_nu), T_min, t_hi),
            _integrate_T(lambda T: dsigma_dT_numu_SM(T, E_nu), T_min, t_hi))


@lru_cache(maxsize=4096)
def _zp_rates_one(m_Zp, E_nu, T_min):
    return tuple(_zp_rates_per_coupling(np.array([m_Zp]), E_nu, T_min)[:, 0])


def _zp_rates_per_coupling(m_Zp, E_nu, T_min):
    """(I₁, I₂)(m_Z′) [GeV⁻²]: the window integrals of the two pieces of Eq. (A3) at g′ = 1,
    for an array of m_Z′ [GeV].  The |Z′|² piece scales as g′²(e ε_AZ′)² ∝ g′⁴ and the
    interference as g′ e ε_AZ′ ∝ g′² (ε_AZ′ ∝ g′, Eq. 3), so at any g′ the integrals are
    g′⁴ I₁ and g′² I₂ — the 48-node quadrature depends on m_Z′ only."""
    t_hi = t_max(E_nu)
    half = 0.5 * (t_hi - T_min)
    T = T_min + half * (_NODES + 1.0)
    parts = dsigma_dT_Zp_parts(T[None, :], E_nu, np.asarray(m_Zp, dtype=float)[:, None], 1.0)
    # a row-wise sum, not a BLAS product: a row's digits must not depend on how many rows
    # share the call (chains are identical whatever the worker count)
    return half * (parts * _WEIGHTS).sum(axis=-1)


def zp_rates(m_Zp, E_nu=E_BE7, T_min=T_MIN_BOREXINO):
    """(I₁, I₂) of :func:`_zp_rates_per_coupling` for a float (cached) or an array m_Z′."""
    if np.ndim(m_Zp) == 0:
        return _zp_rates_one(float(m_Zp), E_nu, T_min)
    return tuple(_zp_rates_per_coupling(np.asarray(m_Zp, dtype=float).reshape(-1), E_nu, T_min)
                 .reshape((2,) + np.shape(m_Zp)))


def borexino_rate_ratio(m_Zp, g_p, mode="physical", mu_fraction=0.5, E_nu=E_BE7,
                        T_min=T_MIN_BOREXINO, P_ee=P_EE_BE7):
    """R_tot(with Z′)/R_tot(SM) for the mono-energetic ⁷Be line above T_min, Eqs. (A4)–(A5).

    mode 'physical': σ_tot = P_ee σ(ν_e e) + (1−P_ee)[f σ(ν_μ e) + (1−f) σ(ν_τ e)],
    f = ``mu_fraction``, with the interference sign of each flavour.
    mode 'paper': Eq. (A5) as printed, Σ_α over α = μ, τ each with the full (1−P_ee)
    weight and the printed (Q = +1) sign of Eq. (A3).
    The Z′ terms are g′⁴ I₁(m_Z′) + Q g′² I₂(m_Z′) (:func:`zp_rates`).  Float or arrays.
    """
    if mode not in ("physical", "paper"):
        raise ValueError(f"unknown Borexino mode {mode!r}")
    t_hi = t_max(E_nu)
    if t_hi <= T_min:
        shape = np.broadcast(m_Zp, g_p).shape
        return np.ones(shape) if shape else 1.0
    nue, numu_sm = _sm_rates(E_nu, T_min)
    per_g4, per_g2 = zp_rates(m_Zp, E_nu, T_min)
    g2 = g_p * g_p
    pure, interference = g2 * g2 * per_g4, g2 * per_g2
    if mode == "paper":
        sm = P_ee * nue + (1.0 - P_ee) * 2.0 * numu_sm
        return (sm + (1.0 - P_ee) * 2.0 * (pure + interference)) / sm
    sm = P_ee * nue + (1.0 - P_ee) * numu_sm
    net_charge = mu_fraction - (1.0 - mu_fraction)     # Q_μ f + Q_τ (1 − f)
    return (sm + (1.0 - P_ee) * (pure + net_charge * interference)) / sm
