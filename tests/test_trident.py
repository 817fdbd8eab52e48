"""Neutrino trident (CCFR, CHARM-II) in the EPA with the q²-dependent Z′, and the BaBar limit.

Checks (issue 5): the Dirac algebra and phase space against exact identities; the νγ
cross section against the leading-log (Weizsäcker–Williams) coefficient; the contact
formula of Altmannshofer et al., PRL 113 (2014) 091801; the q² suppression at
m_Z′ = 5–10 GeV; the SM cross section against CHARM-II's quoted prediction; the CCFR 95 %
limit m_Z′/g′ ≈ 0.5–0.6 TeV at heavy m_Z′ and its flattening at light m_Z′; the shipped
tables against an independent direct calculation.
"""
import functools
import math

import numpy as np
import pytest

from likelihoods.babar import BaBarMuMu, limit_at, load_limit_curve
from likelihoods.ccfr_trident import CCFRTrident
from likelihoods.charm2_trident import Charm2Trident
from lmt_scan.derived.trident import TABLE_DIR, load_trident_table, trident_ratio
from lmt_scan.errors import PointRejected
from lmt_scan.physics import constants as c
from lmt_scan.physics import trident as t
from lmt_scan.point import ModelPoint

# pytest.approx's hidden abs=1e-12 would pass any comparison of quantities ≪ 1e-12
# (lifetimes in s, widths in GeV, densities in GeV⁴): relative tolerance only
approx = functools.partial(pytest.approx, rel=1e-6, abs=0.0)

CCFR_R95 = 0.82 + 1.96 * 0.28     # Gaussian 95 % CL upper value of σ/σ_SM


@pytest.fixture(scope="module")
def ccfr_events():
    """Independent of the table (different seed), 1.2×10⁵ events (≈ 6 s)."""
    return t.trident_events("ccfr", 120_000, seed=7)


def _batched(events, fn, n=8):
    """Mean and standard error of fn(sub-sample) over n interleaved sub-samples."""
    vals = np.array([fn(tuple(a[i::n] for a in events)) for i in range(n)])
    return vals.mean(axis=0), vals.std(axis=0, ddof=1) / math.sqrt(n)


# ------------------------------------------------------------------ Dirac algebra, kinematics
def _events(s, n, m=c.m_mu, seed=1):
    return t.nugamma_events(np.full(n, s), np.random.default_rng(seed), m)


def test_spinor_completeness():
    mom, _, _ = _events(10.0, 20)
    p1 = mom["p1"]
    for spinors, sign in ((t.spinors_u, 1.0), (t.spinors_v, -1.0)):
        sp = spinors(p1, c.m_mu)
        total = np.einsum("nsi,nsj->nij", sp, t.bar(sp))
        expect = t.slash(p1) + sign * c.m_mu * np.eye(4)
        assert np.max(np.abs(total - expect)) < 1e-12


def test_momentum_conservation_and_mass_shell():
    mom, Q2, _ = _events(5.0, 200)
    balance = mom["k"] + mom["p"] - mom["k2"] - mom["p1"] - mom["p2"]
    assert np.max(np.abs(balance)) < 1e-12
    assert np.allclose(t._dot(mom["p2"], mom["p2"]), c.m_mu ** 2, rtol=1e-9)
    q = mom["k"] - mom["k2"]
    assert np.allclose(-t._dot(q, q), Q2, rtol=1e-9, atol=1e-15)


def test_photon_gauge_invariance():
    """Ward identity: replacing ε by the photon momentum gives zero."""
    mom, _, _ = _events(10.0, 50)
    args = (mom["k"], mom["p"], mom["k2"], mom["p1"], mom["p2"])
    physical = t.squared_amplitudes(*args, t.photon_polarisations(50))[0]
    longitudinal = t.squared_amplitudes(*args, np.repeat(mom["p"][:, None], 2, axis=1))[0]
    assert np.max(longitudinal / physical) < 1e-20


def test_three_body_phase_space_volume():
    """∫dΦ₃ = s/(256π³) for massless final states."""
    _, _, weight = _events(10.0, 40_000, m=1e-4)
    volume, err = weight.mean(), weight.std() / math.sqrt(weight.size)
    assert volume == approx(10.0 / (256.0 * math.pi ** 3), abs=4 * err)


def test_chiral_limit_vector_equals_axial():
    s = np.full(20_000, 10.0)
    _, wV, wA, _ = t.nugamma_weights(s, np.random.default_rng(2), m=1e-3)
    assert wA.sum() / wV.sum() == approx(1.0, abs=1e-3)


def test_nugamma_leading_log_coefficient():
    """σ_V(νγ→νℓℓ) → G_F²αs/(9π²)·[ln(s/m²) − const] for s ≫ m².

    Independent derivation: collinear γ → ℓℓ̄ splitting (α/2π) ln(s/m²)[x²+(1−x)²] times
    σ(νℓ → νℓ) = G_F² x s C_V²/(3π) for each of ℓ, ℓ̄, integrated over x: ∫x(x²+(1−x)²) = 1/3.
    """
    s0, n = 10.0, 60_000
    norm = c.G_F ** 2 * c.alpha_em * s0 / math.pi ** 2
    values = []
    for m in (1e-2, 1e-5):
        _, wV, _, _ = t.nugamma_weights(np.full(n, s0), np.random.default_rng(3), m=m)
        values.append((wV.mean() / norm, wV.std() / math.sqrt(n) / norm))
    slope = (values[1][0] - values[0][0]) / math.log(1e-2 ** 2 / 1e-5 ** 2)
    slope_err = math.hypot(values[0][1], values[1][1]) / math.log(1e6)
    assert slope == approx(1.0 / 9.0, abs=max(4 * slope_err, 0.03 / 9.0))


def test_vector_axial_interference_integrates_to_zero(ccfr_events):
    """C-parity: the V–A interference drops out of the total rate (so ν and ν̄ agree)."""
    _, wV, wA, wVA = ccfr_events
    sigma = t.C_V_SM ** 2 * wV.sum() + t.C_A_SM ** 2 * wA.sum()
    err = np.std(t.C_V_SM * t.C_A_SM * wVA) * math.sqrt(wVA.size)
    assert abs(t.C_V_SM * t.C_A_SM * wVA.sum()) < 4 * err
    assert err / sigma < 0.02


def test_photon_flux_matches_adaptive_quadrature():
    from scipy.integrate import quad
    s, E = 3.0, 160.0
    lo = (s / (2 * E)) ** 2
    exact, _ = quad(lambda lnq: t.helm_form_factor(math.exp(lnq), 56) ** 2,
                    math.log(lo), math.log(lo + 4.0), limit=400, epsrel=1e-10)
    assert t.photon_log_flux(s, E, 56)[0] == approx(exact, rel=1e-5)


def test_helm_form_factor_normalised_and_radius():
    """F(0) = 1 and F ≈ 1 − q²⟨r²⟩/6 with ⟨r²⟩ = 3r_n²/5 + 3s² (Lewin & Smith)."""
    assert t.helm_form_factor(0.0, 56) == approx(1.0)
    c_fm = 1.23 * 56 ** (1 / 3) - 0.60
    rn2 = c_fm ** 2 + 7 / 3 * math.pi ** 2 * 0.52 ** 2 - 5 * 0.81
    r2 = 0.6 * rn2 + 3 * 0.81
    Q2 = (0.01 * t.HBARC_GEV_FM) ** 2          # q = 0.01 fm⁻¹
    assert 1 - t.helm_form_factor(Q2, 56) == approx(1e-4 * r2 / 6, rel=1e-3)


# ------------------------------------------------------------------ physics checks of the issue
@pytest.mark.parametrize("m_Zp, g_p", [(0.3, 4.0e-4), (1.0, 1.8e-3), (10.0, 0.018),
                                       (300.0, 0.55)])
def test_contact_limit_reproduced_within_one_percent(ccfr_events, m_Zp, g_p):
    """Propagator q² dependence off → Altmannshofer et al.'s contact formula (μ-mass ≈ 0.5 %).

    Near the CCFR bound (R ≈ 1.1–1.4); the formula assumes σ_A = σ_V (massless muons),
    here σ_A/σ_V ≈ 1.10 from s ≲ 1 GeV², which grows to ≈ 1.3 % of R at R ≈ 2.5.
    """
    sm, X, Y = t.decomposition(ccfr_events, m_Zp, q2_dependence=False)
    ratio = t.ratio_from_coefficients(g_p, X / sm, Y / sm)
    contact = t.contact_ratio(m_Zp, g_p)
    assert contact > 1.1
    assert ratio == approx(contact, rel=0.01)


@pytest.mark.parametrize("m_Zp", [5.0, 10.0])
def test_q2_dependence_lowers_ratio_at_heavy_mass(m_Zp):
    """At CCFR the neutrino-side Q² reaches GeV²: R falls a few % below the contact value."""
    g_p = m_Zp / 545.0                           # contact R ≈ 1.37, the CCFR 95 % value
    full = trident_ratio("ccfr", m_Zp, g_p)
    contact = trident_ratio("ccfr", 1000.0, g_p * 1000.0 / m_Zp)   # same v²g′²/m²
    drop = 1.0 - full / contact
    assert 0.005 < drop < 0.06
    assert (full - 1.0) / (contact - 1.0) < 0.97


def test_sm_cross_section_charm2_literature(ccfr_events):
    """CHARM-II (Geiregat et al. 1990) compare with σ_SM ≈ 1.9×10⁻⁴¹ cm² per glass nucleus."""
    events = t.trident_events("charm2", 60_000, seed=11)
    sigma = t.C_V_SM ** 2 * events[1].sum() + t.C_A_SM ** 2 * events[2].sum()
    per_nucleus_cm2 = sigma * c.GeV_inv2_in_cm2 / 3.0     # SiO₂: three nuclei
    assert per_nucleus_cm2 == approx(1.9e-41, rel=0.25, abs=0)   # abs=0: the default abs 1e-12 passes anything
    # coherent scaling check: CCFR (Fe, 160 GeV) per nucleus is far larger
    _, wV, wA, _ = ccfr_events
    sigma_fe = (t.C_V_SM ** 2 * wV.sum() + t.C_A_SM ** 2 * wA.sum()) * c.GeV_inv2_in_cm2
    assert 30 < sigma_fe / per_nucleus_cm2 < 120


def test_ccfr_heavy_mass_limit():
    """CCFR 95 % CL at heavy m_Z′: m_Z′/g′ ≈ 0.5–0.6 TeV (contact: 545 GeV)."""
    for m_Zp in (100.0, 1000.0, 5000.0):
        x, y = t.interpolate_coefficients(m_Zp, *load_trident_table("ccfr"))
        ratio = m_Zp / t.coupling_for_ratio(CCFR_R95, x, y)
        assert 500.0 < ratio < 600.0


def test_ccfr_limit_flattens_at_light_mass():
    """Below ~100 MeV the g′ limit no longer falls ∝ m_Z′ (published CCFR curves)."""
    table = load_trident_table("ccfr")
    g_lim = {m: t.coupling_for_ratio(CCFR_R95, *t.interpolate_coefficients(m, *table))
             for m in (0.001, 0.01, 0.1, 1.0)}
    per_decade = [g_lim[1.0] / g_lim[0.1], g_lim[0.1] / g_lim[0.01], g_lim[0.01] / g_lim[0.001]]
    assert per_decade[0] > 2.0                     # a contact law would give 10 per decade
    assert per_decade[0] > per_decade[1] > per_decade[2]
    assert per_decade[2] < 1.25
    assert 5e-4 < g_lim[0.01] < 2e-3


def _x_and_y(events, masses):
    sm, X, Y = t.decomposition(events, masses)
    return np.array([X / sm, Y / sm])


@pytest.mark.parametrize("experiment", ["ccfr", "charm2"])
def test_table_matches_direct_calculation(ccfr_events, experiment):
    """Shipped table vs an independent direct MC (other seed) at off-node masses."""
    events = ccfr_events if experiment == "ccfr" else t.trident_events("charm2", 60_000, seed=5)
    masses = np.array([0.00123, 0.0456, 0.789, 7.77])
    direct, err = _batched(events, lambda ev: _x_and_y(ev, masses))
    table = load_trident_table(experiment)
    rows = np.loadtxt(TABLE_DIR / f"{experiment}.dat")
    for i, m in enumerate(masses):
        tab = t.interpolate_coefficients(m, *table)
        for j in (0, 1):                           # x, then y
            table_err = np.interp(m, rows[:, 0], rows[:, 3 + j]) * tab[j]
            tolerance = 4.0 * math.hypot(err[j, i], table_err)
            assert tolerance < 0.08 * tab[j]      # the comparison has teeth
            assert tab[j] == approx(direct[j, i], abs=tolerance)


def test_derived_quantities_and_likelihoods():
    point = ModelPoint(m_Zp=100e3, g_p=0.1, m_phi=10.0, M1=10.0)    # 100 GeV: contact
    assert point["ccfr_ratio"] == approx(t.contact_ratio(100.0, 0.1), rel=0.01)
    assert point["charm2_ratio"] > 1.0
    ccfr, charm2 = CCFRTrident(), Charm2Trident()
    assert ccfr.requires == ("ccfr_ratio",) and charm2.requires == ("charm2_ratio",)
    sm_point = ModelPoint(m_Zp=100.0, g_p=1e-9, m_phi=10.0, M1=10.0)
    assert ccfr.loglike(sm_point) == approx(-0.5 * (0.18 / 0.28) ** 2, rel=1e-6)
    assert charm2.loglike(sm_point) == approx(-0.5 * (0.58 / 0.57) ** 2, rel=1e-6)
    widened = CCFRTrident(theory_sigma=0.28)
    assert widened.loglike(sm_point) == approx(0.5 * ccfr.loglike(sm_point), rel=1e-6)


# ------------------------------------------------------------------ BaBar
@pytest.fixture(scope="module")
def babar():
    return BaBarMuMu()


def _point(m_GeV, g_p):
    return ModelPoint(m_Zp=m_GeV * 1e3, g_p=g_p, m_phi=10.0, M1=10.0)


def test_babar_curve_minimum_matches_paper(babar):
    """PRD 94 (2016) 011102: 'g′ as low as 7×10⁻⁴' near 0.23 GeV."""
    mass, limit, _ = babar.curve
    i = int(np.argmin(limit))
    assert 6.5e-4 < limit[i] < 7.2e-4 and 0.21 < mass[i] < 0.25
    assert babar.limit(0.22662) == approx(6.7362e-4)          # a data row
    between = babar.limit(0.5 * (0.22662 + 0.22692))
    assert between == approx(0.5 * (6.7362e-4 + 6.8248e-4))


def test_babar_loglike_at_and_outside_limit(babar):
    g_lim = babar.limit(1.0)
    assert babar.loglike(_point(1.0, g_lim)) == approx(-0.5 * 2.71)
    assert babar.loglike(_point(1.0, 0.5 * g_lim)) == approx(-0.5 * 2.71 / 16)
    for m in (0.1, 0.2, 0.3099, 3.1, 8.0, 9.9):     # below, sentinel hole, J/ψ gap, above
        assert babar.limit(m) is None
        assert babar.loglike(_point(m, 0.5)) == 0.0
    hard = BaBarMuMu(shape="hard")
    assert hard.loglike(_point(1.0, 0.99 * g_lim)) == 0.0
    with pytest.raises(PointRejected):
        hard.loglike(_point(1.0, 1.01 * g_lim))


def test_babar_curve_parsing_handles_sentinels(tmp_path):
    path = tmp_path / "curve.lmt"
    path.write_text("# m g\n0.1 1e5\n0.20 1e-3\n0.21 2e-3\n0.215 1e5\n0.22 3e-3\n0.23 3e-3\n"
                    "0.30 4e-3\n0.31 1e5\n")
    curve = load_limit_curve(path)
    assert limit_at(0.205, *curve) == approx(1.5e-3)
    assert limit_at(0.2125, *curve) is None         # sentinel between rows
    assert limit_at(0.26, *curve) is None           # gap wider than 20 MeV
    assert limit_at(0.225, *curve) == approx(3e-3)
    assert limit_at(0.15, *curve) is None and limit_at(0.35, *curve) is None
