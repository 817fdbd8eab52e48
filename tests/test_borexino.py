"""Borexino ν–e scattering (App. A, Eqs. A1–A5)."""
import functools
import math

import numpy as np
import pytest
from scipy.integrate import quad

from likelihoods.borexino import Borexino
from lmt_scan.errors import PointRejected
from lmt_scan.physics import constants as c
from lmt_scan.physics import neutrino_scattering as ns
from lmt_scan.physics.zprime import eps_AZp
from lmt_scan.point import ModelPoint

# pytest.approx's hidden abs=1e-12 would pass any comparison of quantities ≪ 1e-12
# (lifetimes in s, widths in GeV, densities in GeV⁴): relative tolerance only
approx = functools.partial(pytest.approx, rel=1e-6, abs=0.0)

E = ns.E_BE7


def test_compton_edge_of_be7_line():
    # T_max = 2E²/(m_e + 2E) = 665 keV for the 862 keV line
    assert ns.t_max(E) == approx(0.665e-3, rel=2e-3)


def test_A3_is_the_gV_shift_of_A2():
    # Eq. (A3) must equal A2 with g_V → g_V + Q g′eε/(√2 G_F (2m_eT + m²)) minus A2.
    T, m, g = 0.4e-3, 0.010, 5e-4
    for charge in (+1.0, -1.0):
        shift = charge * g * c.e_charge * eps_AZp(g) / (
            2 ** 0.5 * c.G_F * (2 * c.m_e * T + m ** 2))
        sin2_shifted = c.sin2_theta_W + shift / 2.0   # g_V = −1/2 + 2 s² → shift s² by δ/2
        shifted = ns.dsigma_dT_numu_SM(T, E, sin2w=sin2_shifted)
        # g_A unchanged, and A3's own g_V must be the unshifted one
        assert ns.dsigma_dT_numu_SM(T, E) + ns.dsigma_dT_Zp(T, E, m, g, charge) == \
            approx(shifted, rel=1e-10)


def test_sm_ratio_of_cross_sections():
    # ν_μ e / ν_e e over the Borexino window: ≈ 0.2 (e.g. Bahcall, Kamionkowski, Sirlin 1995
    # quote σ(ν_μ e)/σ(ν_e e) ≈ 0.21 for ⁷Be)
    lo, hi = ns.T_MIN_BOREXINO, ns.t_max(E)
    r = ns._integrate_T(lambda T: ns.dsigma_dT_numu_SM(T, E), lo, hi) / \
        ns._integrate_T(lambda T: ns.dsigma_dT_nue(T, E), lo, hi)
    assert 0.15 < r < 0.3


# --- an independent computation of R/R_SM: chiral couplings, scipy quadrature ----------
# dσ/dT(ν e) = (2G_F² m_e/π)[g_L² + g_R²(1 − T/E)² − g_L g_R m_e T/E²] (e.g. Vogel & Engel,
# PRD 39 (1989) 3378), g_L = −1/2 + s_W² (+1 for ν_e: W exchange), g_R = s_W².  The Z′ shifts
# the vector coupling g_V = g_L + g_R by Q g′eε_AZ′/(√2 G_F(2m_eT + m_Z′²)), i.e. g_L and g_R
# by half of it each; Q = +1 for ν_μ, −1 for ν_τ (Eq. 1).  App. A: ⁷Be line 862 keV,
# Borexino window from 270 keV, P_ee = 0.51.
E_LINE, T_LO, P_EE = 0.862e-3, 0.270e-3, 0.51
S2W, M_E, G_F = 0.23122, 0.51099895e-3, 1.1663788e-5
E_CHARGE = math.sqrt(4 * math.pi / 137.035999084)
LOG_TAU_MU = 2 * math.log(1.77686 / 0.1056583755)


def _dsigma(T, g_l, g_r):
    return 2 * G_F ** 2 * M_E / math.pi * (g_l ** 2 + g_r ** 2 * (1 - T / E_LINE) ** 2
                                           - g_l * g_r * M_E * T / E_LINE ** 2)


def _rate(flavour, m_zp, g, charge):
    eps = -E_CHARGE * g * LOG_TAU_MU / (12 * math.pi ** 2)          # Eq. (3)
    t_hi = 2 * E_LINE ** 2 / (M_E + 2 * E_LINE)

    def integrand(T):
        shift = charge * g * E_CHARGE * eps / (math.sqrt(2) * G_F * (2 * M_E * T + m_zp ** 2))
        g_l = -0.5 + S2W + (1.0 if flavour == "e" else 0.0)
        return _dsigma(T, g_l + shift / 2, S2W + shift / 2)
    return quad(integrand, T_LO, t_hi, epsabs=0, epsrel=1e-12)[0]


def _ratio_by_hand(m_zp, g, mu_fraction=0.5, paper=False):
    nue = _rate("e", m_zp, g, 0.0)
    sm = _rate("mu", m_zp, 0.0, 0.0)
    if paper:   # Eq. (A5) as printed: ν_μ and ν_τ each with the full weight and Q = +1
        return (P_EE * nue + (1 - P_EE) * 2 * _rate("mu", m_zp, g, 1.0)) / \
            (P_EE * nue + (1 - P_EE) * 2 * sm)
    new = mu_fraction * _rate("mu", m_zp, g, 1.0) + (1 - mu_fraction) * _rate("mu", m_zp, g, -1.0)
    return (P_EE * nue + (1 - P_EE) * new) / (P_EE * nue + (1 - P_EE) * sm)


def test_window_and_survival_probability_of_app_A():
    assert (ns.E_BE7, ns.T_MIN_BOREXINO, ns.P_EE_BE7) == (E_LINE, T_LO, P_EE)


def test_rate_ratio_against_an_independent_calculation_over_the_prior_box():
    # random (m_Z′, g′) over the paper's box, log-uniform: m_Z′ 1–300 MeV, g′ 1e-5–1e-2;
    # R − 1 spans 1e-12 … 1e2 here, so its relative error is what is compared
    rng = np.random.default_rng(1805)
    for _ in range(25):
        m_zp, g = 10 ** rng.uniform(-3, math.log10(0.3)), 10 ** rng.uniform(-5, -2)
        f = rng.uniform()
        assert ns.borexino_rate_ratio(m_zp, g, mu_fraction=f) - 1 == approx(
            _ratio_by_hand(m_zp, g, f) - 1, rel=1e-6), (m_zp, g, f)
        assert ns.borexino_rate_ratio(m_zp, g, mode="paper") - 1 == approx(
            _ratio_by_hand(m_zp, g, paper=True) - 1, rel=1e-6), (m_zp, g)


def test_rate_ratio_at_the_benchmark_star():
    # (10 MeV, 5e-4) with the default equal ν_μ/ν_τ split: R/R_SM = 1.16 (README, Fig. 1 left)
    assert ns.borexino_rate_ratio(0.010, 5e-4) == approx(_ratio_by_hand(0.010, 5e-4),
                                                                 rel=1e-9)
    assert ns.borexino_rate_ratio(0.010, 5e-4) == approx(1.16, abs=0.005)


def test_smooth_and_hard_penalty_values():
    # smooth (default): log L = −½(|R − 1| · 1.96/0.08)²; hard: 0 inside 8 %, rejected outside
    rng = np.random.default_rng(7)
    smooth, hard = Borexino(), Borexino(shape="hard")
    for _ in range(10):
        m_zp, g = 10 ** rng.uniform(0, math.log10(300)), 10 ** rng.uniform(-4.5, -3)
        point = ModelPoint(m_zp, g, 20.0, 20.0)
        deviation = abs(_ratio_by_hand(m_zp * 1e-3, g) - 1)
        assert smooth.loglike(point) == approx(-0.5 * (deviation * 1.96 / 0.08) ** 2,
                                                      rel=1e-6)
        if deviation <= 0.08:
            assert hard.loglike(point) == 0.0
        else:
            with pytest.raises(PointRejected) as info:
                hard.loglike(point)
            assert info.value.reason == "borexino_excluded"
    # the benchmark star: |R − 1| = 0.16 is two tolerances out: Δχ² = (2 × 1.96)²
    star = ModelPoint(10.0, 5e-4, 20.0, 20.0)
    assert smooth.loglike(star) == approx(-0.5 * (0.16 / 0.08 * 1.96) ** 2, rel=0.07)


def test_equal_split_cancels_interference():
    # with half ν_μ, half ν_τ the interference terms cancel: R − 1 ∝ g′⁴ exactly
    r1 = ns.borexino_rate_ratio(0.05, 1e-4) - 1
    r2 = ns.borexino_rate_ratio(0.05, 2e-4) - 1
    assert r2 / r1 == approx(16.0, rel=1e-6)
    # pure ν_μ: small-g′ behaviour dominated by interference ∝ g′²
    a = ns.borexino_rate_ratio(0.05, 1e-5, mu_fraction=1.0) - 1
    b = ns.borexino_rate_ratio(0.05, 2e-5, mu_fraction=1.0) - 1
    assert b / a == approx(4.0, rel=1e-2)


def test_paper_mode_counts_both_flavours_with_printed_sign():
    # 'paper' = Eq. (A5) as printed: Σ_α with the A3 sign → equals pure ν_μ with doubled weight
    m, g = 0.02, 5e-4
    paper = ns.borexino_rate_ratio(m, g, mode="paper")
    assert paper > ns.borexino_rate_ratio(m, g, mode="physical") > 1.0
    with pytest.raises(ValueError):
        ns.borexino_rate_ratio(m, g, mode="other")


def test_bound_scales_like_mass():
    # heavy Z′ (m² ≫ 2m_eT): rate shift depends on g′²/m_Z′² only → bound g′ ∝ m_Z′
    assert ns.borexino_rate_ratio(0.1, 2e-3) == approx(ns.borexino_rate_ratio(0.2, 4e-3),
                                                              rel=2e-3)
