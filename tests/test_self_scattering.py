"""Self-scattering of Majorana N1 through the attractive Yukawa potential (Sec. III B, Eqs. 22–25).

Checks against independent analytic limits and published numbers:
Born (closed form and direct angular quadrature of Eqs. 24–25), the s-wave limit,
unitarity and the first zero-energy resonance at b ≈ 1.68 (Tulin–Yu–Zurek), parity
weights of Eq. (24), the classical limit (Tulin–Yu–Zurek App. A / Khrapak fits),
continuity of the methods in their overlaps, the table against the direct solver and
the paper's Fig. 3 statements.
"""
import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import eval_legendre

from lmt_scan.physics import self_scattering as ss


def sigmaT_k2_by_quadrature(delta):
    """σ_T k² straight from Eqs. (23)–(25): f(θ), f(π−θ) summed, |…|² integrated over [0, 1]."""
    ell = np.arange(len(delta))
    amp = (2 * ell + 1) * np.exp(1j * delta) * np.sin(delta)

    def integrand(x):
        legendre = np.array([eval_legendre(n, x) for n in ell])
        f, f_back = amp @ legendre, amp @ (legendre * (-1.0) ** ell)
        dsigma = 0.5 * (0.25 * abs(f + f_back) ** 2 + 0.75 * abs(f - f_back) ** 2)
        return 4.0 * math.pi * (1.0 - x) * dsigma

    return quad(integrand, 0.0, 1.0, epsabs=0, epsrel=1e-11, limit=200)[0]


def test_half_range_legendre_matrix_matches_quadrature():
    lmax = 14
    nodes, weights = np.polynomial.legendre.leggauss(40)
    x, w = 0.5 * (nodes + 1.0), 0.5 * weights
    legendre = np.array([eval_legendre(n, x) for n in range(lmax + 1)])
    expected = (legendre * x * w) @ legendre.T
    same_parity = np.add.outer(range(lmax + 1), range(lmax + 1)) % 2 == 0
    np.testing.assert_allclose(ss.half_range_legendre_matrix(lmax), expected * same_parity,
                               atol=1e-14)


@pytest.mark.parametrize("seed", [1, 2])
def test_identical_fermion_sum_equals_direct_angular_integral(seed):
    """Eq. (24) keeps even ℓ (singlet, weight 1) and odd ℓ (triplet, weight 3) apart."""
    delta = np.random.default_rng(seed).uniform(-1.5, 1.5, size=9)
    assert ss.sigmaT_k2_from_phases(delta) == pytest.approx(sigmaT_k2_by_quadrature(delta),
                                                            rel=1e-9)
    only_p = np.zeros(4)
    only_p[1] = 0.7   # single p wave: σ_T k² = 2π·3·(3 − 9/4) sin²δ₁ = (9π/2) sin²δ₁
    assert ss.sigmaT_k2_from_phases(only_p) == pytest.approx(4.5 * math.pi * math.sin(0.7) ** 2)


def test_fft_form_equals_matrix_form_for_many_partial_waves():
    delta = np.random.default_rng(3).uniform(-1, 1, size=400) * np.exp(-np.arange(400) / 150)
    lmax = delta.size - 1
    x_matrix = ss.half_range_legendre_matrix(lmax)
    ell = np.arange(lmax + 1)
    total = 0.0
    for parity, weight in ((0, 1.0), (1, 3.0)):
        keep = ell % 2 == parity
        c = (2 * ell + 1) * keep
        re, im = c * 0.5 * np.sin(2 * delta), c * np.sin(delta) ** 2
        total += weight * (np.sum(c * np.sin(delta) ** 2) - re @ x_matrix @ re - im @ x_matrix @ im)
    assert ss.sigmaT_k2_from_phases(delta) == pytest.approx(2 * math.pi * total, rel=1e-10)


@pytest.mark.parametrize("a, b", [(0.3, 0.5), (2.0, 0.1), (0.01, 1.0), (5.0, 3.0), (1.0, 100.0)])
def test_born_closed_form_matches_born_partial_waves(a, b):
    """Analytic identical-fermion Born σ_T = linearised partial-wave sum of Born phases
    Q_ℓ(1 + 1/2a²b²)/2a (checks the closed form, Q_ℓ and the angular algebra together)."""
    k = a * b
    delta = ss.phase_shifts_born(a, b, int(40 * k + 40)) * 1e-4
    assert ss.sigmaT_k2_from_phases(delta) / k ** 2 * 1e8 == pytest.approx(
        ss.sigmaT_born_m2(a, b), rel=1e-7)


def test_born_closed_form_matches_angular_quadrature_of_born_amplitude():
    a, b = 0.7, 0.8
    k, beta = a * b, 0.5 / (a * a * b)
    # f_B m_ϕ = b/(2k²(1−x) + 1) (units m_ϕ = 1), Eq. (24) with real amplitudes
    f = lambda x: b / (2 * k * k * (1 - x) + 1.0)
    integrand = lambda x: 4 * math.pi * (1 - x) * 0.5 * (f(x) ** 2 + f(-x) ** 2 - f(x) * f(-x))
    assert beta > 0
    assert ss.sigmaT_born_m2(a, b) == pytest.approx(quad(integrand, 0, 1, epsrel=1e-12)[0],
                                                    rel=1e-10)


@pytest.mark.parametrize("a", [1e-3, 0.1, 10.0])
def test_born_limit_of_the_full_solution(a):
    """At weak coupling b → 0 the numerical partial waves reduce to Born (error O(b))."""
    b = 1e-3
    assert ss.sigmaT_m2(a, b, method="partial_waves") == pytest.approx(ss.sigmaT_born_m2(a, b),
                                                                       rel=3e-3)


def test_swave_limit_and_majorana_to_distinguishable_ratio():
    """Low velocity: σ_T = π sin²δ₀/k², one quarter of the distinguishable 4π sin²δ₀/k²."""
    a, b = 1e-4, 1.0
    delta = ss.phase_shifts(a, b)
    k2 = (a * b) ** 2
    assert ss.sigmaT_k2_from_phases(delta) == pytest.approx(math.pi * math.sin(delta[0]) ** 2,
                                                            rel=1e-6)
    ratio = ss.sigmaT_k2_from_phases(delta) / ss.sigmaT_k2_distinguishable(delta)
    assert ratio == pytest.approx(0.25, rel=1e-6)
    assert ss.sigmaT_m2(a, b) == pytest.approx(math.pi * math.sin(delta[0]) ** 2 / k2, rel=1e-6)


def test_first_swave_resonance_and_unitarity():
    """The first zero-energy resonance of the attractive Yukawa potential sits at b ≈ 1.68
    (Tulin, Yu, Zurek 2013); there the s wave saturates its unitarity bound σ_T k² = π."""
    k = 1e-3
    b_grid = np.linspace(1.66, 1.70, 41)
    values = np.array([ss.sigmaT_m2(k / b, b) * k * k for b in b_grid])
    assert np.all(values <= math.pi * (1 + 1e-9))
    assert values.max() > 0.99 * math.pi
    assert b_grid[np.argmax(values)] == pytest.approx(1.68, abs=0.01)


@pytest.mark.parametrize("a, b", [(0.05, 1.0), (1.0, 3.0), (0.1, 30.0)])
def test_partial_waves_obey_unitarity(a, b):
    delta = ss.phase_shifts(a, b)
    ell = np.arange(delta.size)
    weight = np.where(ell % 2 == 0, 1.0, 3.0)
    # Each wave's diagonal term 2π w (2ℓ+1)(1 − (2ℓ+1) X_ℓℓ) sin²δ_ℓ stays below its bound
    x_diag = np.diag(ss.half_range_legendre_matrix(min(delta.size - 1, 60)))
    bound = 2 * math.pi * weight[: x_diag.size] * (2 * ell[: x_diag.size] + 1) \
        * (1 - (2 * ell[: x_diag.size] + 1) * x_diag)
    single = np.array([ss.sigmaT_k2_from_phases(np.where(ell == n, delta, 0.0))
                       for n in range(x_diag.size)])
    assert np.all(single <= bound * (1 + 1e-12))
    assert np.all(bound > 0)
    total = ss.sigmaT_k2_from_phases(delta)
    assert 0 < total <= 2 * math.pi * np.sum(weight * (2 * ell + 1) * np.sin(delta) ** 2)


def tyz_classical_distinguishable(beta):
    """σ_T m_ϕ² for an attractive Yukawa potential, classical limit, distinguishable
    particles: Tulin, Yu, Zurek, PRD 87, 115007 (2013), Eq. (A1)–(A3) (after Khrapak et al.)."""
    if beta < 0.1:
        return 4 * math.pi * beta ** 2 * math.log(1 + 1 / beta)
    if beta < 1e3:
        return 7 * math.pi * (beta ** 1.8 + 280 * (beta / 10) ** 10.3) / (
            1 + 1.4 * beta + 0.006 * beta ** 4 + 160 * (beta / 10) ** 10)
    return 0.81 * math.pi * (1 + math.log(beta) - 1 / (2 * math.log(beta))) ** 2


@pytest.mark.parametrize("beta", [0.03, 0.3, 3.0, 30.0])
def test_classical_limit_against_published_formulas(beta):
    """k = M1 v/2m_ϕ = 200 ≫ 1 and α/v ≫ 1: the semi-classical phases reproduce the
    published classical σ_T of distinguishable particles (fits quoted to ~10 %)."""
    k = 200.0
    a = 1 / (2 * beta * k)
    delta = ss.phase_shifts_semiclassical(a, k / a)
    sigma = ss.sigmaT_k2_distinguishable(delta) / k ** 2
    assert sigma == pytest.approx(tyz_classical_distinguishable(beta), rel=0.1)
    # forward-dominated (β ≪ 1) classical scattering: (1 − |cos θ|) ≈ (1 − cos θ)
    if beta < 0.1:
        assert ss.sigmaT_k2_from_phases(delta) / k ** 2 / sigma == pytest.approx(1.0, abs=0.1)


def test_semiclassical_and_partial_waves_agree_at_the_switch():
    k = ss.K_SEMICLASSICAL
    for a in (0.1, 1.0, 5.0):
        b = k / a
        numeric = ss.sigmaT_m2(a, b, method="partial_waves", dphi=0.1)
        assert ss.sigmaT_m2(a, b, method="semiclassical") == pytest.approx(numeric, rel=0.02)


def test_born_and_partial_waves_agree_at_the_switch():
    b = ss.B_BORN
    for a in (1e-2, 1.0, 1e3):
        assert ss.sigmaT_m2(a, b, method="partial_waves") == pytest.approx(
            ss.sigmaT_born_m2(a, b), rel=3e-4)


def test_numerical_phase_shifts_converged():
    a, b = 0.3, 30.0
    reference = ss.sigmaT_m2(a, b)
    tight = ss.sigmaT_m2(a, b, dphi=0.03, tail_tol=1e-9, phase_tol=1e-12, start_decay=16.0)
    assert tight == pytest.approx(reference, rel=1e-4)


def test_velocity_average_of_analytic_cross_sections():
    """Maxwell–Boltzmann with mean k̄: ⟨σ k⟩/k̄ = σ for constant σ, and ⟨1/k⟩ = √(2/π)/k₀."""
    kbar, b = 2.0, 1.0
    assert ss.velocity_average_m2(kbar, b, lambda a, b: 3.0) == pytest.approx(3.0, rel=1e-5)
    k0 = ss.mean_to_mode_scale(kbar)
    value = ss.velocity_average_m2(kbar, b, lambda a, b: 1.0 / (a * b) ** 2) * kbar
    assert value == pytest.approx(math.sqrt(2 / math.pi) / k0, rel=1e-5)
