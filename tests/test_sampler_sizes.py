"""Absurd sampler settings, generated from every adapter's declared options: each numeric
option gets values that are huge, zero, negative, a float for an int, NaN, ±inf, text,
bool, null, a list and a mapping.  A value outside the option's declared range (or one the
machine cannot hold: memory or disk, lmt_scan.resources) is refused before anything is
written — exit 2, one line naming the card and ``sampler.<option>``, within a second; a
value inside it is accepted."""
import math
import time

import pytest

from conftest import small_card
from lmt_scan.cli import main
from lmt_scan.config import load_run_card
from lmt_scan.errors import ConfigError
from lmt_scan.options import MAX_INT
from lmt_scan.resources import check_resources
from lmt_scan.samplers import SAMPLERS, sampler_class

NDIM, ROW = 2, 40 * 8          # the small card: 2 free parameters, ~40 stored columns
G2 = {"muon_g2": {"dataset": "paper2018_a"}}   # one cheap likelihood: the sampler is under test


def _in_range(option, value):
    """Would ``option`` accept ``value`` by its declaration alone?"""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return False
    if option.kind is int and (not float(value).is_integer() or abs(value) > MAX_INT):
        return False
    if option.kind is float and math.isinf(value):
        return False
    if option.minimum is not None and (value < option.minimum
                                       or (option.exclusive_minimum and value == option.minimum)):
        return False
    return option.maximum is None or value <= option.maximum


def _sized_fields(cls):
    """Options whose value the adapter turns into memory or disk (resource_needs)."""
    defaults = cls.validate({})
    return {field for field, *_ in cls.resource_needs(defaults, NDIM, ROW)}


ABSURD = [1.0e12, 1.0e300, 0, -1, -1.0e300, 1.5, float("nan"), float("inf"), float("-inf"),
          "abc", True, None, [1], {"a": 1}]


def _cases():
    cases = []
    for name in SAMPLERS:
        cls = sampler_class(name)
        sized = _sized_fields(cls)
        for opt, option in cls.options.items():
            if option.kind not in (int, float):
                continue
            values = list(ABSURD) + ([MAX_INT] if opt in sized else [])
            for value in values:
                cases.append(pytest.param(name, opt, value, id=f"{name}.{opt}={value!r}"))
    return cases


def _refused_reason(cls, opt, value):
    """Expected: the declaration refuses it, or (a size) the machine cannot hold it."""
    if not _in_range(cls.options[opt], value):
        return "declared range"
    if opt in _sized_fields(cls) and value in (1.0e12, 1.0e300, MAX_INT):
        return "resources"
    return None


@pytest.fixture(scope="module", autouse=True)
def _cached_entry_points():
    """Scanning every installed distribution's entry points takes ~0.1 s per card; the
    installed set does not change during these tests, so read it once."""
    import functools
    import importlib.metadata
    from lmt_scan import plugins
    real = importlib.metadata.entry_points
    cached = functools.lru_cache(maxsize=None)(lambda **kw: real(**kw))
    patch = pytest.MonkeyPatch()
    patch.setattr(importlib.metadata, "entry_points", lambda **kw: cached(**kw))
    patch.setattr(plugins, "entry_points", lambda **kw: cached(**kw))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _keep_signal_handlers():
    import signal
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.parametrize("name, opt, value", _cases())
def test_absurd_sampler_value(tmp_path, capsys, name, opt, value):
    cls = sampler_class(name)
    card = small_card(tmp_path, likelihoods=G2, sampler={"name": name, opt: value})
    expected = _refused_reason(cls, opt, value)
    if expected is None:     # inside the declared range and not a size: a valid setting
        try:
            load_run_card(card)
        except ConfigError as err:    # only a cross-check of two settings may refuse it
            assert err.field == f"sampler.{opt}" or "sampler." in str(err), err
        return
    # refused by validation alone (never start a run that would allocate)
    with pytest.raises(ConfigError) as info:
        load_run_card(card)
    assert f"sampler.{opt}" in str(info.value), info.value
    t0 = time.monotonic()
    code = main(["run", str(card)])
    elapsed = time.monotonic() - t0
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lmt-scan: error: "), err
    assert str(card) in lines[0] and f"sampler.{opt}" in lines[0], lines[0]
    assert "Traceback" not in err
    assert elapsed < 1.0, elapsed
    assert not (tmp_path / "out_small").exists()
    assert not any(p.name.startswith(".out_small") for p in tmp_path.iterdir())


def test_every_numeric_sampler_option_is_bounded_above():
    """Huge values are refused for every numeric option: an int by MAX_INT, a float by its
    declared maximum or, for a size, by the memory it needs."""
    for name in SAMPLERS:
        cls = sampler_class(name)
        for opt, option in cls.options.items():
            if option.kind is float:
                assert option.maximum is not None or opt in _sized_fields(cls), (name, opt)


@pytest.mark.parametrize("name", SAMPLERS)
def test_memory_need_grows_with_each_size_and_is_checked(name):
    """Each sized option's need scales with it, and check_resources refuses it by field
    when the machine holds less (injected amounts: the same on any machine)."""
    cls = sampler_class(name)
    defaults = cls.validate({})
    for field in _sized_fields(cls):
        small = cls.resource_needs(defaults, NDIM, ROW)
        big = cls.resource_needs({**defaults, field: defaults[field] * 1000}, NDIM, ROW)
        need = {(f, kind): n for f, kind, n, _ in small}
        grown = {(f, kind): n for f, kind, n, _ in big}
        assert any(grown[k] >= 100 * need[k] for k in grown if k[0] == field), (name, field)
        for (f, kind), n in grown.items():
            if f != field:
                continue
            with pytest.raises(ConfigError) as info:
                if kind == "memory":
                    check_resources(big, "/tmp", memory=n - 1, disk=10**18)
                else:
                    check_resources(big, "/tmp", memory=10**18, disk=n - 1)
            assert info.value.field == field and kind in str(info.value)
        check_resources(small, "/tmp", memory=10**12, disk=10**15)   # defaults fit


def test_nlive_1e8_is_refused_within_a_second(tmp_path, capsys):
    """The issue's case: nlive 1e8 used to allocate until MemoryError."""
    card = small_card(tmp_path, sampler={"name": "dynesty", "nlive": 100_000_000,
                                         "maxcall": 2_000_000_000})
    t0 = time.monotonic()
    code = main(["run", str(card)])
    err = capsys.readouterr().err
    assert code == 2 and time.monotonic() - t0 < 1.0, err
    assert "sampler.nlive" in err and ("memory" in err) and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out_small").exists()


@pytest.mark.parametrize("sampler, field", [
    ({"name": "dynesty", "nlive": 500, "maxcall": 100}, "sampler.nlive"),
    ({"name": "dynesty", "nlive": 50, "queue_size": 51}, "sampler.queue_size"),
    ({"name": "emcee", "nsteps": 10, "thin": 8}, "sampler.thin"),
    ({"name": "emcee", "nsteps": 10, "burn_fraction": 0.95, "thin": 1}, None),   # keeps 1 step
    ({"name": "emcee", "nwalkers": 40_000_000, "nsteps": 2000}, "sampler.nwalkers"),
    ({"name": "emcee", "nsteps": 1_000_000_000}, "sampler.nsteps"),
    ({"name": "nautilus", "n_eff": 5000, "n_like_max": 1000}, "sampler.n_eff"),
    ({"name": "ultranest", "nlive": 500, "max_ncalls": 100}, "sampler.nlive"),
])
def test_settings_checked_against_each_other(tmp_path, sampler, field):
    card = small_card(tmp_path, sampler=sampler)
    if field is None:
        load_run_card(card)
        return
    with pytest.raises(ConfigError) as info:
        load_run_card(card)
    assert field in str(info.value) and str(card) in str(info.value)
