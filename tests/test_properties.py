"""Property-based: over the whole prior box every plugin returns a finite float or rejects
with a reason — never raises, never NaN (hypothesis)."""
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmt_scan.errors import PointRejected
from lmt_scan.plugins import LIKELIHOOD_GROUP, installed_plugins
from lmt_scan.point import ModelPoint, model_settings
from lmt_scan.posterior import evaluate_point

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
