"""Property-based (hypothesis), over the whole prior box: every plugin returns a finite float
or rejects with a reason — never raises, never NaN — and the values themselves agree with
independent expectations (quadrature of Eq. 8, the widths behind Eq. 9, Eqs. 20–21 written
out again, the definitions of the derived masses, the Gaussians of the likelihoods)."""
import functools
import math

from scipy.integrate import quad

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

from lmt_scan.errors import PointRejected
from lmt_scan.plugins import LIKELIHOOD_GROUP, installed_plugins
from lmt_scan.point import ModelPoint, model_settings
from lmt_scan.posterior import evaluate_point

# pytest.approx's hidden abs=1e-12 would pass any comparison of quantities ≪ 1e-12
# (lifetimes in s, widths in GeV, densities in GeV⁴): relative tolerance only
approx = functools.partial(pytest.approx, rel=1e-6, abs=0.0)

PLUGINS = {name: cls() for name, cls in installed_plugins(LIKELIHOOD_GROUP).items()}
SETTINGS = model_settings()


def log_uniform(lo, hi):
    return st.floats(math.log10(lo), math.log10(hi)).map(lambda x: 10.0 ** x)


# the paper's ranges, a bit wider: m_Z′ 1–300 MeV, g′ 1e-5–1e-2, m_ϕ 1–300 MeV, M1 1–100 GeV
POINTS = st.fixed_dictionaries({
    "m_Zp": log_uniform(0.5, 1000.0), "g_p": log_uniform(1e-6, 3e-2),
    "m_phi": log_uniform(0.5, 1000.0), "M1": log_uniform(0.5, 300.0)})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(POINTS)
def test_every_plugin_returns_float_or_reason(params):
    point = ModelPoint.from_dict(params, SETTINGS)
    for name, plugin in PLUGINS.items():
        try:
            value = plugin.loglike(point)
        except PointRejected as rejected:
            assert isinstance(rejected.reason, str) and rejected.reason
            continue
        assert isinstance(value, float), name
        assert not math.isnan(value), name
        assert value < math.inf, name


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(POINTS)
def test_evaluate_point_never_raises(params):
    _, total, per_plugin, reason = evaluate_point(params, PLUGINS, SETTINGS,
                                                  stop_at_first_rejection=False)
    assert (reason is None) == math.isfinite(total)
    assert not any(math.isnan(v) for v in per_plugin.values())


@settings(max_examples=40, deadline=None)
@given(POINTS)
def test_derived_quantities_are_numbers_or_reasons(params):
    values, reasons = ModelPoint.from_dict(params, SETTINGS).derived()
    for name, value in values.items():
        if value is None:
            assert name in reasons
        elif isinstance(value, dict):
            assert all(isinstance(v, float) and not math.isnan(v) for v in value.values()), name
        else:
            assert not math.isnan(value), name


M_MU, M_TAU, M_E = 0.1056583755, 1.77686, 0.51099895e-3   # GeV, PDG 2024
ALPHA = 1 / 137.035999084
HBAR_GEV_S = 6.582119569e-25
TARGET_GEV2 = 3e-26 / (1.973269804e-14 ** 2 * 2.99792458e10)   # 3e-26 cm³/s (Sec. III A)
REASONS = {"no_relic_solution", "pseudo_dirac_violated", "neff_excluded",
           "phi_lighter_than_Zp", "phi_long_lived", "sidm_outside_table",
           "sidm_prediction_failed"} | {f"{name}_excluded" for name in PLUGINS}


def _delta_a_mu_quadrature(m_zp, g):
    """Eq. (8) by adaptive quadrature: g′²/(8π²) ∫₀¹ 2m_μ²x²(1−x)/(x²m_μ² + (1−x)m_Z′²) dx."""
    integrand = lambda x: 2 * M_MU ** 2 * x * x * (1 - x) / (x * x * M_MU ** 2 + (1 - x) * m_zp ** 2)
    return g * g / (8 * math.pi ** 2) * quad(integrand, 0, 1, epsabs=0, epsrel=1e-12, limit=200)[0]


@settings(max_examples=80, deadline=None)
@given(POINTS)
def test_g2_and_its_likelihood_against_quadrature(params):
    point = ModelPoint.from_dict(params, SETTINGS)
    expected = _delta_a_mu_quadrature(params["m_Zp"] * 1e-3, params["g_p"])
    assert point["delta_a_mu"] == approx(expected, rel=1e-7)
    # default data set (26.1 ± 8.0)e-10, Gaussian
    assert PLUGINS["muon_g2"].loglike(point) == approx(
        -0.5 * ((expected - 26.1e-10) / 8.0e-10) ** 2, rel=1e-6, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(POINTS)
def test_zprime_lifetime_from_its_widths(params):
    # widths: g′²m/(24π) per ν flavour (two), Eq. (14) for e⁺e⁻, vector width for μ⁺μ⁻, τ⁺τ⁻
    m, g = params["m_Zp"] * 1e-3, params["g_p"]
    eps = math.sqrt(4 * math.pi * ALPHA) * g * 2 * math.log(M_TAU / M_MU) / (12 * math.pi ** 2)
    width = 2 * g * g * m / (24 * math.pi)
    if m > 2 * M_E:
        width += ALPHA * eps ** 2 * (m * m + 2 * M_E ** 2) * math.sqrt(m * m - 4 * M_E ** 2) / (3 * m * m)
    for m_f in (M_MU, M_TAU):
        if m > 2 * m_f:
            r = (m_f / m) ** 2
            width += g * g * m * (1 + 2 * r) * math.sqrt(1 - 4 * r) / (12 * math.pi)
    point = ModelPoint.from_dict(params, SETTINGS)
    assert point["tau_Zp_s"] == approx(HBAR_GEV_S / width, rel=1e-10)
    assert abs(point["eps_AZp"]) == approx(eps, rel=1e-12)


@settings(max_examples=80, deadline=None)
@given(POINTS)
def test_relic_yukawa_and_dark_masses(params):
    point = ModelPoint.from_dict(params, SETTINGS)
    try:
        y = point["y"]
    except PointRejected as rejected:
        assert rejected.reason in ("no_relic_solution", "pseudo_dirac_violated")
        return
    M1, v = params["M1"], params["m_Zp"] * 1e-3 / params["g_p"]
    m_n = M1 + y * v / math.sqrt(2)
    delta = math.sqrt(2) * y * v / m_n
    s11 = 9 * y ** 4 / (64 * math.pi * m_n ** 2 * 20.0)                 # Eq. (20), x_f = 20
    s12 = y ** 4 / (64 * math.pi * m_n ** 2) * (1 - 9 / (4 * 20.0))
    r1 = 1 / (1 + math.exp(-20.0 * delta))
    r2 = 1 - r1
    assert s11 * (r1 ** 2 + r2 ** 2) + 2 * s12 * r1 * r2 == approx(TARGET_GEV2, rel=1e-8)
    assert y * v / m_n <= 0.5                                           # pseudo-Dirac
    assert point["v_Phi_GeV"] == approx(v, rel=1e-12)
    assert point["m_N"] == approx(m_n, rel=1e-12)
    assert point["delta_M"] == approx(math.sqrt(2) * y * v, rel=1e-12)
    assert point["M2"] == approx(M1 + math.sqrt(2) * y * v, rel=1e-12)
    assert point["alpha_X"] == approx(y * y / (4 * math.pi), rel=1e-12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(POINTS)
def test_total_is_the_sum_of_the_plugins_and_reasons_are_known(params):
    _, total, per_plugin, reason = evaluate_point(params, PLUGINS, SETTINGS,
                                                  stop_at_first_rejection=False)
    if reason is None:
        assert total == approx(sum(per_plugin.values()), rel=1e-12, abs=1e-12)
        assert set(per_plugin) == set(PLUGINS)
    else:
        assert total == -math.inf
        assert reason.split(":")[-1] in REASONS or reason.split(":")[0] in PLUGINS, reason
