"""Thermal history and N_eff (Sec. II B, App. B, Eqs. 10–15, B1–B5) against the paper's
numbers and analytic limits; the N_eff table against the direct solve; the neff and
phi_bbn likelihoods."""
import functools
import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

from lmt_scan.derived import thermal
from lmt_scan.errors import PointRejected
from lmt_scan.physics import constants as c
from lmt_scan.physics import thermal_history as th
from lmt_scan.physics import zprime
from lmt_scan.point import ModelPoint, model_settings

# pytest.approx's hidden abs=1e-12 would pass any comparison of quantities ≪ 1e-12
# (lifetimes in s, widths in GeV, densities in GeV⁴): relative tolerance only
approx = functools.partial(pytest.approx, rel=1e-6, abs=0.0)

MeV = 1e-3
G_PAPER = 5e-4   # ε_AZ′ = 7.2e-6 (Eq. 3)


# --- thermodynamics, App. B ---------------------------------------------------------

@pytest.mark.parametrize("fermion", [True, False])
def test_massless_limits_B4_B5(fermion):
    T = 2.0 * MeV
    tiny_mass = 1e-9 * T
    assert th.energy_density(T, tiny_mass, 2.0, fermion) == approx(
        th.energy_density_massless(T, 2.0, fermion), rel=1e-12)
    assert th.entropy_density(T, tiny_mass, 2.0, fermion) == approx(
        th.entropy_density_massless(T, 2.0, fermion), rel=1e-12)
    # B4, B5 themselves: ρ_γ = π²/15 T⁴, s_γ = 4π²/45 T³; fermions carry 7/8
    factor = 7.0 / 8.0 if fermion else 1.0
    assert th.energy_density_massless(T, 2.0, fermion) == approx(
        factor * math.pi ** 2 / 15 * T ** 4)
    assert th.entropy_density_massless(T, 2.0, fermion) == approx(
        factor * 4 * math.pi ** 2 / 45 * T ** 3)


@pytest.mark.parametrize("fermion", [True, False])
@pytest.mark.parametrize("x", [0.3, 1.0, 5.0, 30.0])
def test_massive_integrals_B2_B3_against_adaptive_quadrature(fermion, x):
    T, g = 1.0 * MeV, 3.0
    m = x * T
    sign = 1.0 if fermion else -1.0

    def integral(weight):
        def f(p):
            energy = math.sqrt(p * p + m * m)
            occupation = 1.0 / (math.exp(energy / T) + sign)
            return g * 4 * math.pi * p * p / (2 * math.pi) ** 3 * weight(p, energy) * occupation
        return quad(f, 0.0, 200 * T + 10 * m, epsrel=1e-12, epsabs=0.0, limit=200)[0]

    rho = integral(lambda p, e: e)                                            # Eq. (B3)
    s = integral(lambda p, e: e / T + p * p / (3 * T * e))                    # Eq. (B2)
    assert th.energy_density(T, m, g, fermion) == approx(rho, rel=1e-10)
    assert th.entropy_density(T, m, g, fermion) == approx(s, rel=1e-10)


def test_splines_match_quadrature_and_thermodynamic_identity():
    # the ODE uses spline fits of ln ρ, ln p, ln dρ/dT; check them and dρ/dT = T ds/dT
    for fermion in (True, False):
        for x in np.geomspace(0.02, 80, 37):
            T, m = 1.0 * MeV, x * MeV
            rho, p, drho = th._thermo(T, m, 2.0, fermion)
            ref = th._integrals(T, m, 2.0, fermion)
            assert (rho, p, drho) == approx(tuple(float(v) for v in ref), rel=1e-8)
            h = 1e-5 * T
            ds_dT = (th.entropy_density(T + h, m, 2.0, fermion)
                     - th.entropy_density(T - h, m, 2.0, fermion)) / (2 * h)
            assert drho == approx(T * float(ds_dT), rel=1e-6)


def test_energy_change_keeps_precision_at_tiny_temperature_differences():
    # ρ(T e^q) − ρ(T) → q T dρ/dT as q → 0, where subtracting two ρ's loses all digits
    T, m = 0.5 * MeV, 6.0 * MeV
    drho = th._thermo(T, m, 3.0, False)[2]
    for q in (1e-13, -1e-13, 1e-9):
        assert th._energy_change(T, q, m, 3.0, False) == approx(q * T * drho, rel=1e-6)
        # and the quadrature version, written with expm1 in the occupation numbers
        assert th._energy_change(T, q, m, 3.0, False) == approx(
            float(th.energy_density_difference(T, q, m, 3.0, False)), rel=1e-6)
    q = 0.2   # large q: plain difference of the quadrature
    exact = th.energy_density(T * math.exp(q), m, 3.0, False) - th.energy_density(T, m, 3.0, False)
    assert th._energy_change(T, q, m, 3.0, False) == approx(float(exact), rel=1e-7)


def test_hubble_rate_eq15_radiation_limit():
    # all species massless-like (T ≫ m_e, heavy Z′ absent): H = √(π² g*/90) T²/m_Pl, g* = 10.75
    T = 50 * MeV
    g_star = 2 + 7 / 8 * (4 + 6)
    expected = math.sqrt(math.pi ** 2 * g_star / 90) * T ** 2 / c.M_Pl_reduced
    assert th.hubble_rate(T, T, T, 10.0) == approx(expected, rel=2e-4)


# --- N_eff --------------------------------------------------------------------------

def test_heavy_zprime_gives_instantaneous_decoupling_value():
    # m_Z′ ≫ 10 MeV: N_eff ≈ 3.03 at T_ν-dec = 1.5 MeV (Sec. II B), whatever ε
    value = th.neff(300 * MeV, 1e-3)
    assert value == approx(3.03, abs=0.005)
    assert value == approx(th.neff_standard_model(1.5 * MeV), abs=1e-5)
    # decoupling far above m_e: e± annihilation heats photons by (11/4)^{1/3} → N_eff = 3
    assert th.neff_standard_model(30 * MeV) == approx(3.0, abs=1e-3)


def test_paper_bound_without_heat_exchange():
    # ε_AZ′ = 0: N_eff = 3.5 at m_Z′ ≈ 6 MeV (Sec. II B, Fig. 1 right, blue)
    crossing = brentq(lambda m: th.neff_decoupled_baths(m * MeV) - 3.5, 2.0, 30.0, xtol=1e-3)
    assert crossing == approx(6.0, abs=0.5)


def test_ode_conserves_entropy_without_exchange():
    # with a negligible Γ(Z′→ee) the ODE must reproduce per-bath entropy conservation
    for m in (1.5, 6.0, 20.0):
        assert th.neff_for_width(m * MeV, 1e-40) == approx(
            th.neff_decoupled_baths(m * MeV), abs=2e-4)


def test_paper_bound_with_kinetic_mixing():
    # ε_AZ′ = 7.2e-6 (g′ = 5e-4): N_eff = 3.5 at m_Z′ ≈ 10 MeV, stronger than for ε = 0
    assert abs(zprime.eps_AZp(G_PAPER)) == approx(7.2e-6, rel=0.01)
    crossing = brentq(lambda m: th.neff(m * MeV, G_PAPER) - 3.5, 6.0, 20.0, xtol=1e-2)
    assert crossing == approx(10.0, abs=1.0)


def test_phi_heavier_than_zprime_leaves_the_bound():
    # Sec. II B: with m_ϕ > m_Z′ (ϕ in the ν_μ,τ bath) the lower bound on m_Z′ does not change
    def crossing(m_phi_ratio):
        def f(m):
            m_phi = None if m_phi_ratio is None else m_phi_ratio * m * MeV
            return th.neff(m * MeV, G_PAPER, m_phi=m_phi) - 3.5
        return brentq(f, 6.0, 20.0, xtol=1e-2)
    assert crossing(1.5) == approx(crossing(None), abs=0.2)
    # and ϕ adds its entropy to the ν_μ,τ bath: N_eff rises without exchange
    assert th.neff_decoupled_baths(6 * MeV, m_phi=9 * MeV) > th.neff_decoupled_baths(6 * MeV)


def test_exchange_cools_photons_and_heats_nu_mu_tau():
    # App. B, Fig. 4: Z′ → ee lowers T and raises T′ relative to no exchange
    m = 10 * MeV
    width = zprime.width_Zp_to_ee(m, zprime.eps_AZp(G_PAPER))
    T, T_nu, T_p = th.final_temperatures(m, width)
    T0, T_nu0, T_p0 = th.final_temperatures(m, 1e-40)
    assert T / T_nu < T0 / T_nu0
    assert T_p / T_nu > T_p0 / T_nu0


def test_non_monotonic_at_small_mass_with_mixing():
    """Below 2m_e there is no Z′ → ee: N_eff is the ε = 0 value.  Just above it
    Γ/H ≫ 1 holds (γ, e) and (ν_μ, ν_τ, Z′) in one bath through e± annihilation, so
    that heat reaches ν_μ,τ: N_eff jumps to the single-bath value, far above ε = 0,
    then falls towards 3.03 as m_Z′ grows."""
    below, above = 1.0 * MeV, 1.05 * MeV
    assert th.neff(below, G_PAPER) == approx(th.neff_decoupled_baths(below), abs=1e-12)
    near = th.neff(above, G_PAPER)
    assert near == approx(th.neff_single_bath(above), abs=0.01)
    assert near > th.neff_decoupled_baths(above) + 3.0
    assert near > th.neff(10 * MeV, G_PAPER) > th.neff(100 * MeV, G_PAPER)


@pytest.mark.parametrize("m_MeV,g_p", [(6.0, 5e-4), (2.0, 1e-2), (30.0, 1e-5)])
def test_converges_when_tolerances_tighten(m_MeV, g_p):
    values = [th.neff(m_MeV * MeV, g_p, rtol=r, atol=r * 1e-2) for r in (1e-5, 1e-6, 1e-8)]
    assert abs(values[1] - values[2]) < 1e-3       # the default (1e-6) is converged
    assert abs(values[0] - values[2]) < 1e-2


def test_rosenbrock_agrees_with_scipy_bdf_at_tight_tolerance():
    rosenbrock = th.neff(6 * MeV, G_PAPER, rtol=1e-8, atol=1e-10)
    bdf = th.neff(6 * MeV, G_PAPER, rtol=1e-10, atol=1e-12, method="BDF")
    assert rosenbrock == approx(bdf, abs=2e-5)


def test_later_decoupling_means_smaller_neff():
    # T_ν-dec is the main systematic: a Z′ of 6 MeV is more relativistic at earlier decoupling
    values = [th.neff_decoupled_baths(6 * MeV, T * MeV) for T in (1.0, 1.5, 2.0, 3.0)]
    assert values == sorted(values)


# --- beyond the paper: non-instantaneous decoupling ----------------------------------

def test_collisional_decoupling_standard_model_value():
    # weak ν–e energy transfer without QED corrections: N_eff ≈ 3.04 (Escudero 2019/2020),
    # above the instantaneous 3.03 because ν keep some e± annihilation heat
    value = th.neff_standard_model_collisional()
    assert 3.03 < value < 3.045
    assert value > th.neff_standard_model(1.5 * MeV)


def test_collisional_bound_with_mixing_close_to_instantaneous():
    # with the paper's ε the Z′ heat exchange dominates: the decoupling treatment barely matters
    m = 10.4 * MeV
    assert th.neff_collisional(m, G_PAPER) == approx(th.neff(m, G_PAPER), abs=0.03)
    # and the collisional solve is converged at the default tolerance
    assert th.neff_collisional(m, G_PAPER) == approx(
        th.neff_collisional(m, G_PAPER, rtol=1e-8, atol=1e-10), abs=1e-4)


def test_collisional_setting_in_point():
    settings = model_settings({"neff_decoupling": "collisional"})
    point = ModelPoint(500.0, 1e-3, 600.0, 20.0, settings=settings)
    assert point["Neff"] == approx(th.neff_standard_model_collisional())
    assert point["delta_Neff"] == approx(0.0, abs=1e-12)


# --- table --------------------------------------------------------------------------

def test_table_matches_direct_solve_at_random_points():
    table = thermal.load_neff_table(thermal.table_name(1.5))
    assert table is not None, "N_eff table for T_dec = 1.5 MeV is missing"
    rng = np.random.default_rng(4)
    for _ in range(12):
        m = 10 ** rng.uniform(0.0, math.log10(300.0)) * MeV
        g = 10 ** rng.uniform(-5.0, -2.0)
        assert thermal.neff_value(m, g, 1.5, "table") == approx(th.neff(m, g), abs=0.01)


def test_collisional_table_matches_direct_solve():
    assert thermal.load_neff_table(thermal.table_name(None)) is not None
    rng = np.random.default_rng(8)
    for _ in range(4):
        m = 10 ** rng.uniform(0.0, math.log10(300.0)) * MeV
        g = 10 ** rng.uniform(-5.0, -2.0)
        assert thermal.neff_value(m, g, decoupling="collisional") == approx(
            th.neff_collisional(m, g), abs=0.01)


def test_neff_outside_table_falls_back_to_exact_limits():
    assert thermal.neff_value(0.9 * MeV, 1e-3) == approx(th.neff_decoupled_baths(0.9 * MeV))
    assert thermal.neff_value(2.0, 1e-3) == approx(th.neff(2.0, 1e-3), abs=1e-5)
    # no table for T_dec = 2 MeV: the direct solve
    assert thermal.neff_value(8 * MeV, 1e-3, 2.0) == th.neff(8 * MeV, 1e-3, T_dec=2 * MeV)


# --- derived quantities and likelihoods -----------------------------------------------

def test_point_exposes_neff_and_delta():
    point = ModelPoint(10.0, G_PAPER, 20.0, 20.0)
    assert point["Neff"] == approx(th.neff(10 * MeV, G_PAPER), abs=0.01)
    assert point["delta_Neff"] == approx(point["Neff"] - th.neff_standard_model(1.5 * MeV))


def test_neff_likelihood_shift_shape_and_data():
    from likelihoods.neff import NEFF_SM, Neff
    point = ModelPoint(10.0, G_PAPER, 20.0, 20.0)
    shifted = Neff(dataset="planck2018")
    assert shifted.loglike(point) == approx(
        -0.5 * ((NEFF_SM + point["delta_Neff"] - 2.99) / 0.17) ** 2)
    paper = Neff(dataset="planck2015_paper", shape="hard", sm_shift=False)
    assert paper.loglike(ModelPoint(12.0, G_PAPER, 20.0, 20.0)) == 0.0
    with pytest.raises(PointRejected, match="neff_excluded"):
        paper.loglike(ModelPoint(8.0, G_PAPER, 20.0, 20.0))
    act = Neff(dataset="act_dr6_desi")
    assert (act.mean, act.sigma) == (2.86, 0.13)
    # a hard cut on a data set without a published upper limit sits at the 95 % CL, mean + 1.96σ
    hard = Neff(dataset="planck2018", shape="hard", sm_shift=False)
    assert hard.upper_limit == approx(2.99 + 1.96 * 0.17, rel=1e-12)
    assert Neff(dataset="act_dr6_desi", shape="hard").upper_limit == approx(2.86 + 1.96 * 0.13,
                                                                           rel=1e-12)


def test_phi_bbn_cuts():
    from likelihoods.phi_bbn import PhiBBN
    by_mass = PhiBBN()
    assert by_mass.loglike(ModelPoint(10.0, G_PAPER, 20.0, 20.0)) == 0.0
    with pytest.raises(PointRejected, match="phi_lighter_than_Zp"):
        by_mass.loglike(ModelPoint(30.0, G_PAPER, 20.0, 20.0))
    # the edge of Fig. 2's gray region is m_ϕ = m_Z′ itself
    assert by_mass.loglike(ModelPoint(10.0, G_PAPER, 10.1, 20.0)) == 0.0
    with pytest.raises(PointRejected, match="phi_lighter_than_Zp"):
        by_mass.loglike(ModelPoint(10.0, G_PAPER, 9.9, 20.0))
    by_lifetime = PhiBBN(criterion="lifetime", max_lifetime_s=1.0)
    assert by_lifetime.loglike(ModelPoint(10.0, G_PAPER, 25.0, 20.0)) == 0.0
    with pytest.raises(PointRejected, match="phi_long_lived"):
        by_lifetime.loglike(ModelPoint(30.0, G_PAPER, 20.0, 20.0))
    # just above m_ϕ = m_Z′ the three-body decay (Eq. C2) is slow: the mass cut passes it,
    # the lifetime cut does not
    near_threshold = ModelPoint(10.0, 1e-4, 10.2, 20.0)
    assert by_mass.loglike(near_threshold) == 0.0
    with pytest.raises(PointRejected, match="phi_long_lived"):
        by_lifetime.loglike(near_threshold)


def test_tdec_model_setting():
    settings = model_settings({"neff_T_dec_MeV": 2.0, "neff_method": "direct"})
    point = ModelPoint(6.0, 1e-4, 20.0, 20.0, settings=settings)
    assert point["Neff"] == th.neff(6 * MeV, 1e-4, T_dec=2 * MeV)
