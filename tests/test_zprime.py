"""Z′ sector against numbers the paper states and analytic limits (Sec. II, Eqs. 3, 5, 8, 9, 14)."""
import functools
import math

import pytest
from scipy.optimize import brentq

from lmt_scan.physics import constants as c
from lmt_scan.physics import zprime

# pytest.approx's hidden abs=1e-12 would pass any comparison of quantities ≪ 1e-12
# (lifetimes in s, widths in GeV, densities in GeV⁴): relative tolerance only
approx = functools.partial(pytest.approx, rel=1e-6, abs=0.0)


def test_eps_AZp_paper_value():
    # Sec. II B: ε_AZ′ ≈ 7.2×10⁻⁶ for g′ = 5×10⁻⁴ (Eq. 3 is negative)
    assert zprime.eps_AZp(5e-4) == approx(-7.2e-6, rel=0.01)
    assert zprime.eps_AZp(1e-3) == approx(2 * zprime.eps_AZp(5e-4))


def test_eps_ZZp_relation_to_eps_AZp():
    # Eqs. (3) and (5) share e g′ ln(m_τ²/m_μ²)/(12π²): ratio −(−1/4 + s²)/(s c)
    s2 = c.sin2_theta_W
    ratio = zprime.eps_ZZp(5e-4) / zprime.eps_AZp(5e-4)
    assert ratio == approx(-(-0.25 + s2) / math.sqrt(s2 * (1 - s2)), rel=1e-12)


def test_lifetime_eq9():
    # Eq. (9): τ_Z′ = 1e-14 s (g′/5e-4)⁻² (m_Z′/10 MeV)⁻¹ below the μμ threshold
    for g, m in [(5e-4, 0.010), (1e-3, 0.010), (5e-4, 0.050), (2e-4, 0.150)]:
        width = sum(zprime.Zp_partial_widths(m, g).values())
        tau = c.width_to_lifetime_s(width)
        assert tau == approx(1e-14 * (g / 5e-4) ** -2 * (m / 0.010) ** -1, rel=0.02)


def test_muon_channel_opens_above_threshold():
    below = zprime.Zp_partial_widths(0.2, 5e-4)
    above = zprime.Zp_partial_widths(1.0, 5e-4)
    assert below["mumu"] == 0.0
    # far above threshold Γ(μμ) → Γ(νν̄ both flavours) (one Dirac μ vs two chiral ν)
    assert zprime.Zp_partial_widths(50.0, 5e-4)["mumu"] == approx(
        zprime.Zp_partial_widths(50.0, 5e-4)["nunu"], rel=1e-4)
    assert above["mumu"] > 0.0


def test_ee_width_eq14_massless_limit():
    # Eq. (14) → α ε² m/3 for m_Z′ ≫ m_e; and vanishes below 2 m_e
    eps = zprime.eps_AZp(5e-4)
    assert zprime.width_Zp_to_ee(1.0, eps) == approx(c.alpha_em * eps ** 2 / 3, rel=1e-6)
    assert zprime.width_Zp_to_ee(0.9e-3, eps) == 0.0


def test_g2_light_limit():
    # Δa_μ → g′²/(8π²) for m_Z′ ≪ m_μ; paper: = 32e-10 (g′/5e-4)²
    assert zprime.delta_a_mu(1e-6, 5e-4) == approx((5e-4) ** 2 / (8 * math.pi ** 2),
                                                           rel=1e-4)
    assert zprime.delta_a_mu(1e-6, 5e-4) == approx(32e-10, rel=0.02)


def test_g2_heavy_limit():
    # m_Z′ ≫ m_μ: Δa_μ → g′² m_μ²/(12π² m_Z′²)
    g, m = 1e-2, 50.0
    assert zprime.delta_a_mu(m, g) == approx(g ** 2 * c.m_mu ** 2 / (12 * math.pi ** 2 * m ** 2),
                                                   rel=1e-3)


def test_g2_quadrature_against_closed_form():
    # m_Z′ = m_μ: ∫₀¹ 2x²(1−x)/(x²−x+1) dx = 2π/(3√3) − 1 (exact, by polynomial division)
    exact = 2 * math.pi / (3 * math.sqrt(3)) - 1
    g = 1e-3
    assert zprime.delta_a_mu(c.m_mu, g) == approx(g ** 2 / (8 * math.pi ** 2) * exact,
                                                         rel=1e-9)


def test_white_dwarf_scaling():
    # Sec. II A: (g′/7.7e-4)² (10 MeV/m_Z′)² ≲ 1.  G_Z′ ∝ g′ ε_AZ′ ∝ g′², so
    # |G_Z′|/(C_V G_F) scales as (g′/m_Z′)², the paper's combination.
    base = zprime.white_dwarf_ratio(0.010, 7.7e-4)
    assert zprime.white_dwarf_ratio(0.020, 2 * 7.7e-4) == approx(base, rel=1e-12)
    assert zprime.white_dwarf_ratio(0.010, 2 * 7.7e-4) == approx(4 * base, rel=1e-12)
    # the paper's normalisation: ratio ≈ 1 at (7.7e-4, 10 MeV).  We find 1.15 with
    # α(0), m_τ/m_μ (PDG) and C_V = 0.964, i.e. the bound at g′ = 7.2e-4 — 7 % in g′.
    assert base == approx(1.0, rel=0.2)


def test_g2_closed_form_matches_quadrature():
    # the closed form of Eq. (8)'s integral against direct adaptive quadrature
    from scipy.integrate import quad
    for r in [1e-6, 0.01, 0.5, 1.0, 3.99, 4.0, 4.01, 10.0, 19.9, 20.1, 500.0]:
        direct = quad(lambda x: 2 * x * x * (1 - x) / (x * x - r * x + r), 0, 1,
                      points=[1 - 1 / r] if r > 1 else None, epsabs=0, epsrel=1e-12, limit=200)[0]
        assert zprime.g2_loop_integral(r) == approx(direct, rel=1e-8)


def _wd_ratio_by_hand(m_zp_GeV, g):
    # Sec. II A: G_Z′ = −e g′ ε_AZ′/(2 m_Z′²), ε_AZ′ = −e g′ ln(m_τ²/m_μ²)/(12π²) (Eq. 3),
    # compared with C_V G_F, C_V = 0.964; PDG α(0), G_F, m_μ, m_τ
    e = math.sqrt(4 * math.pi / 137.035999084)
    eps = -e * g * 2 * math.log(1.77686 / 0.1056583755) / (12 * math.pi ** 2)
    return abs(-e * g * eps / (2 * m_zp_GeV ** 2)) / (0.964 * 1.1663788e-5)


def test_white_dwarf_ratio_and_penalty_against_hand_formula():
    # random points over the paper's box; smooth (default) log L = −½(ratio · 1.96)²,
    # hard: 0 up to the bound, rejected beyond
    import numpy as np
    from likelihoods.white_dwarf import WhiteDwarf
    from lmt_scan.errors import PointRejected
    from lmt_scan.point import ModelPoint
    rng = np.random.default_rng(44)
    smooth, hard = WhiteDwarf(), WhiteDwarf(shape="hard")
    for _ in range(20):
        m_zp, g = 10 ** rng.uniform(0, math.log10(300)), 10 ** rng.uniform(-5, -2)
        ratio = _wd_ratio_by_hand(m_zp * 1e-3, g)
        assert zprime.white_dwarf_ratio(m_zp * 1e-3, g) == approx(ratio, rel=1e-10)
        point = ModelPoint(m_zp, g, 20.0, 20.0)
        assert smooth.loglike(point) == approx(-0.5 * (1.96 * ratio) ** 2, rel=1e-10)
        if ratio <= 1.0:
            assert hard.loglike(point) == 0.0
        else:
            with pytest.raises(PointRejected):
                hard.loglike(point)
    # on the bound itself the smooth penalty is the 95 % CL Δχ² = 1.96²: log L = −1.92
    g_on_bound = brentq(lambda g: _wd_ratio_by_hand(0.010, g) - 1.0, 1e-4, 1e-3)
    assert g_on_bound == approx(7.2e-4, rel=0.01)     # the paper's 7.7e-4 within 7 %
    assert smooth.loglike(ModelPoint(10.0, g_on_bound, 20.0, 20.0)) == approx(-1.9208)
