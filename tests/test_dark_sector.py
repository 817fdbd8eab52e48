"""Dark sector: relic Yukawa (Eqs. 20–21) and ϕ widths (App. C)."""
import functools
import math

import numpy as np
import pytest

from lmt_scan.errors import PointRejected
from lmt_scan.physics import constants as c
from lmt_scan.physics import dark_sector as ds
from lmt_scan.physics import zprime
from lmt_scan.point import ModelPoint

# pytest.approx's hidden abs=1e-12 would pass any comparison of quantities ≪ 1e-12
# (lifetimes in s, widths in GeV, densities in GeV⁴): relative tolerance only
approx = functools.partial(pytest.approx, rel=1e-6, abs=0.0)

TARGET = c.cm3_s_to_GeV_inv2(3e-26)


def test_unit_conversion_of_canonical_cross_section():
    # 3e-26 cm³/s = 2.57e-9 GeV⁻² (standard)
    assert TARGET == approx(2.57e-9, rel=0.01)


@pytest.mark.parametrize("M1, v_phi", [(10.0, 20.0), (20.0, 20.0), (40.0, 71.4), (80.0, 5.0)])
def test_relic_yukawa_solves_eq21(M1, v_phi):
    y = ds.relic_yukawa(M1, v_phi, TARGET, 20.0)
    assert y is not None
    assert float(ds.sigmav_eff(y, M1, v_phi, 20.0)) == approx(TARGET, rel=1e-9)


def test_relic_yukawa_heavy_splitting_limit():
    # ΔM x_f ≫ 1: only N1N1 annihilates, ⟨σv⟩ = 9y⁴/(64π m_N² x_f) with m_N = M1 + y v/√2.
    M1, v, x = 20.0, 400.0, 20.0
    y = ds.relic_yukawa(M1, v, TARGET, x)
    m_n = M1 + y * v / math.sqrt(2)
    assert 9 * y ** 4 / (64 * math.pi * m_n ** 2 * x) == approx(TARGET, rel=1e-6)


def test_relic_yukawa_degenerate_limit():
    # v_Φ → 0: ΔM → 0, r1 = r2 = 1/2: ⟨σv⟩ = y⁴/(64π M1²)·[9/(2x) + (1 − 9/(4x))/2]
    M1, x = 20.0, 20.0
    y = ds.relic_yukawa(M1, 1e-6, TARGET, x)
    expected = (TARGET * 64 * math.pi * M1 ** 2 / (9 / (2 * x) + 0.5 * (1 - 9 / (4 * x)))) ** 0.25
    assert y == approx(expected, rel=1e-6)


def test_no_relic_solution_is_rejected_with_reason():
    # v_Φ = 300 MeV / 1e-5 = 30 TeV: ⟨σv⟩ saturates at ~ 2y²/v² ≪ target for perturbative y
    point = ModelPoint(300.0, 1e-5, 20.0, 20.0)
    with pytest.raises(PointRejected) as info:
        point["y"]
    assert info.value.reason in ("no_relic_solution", "pseudo_dirac_violated")


def test_paper_benchmark_masses_are_pseudo_dirac():
    # Fig. 2 left: ΔM = O(1) GeV (dashed lines), pseudo-Dirac m_N ≫ y v_Φ
    p = ModelPoint(10.0, 5e-4, 20.0, 20.0)
    assert 0.5 < p["delta_M"] < 10.0
    assert p["M2"] == approx(20.0 + p["delta_M"])
    assert p["y"] * p["v_Phi_GeV"] / p["m_N"] < 0.3
    assert p["alpha_X"] == approx(p["y"] ** 2 / (4 * math.pi))


def test_phi_two_body_width_limits():
    # Eq. (C1): zero at threshold; for m_ϕ ≫ m_Z′ → g′² m_ϕ³/(32π m_Z′²) (Goldstone equivalence)
    mz, g = 0.01, 5e-4
    assert ds.width_phi_to_ZpZp(2 * mz, mz, g) == 0.0
    m = 100 * mz
    assert ds.width_phi_to_ZpZp(m, mz, g) == approx(g ** 2 * m ** 3 / (32 * math.pi * mz ** 2),
                                                          rel=1e-3)


@pytest.mark.parametrize("m_Zp, g_p", [(0.010, 5e-4), (0.050, 7e-4)])
def test_three_body_meets_two_body_above_threshold(m_Zp, g_p):
    # How C2 and C1 meet: with a narrow Z′ (w = Γ_Z′/m_Z′ ~ 1e-8), for m_ϕ just above 2m_Z′
    # the Breit–Wigner pole of C3 lies inside phase space and Eq. (C2) → 2 BR(Z′→νν̄) Γ(C1):
    # the factor 2 because either Z′ of the pair may be the off-shell one, while C1 has the
    # identical-boson ½.  Below threshold C2 is off-shell suppressed by many orders.
    widths = zprime.Zp_partial_widths(m_Zp, g_p)
    total = sum(widths.values())
    w, br = total / m_Zp, widths["nunu"] / total
    for r in (2.01, 2.5, 5.0):
        c1 = ds.width_phi_to_ZpZp(r * m_Zp, m_Zp, g_p)
        c2 = ds.width_phi_three_body(r * m_Zp, m_Zp, g_p, w)
        assert c2 == approx(2 * br * c1, rel=1e-5)
    just_below = ds.width_phi_three_body(1.99 * m_Zp, m_Zp, g_p, w)
    assert just_below < 1e-4 * ds.width_phi_to_ZpZp(2.01 * m_Zp, m_Zp, g_p)


def test_three_body_phase_space_closes_at_r_1():
    assert ds.three_body_F(1.0, 1e-8) == 0.0
    values = [ds.three_body_F(r, 1e-8) for r in np.linspace(1.05, 1.95, 10)]
    assert all(v > 0 for v in values) and np.all(np.diff(values) > 0)


def test_phi_lifetime_below_one_second_for_heavier_phi():
    # App. C / Fig. 4 right: for m_ϕ > m_Z′, τ_ϕ < 1 s at the paper's examples
    for m_zp, g in [(10.0, 5e-4), (50.0, 7e-4)]:
        for ratio in (1.1, 1.5, 1.9, 2.5, 8.0):
            p = ModelPoint(m_zp, g, ratio * m_zp, 20.0)
            assert p["tau_phi_s"] < 1.0
    # below m_Z′ (not in App. C) ϕ → Z′*Z′* → 4ν is slow but finite (tests/test_phi_width.py)
    assert 1e6 < ModelPoint(10.0, 5e-4, 5.0, 20.0)["tau_phi_s"] < math.inf


def test_scalar_and_vector_sigmav_agree():
    ys = np.logspace(-4, 0, 7)
    vec = ds.sigmav_eff(ys, 20.0, 30.0, 20.0)
    assert [ds._sigmav_eff_scalar(y, 20.0, 30.0, 20.0) for y in ys] == approx(vec, rel=1e-13)
