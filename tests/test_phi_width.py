"""Γ_ϕ over the whole (m_ϕ, m_Z′, g′) box of the shipped cards, across m_ϕ = m_Z′.

Below m_Z′ the paper computes nothing (remark below Eq. 15); the project's width there is
ϕ → Z′*Z′* with the App. C vertex (Eq. C1 with both Z′ masses off shell), each leg summed
over νν̄, e⁺e⁻, μ⁺μ⁻.  Checked here: the fast product rule against adaptive quadrature on
random points; the m_ϕ ≪ m_Z′ closed form (an independent 2-D integral); continuity at
threshold; above threshold Eq. (C2) + the off-shell continuation against the full
ϕ → Z′*Z′* integral with both Breit–Wigner poles resolved (written out here, independently).
"""
import math
import warnings

import numpy as np
import pytest
from scipy.integrate import IntegrationWarning, dblquad, quad

from likelihoods.phi_bbn import PhiBBN
from lmt_scan.errors import PointRejected
from lmt_scan.physics import constants as c
from lmt_scan.physics import dark_sector, phi_late, zprime
from lmt_scan.point import ModelPoint

rng = np.random.default_rng(17)
LOG_M = (math.log10(1e-3), math.log10(1.0))      # GeV: m_Z′ 1 MeV – 1 GeV (all cards)
LOG_G = (-5.0, -2.0)


def _box():
    return 10 ** rng.uniform(*LOG_M), 10 ** rng.uniform(*LOG_G)


def _w(m_Zp, g):
    return sum(zprime.Zp_partial_widths(m_Zp, g).values()) / m_Zp


def test_product_rule_is_the_adaptive_integral_below_threshold():
    worst = 0.0
    for _ in range(6):
        m_Zp, g = _box()
        r = 1.0 - 10 ** rng.uniform(-3.0, math.log10(0.999))   # 0.001 … 0.999 (R_EDGE)
        m_phi = r * m_Zp
        width_Zp = _w(m_Zp, g) * m_Zp
        for channels in (("all", "all"), ("nunu", "ee")):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", IntegrationWarning)
                direct = phi_late.width_phi_four_body(m_phi, m_Zp, g, width_Zp, channels,
                                                      epsrel=1e-6)
            rule = phi_late.width_phi_four_body_rule(m_phi, m_Zp, g, width_Zp, channels)
            if direct == 0.0:
                assert rule == 0.0
                continue
            worst = max(worst, abs(rule / direct - 1.0))
    assert worst < 1e-5      # measured 2e-9 against epsrel 1e-9 (slow)


def test_light_phi_width_closed_form_for_m_phi_much_below_m_Zp():
    # propagators → 1/m_Z′⁴: Γ_4ν = g′⁶ m_ϕ⁷ I / (1152 π⁵ m_Z′⁶),
    # I = ∫∫_{√x₁+√x₂≤1} √λ(1, x₁, x₂) [2x₁x₂ + (1 − x₁ − x₂)²/4] dx₁dx₂
    def integrand(x2, x1):
        lam = phi_late.kallen(1.0, x1, x2)
        return math.sqrt(max(lam, 0.0)) * (2 * x1 * x2 + (1 - x1 - x2) ** 2 / 4)
    big_i = dblquad(integrand, 0.0, 1.0, 0.0, lambda x1: (1 - math.sqrt(x1)) ** 2,
                    epsabs=0, epsrel=1e-8)[0]
    for _ in range(8):
        m_Zp, g = _box()
        m_phi = min(m_Zp * 10 ** rng.uniform(-3.0, -2.0), 1.9 * c.m_e)   # 4ν only, r ≤ 0.01
        closed = g ** 6 * m_phi ** 7 * big_i / (1152 * math.pi ** 5 * m_Zp ** 6)
        width = dark_sector.width_phi(m_phi, m_Zp, g, _w(m_Zp, g))
        r = m_phi / m_Zp
        assert 1.0 <= width / closed < 1.0 + 2.0 * r ** 2   # propagators only enhance


def test_width_continuous_at_threshold():
    for _ in range(10):
        m_Zp, g = _box()
        w = _w(m_Zp, g)
        widths = [dark_sector.width_phi(r * m_Zp, m_Zp, g, w)
                  for r in (phi_late.R_EDGE * (1 - 1e-12), phi_late.R_EDGE, 1 - 1e-9, 1.0,
                            1 + 1e-9)]
        assert widths[1] == pytest.approx(widths[0], rel=1e-9)   # rule → continuation
        assert widths[3] == pytest.approx(widths[2], rel=1e-7)   # continuation → C2 + part
        assert widths[4] == pytest.approx(widths[3], rel=1e-7)
        assert widths[0] < widths[2]                             # rising with m_ϕ


def _lorentzian_quad(num, lo, hi, pole, half_width):
    """∫ num(s)/((s − pole)² + half_width²) ds on [lo, hi], the peak in s = pole + h tan θ."""
    band = 1e3 * half_width

    def off(a, b):
        side = 1.0 if a >= pole else -1.0
        ua, ub = sorted((math.log(abs(a - pole)), math.log(abs(b - pole))))

        def f(u):
            d = math.exp(u)
            return num(pole + side * d) * d / (d * d + half_width ** 2)
        return quad(f, ua, ub, epsabs=0.0, epsrel=1e-5, limit=200)[0]
    if hi <= pole - band or lo >= pole + band:
        return off(lo, hi)
    a, b = max(lo, pole - band), min(hi, pole + band)
    value = quad(lambda t: num(pole + half_width * math.tan(t)) / half_width,
                 math.atan((a - pole) / half_width), math.atan((b - pole) / half_width),
                 epsabs=0.0, epsrel=1e-5, limit=200)[0]
    return value + (off(lo, a) if lo < a else 0.0) + (off(b, hi) if hi > b else 0.0)


def _full_offshell_width(m_phi, m_Zp, g):
    """Γ(ϕ → Z′*Z′*) [GeV] with both Breit–Wigners (legs νν̄ + e⁺e⁻ + μ⁺μ⁻, Γ_Z′ the same
    sum): the real-Z′ poles resolved, the outer range broken where the inner pole leaves."""
    eps = zprime.eps_AZp(g)

    def q_gamma(s):   # q Γ_V(q)/π of one leg
        if s <= 0.0:
            return 0.0
        q = math.sqrt(s)
        return q * (zprime.width_Zp_to_neutrinos(q, g) + zprime.width_Zp_to_ee(q, eps)
                    + zprime.width_vector_to_fermions(q, g, c.m_mu)) / math.pi
    half = m_Zp * q_gamma(m_Zp ** 2) * math.pi / m_Zp      # m_Z′ Γ_Z′

    def kernel(s1, s2):
        if s2 <= 0.0:
            return 0.0
        return phi_late.width_phi_to_offshell_pair(m_phi, m_Zp, g, s1, s2) * q_gamma(s2)

    def inner(s1):
        return _lorentzian_quad(lambda s2: kernel(s1, s2), 0.0,
                                (m_phi - math.sqrt(s1)) ** 2, m_Zp ** 2, half)
    cuts = [0.0, (m_phi - m_Zp) ** 2, m_phi ** 2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)
        return sum(_lorentzian_quad(lambda s1: inner(s1) * q_gamma(s1), a, b, m_Zp ** 2, half)
                   for a, b in zip(cuts[:-1], cuts[1:]))


def test_above_threshold_c2_plus_offshell_part_is_the_full_integral():
    # 4 random box points with r in (0.999, 1.3): near threshold the doubly-off-shell part is all
    # there is (C2 ∝ (r−1)⁵), further up C2 (one Z′ on shell) is the width
    for r in (1.0 - 10 ** rng.uniform(-6.0, -3.0), 1.0 + 10 ** rng.uniform(-3.0, -2.0),
              1.0 + 10 ** rng.uniform(-2.0, -1.3), rng.uniform(1.05, 1.3)):
        m_Zp, g = _box()
        ours = dark_sector.width_phi(r * m_Zp, m_Zp, g, _w(m_Zp, g))
        full = _full_offshell_width(r * m_Zp, m_Zp, g)
        assert ours == pytest.approx(full, rel=2e-3), (r, m_Zp, g)
    # and without the off-shell part C2 alone is orders of magnitude short at threshold
    m_Zp, g = 0.010, 5e-4
    c2 = dark_sector.width_phi_three_body(1.001 * m_Zp, m_Zp, g, _w(m_Zp, g))
    assert c2 < 1e-3 * dark_sector.width_phi(1.001 * m_Zp, m_Zp, g, _w(m_Zp, g))


def test_offshell_part_negligible_away_from_threshold():
    for _ in range(10):
        m_Zp, g = _box()
        r = rng.uniform(1.1, 2.0)
        w = _w(m_Zp, g)
        extra = phi_late.offshell_width_above_threshold(r * m_Zp, m_Zp, g, w * m_Zp)
        assert extra < 2e-3 * dark_sector.width_phi_three_body(r * m_Zp, m_Zp, g, w)


def test_lifetime_criterion_scans_below_m_Zp():
    # τ_ϕ is finite everywhere now: the lifetime criterion accepts a short-lived light ϕ and
    # rejects a long-lived one, with its reason; the mass criterion still cuts m_ϕ < m_Z′
    lifetime = PhiBBN(criterion="lifetime", max_lifetime_s=1.0)
    short = ModelPoint(10.0, 1e-2, 9.0, 20.0)        # Γ ∝ g′⁶: τ ~ 1e-3 s
    long_ = ModelPoint(10.0, 5e-4, 5.0, 20.0)        # τ ~ 1e7 s
    assert short["tau_phi_s"] < 1.0 < 1e6 < long_["tau_phi_s"] < math.inf
    assert lifetime.loglike(short) == 0.0
    with pytest.raises(PointRejected, match="phi_long_lived"):
        lifetime.loglike(long_)
    with pytest.raises(PointRejected, match="phi_lighter_than_Zp"):
        PhiBBN().loglike(short)
    width = phi_late.light_phi_width(5e-3, 1e-2, 5e-4, long_["width_Zp_GeV"])
    assert long_["tau_phi_s"] == pytest.approx(c.width_to_lifetime_s(width), rel=1e-12)
