"""Borexino ν–e scattering (App. A, Eqs. A1–A5)."""
import pytest

from lmt_scan.physics import constants as c
from lmt_scan.physics import neutrino_scattering as ns
from lmt_scan.physics.zprime import eps_AZp

E = ns.E_BE7


def test_compton_edge_of_be7_line():
    # T_max = 2E²/(m_e + 2E) = 665 keV for the 862 keV line
    assert ns.t_max(E) == pytest.approx(0.665e-3, rel=2e-3)


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
            pytest.approx(shifted, rel=1e-10)


def test_sm_ratio_of_cross_sections():
    # ν_μ e / ν_e e over the Borexino window: ≈ 0.2 (e.g. Bahcall, Kamionkowski, Sirlin 1995
    # quote σ(ν_μ e)/σ(ν_e e) ≈ 0.21 for ⁷Be)
    lo, hi = ns.T_MIN_BOREXINO, ns.t_max(E)
    r = ns._integrate_T(lambda T: ns.dsigma_dT_numu_SM(T, E), lo, hi) / \
        ns._integrate_T(lambda T: ns.dsigma_dT_nue(T, E), lo, hi)
    assert 0.15 < r < 0.3


def test_no_zprime_no_change():
    assert ns.borexino_rate_ratio(0.01, 1e-9) == pytest.approx(1.0, abs=1e-9)


def test_equal_split_cancels_interference():
    # with half ν_μ, half ν_τ the interference terms cancel: R − 1 ∝ g′⁴ exactly
    r1 = ns.borexino_rate_ratio(0.05, 1e-4) - 1
    r2 = ns.borexino_rate_ratio(0.05, 2e-4) - 1
    assert r2 / r1 == pytest.approx(16.0, rel=1e-6)
    # pure ν_μ: small-g′ behaviour dominated by interference ∝ g′²
    a = ns.borexino_rate_ratio(0.05, 1e-5, mu_fraction=1.0) - 1
    b = ns.borexino_rate_ratio(0.05, 2e-5, mu_fraction=1.0) - 1
    assert b / a == pytest.approx(4.0, rel=1e-2)


def test_paper_mode_counts_both_flavours_with_printed_sign():
    # 'paper' = Eq. (A5) as printed: Σ_α with the A3 sign → equals pure ν_μ with doubled weight
    m, g = 0.02, 5e-4
    paper = ns.borexino_rate_ratio(m, g, mode="paper")
    assert paper > ns.borexino_rate_ratio(m, g, mode="physical") > 1.0
    with pytest.raises(ValueError):
        ns.borexino_rate_ratio(m, g, mode="other")


def test_bound_scales_like_mass():
    # heavy Z′ (m² ≫ 2m_eT): rate shift depends on g′²/m_Z′² only → bound g′ ∝ m_Z′
    assert ns.borexino_rate_ratio(0.1, 2e-3) == pytest.approx(ns.borexino_rate_ratio(0.2, 4e-3),
                                                              rel=2e-3)
