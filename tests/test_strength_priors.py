"""The prior transforms and densities against their closed forms, on random u, and the
empty range min == max rejected before any sampler starts."""
import functools
import math

import numpy as np
import pytest
from scipy import integrate, stats

from lmt_scan.errors import ConfigError
from priors.basic import Fixed, Gaussian, LogUniform, Uniform

from conftest import run_cli, small_card

# pytest.approx's hidden abs=1e-12 would pass any comparison of quantities ≪ 1e-12
# (lifetimes in s, widths in GeV, densities in GeV⁴): relative tolerance only
approx = functools.partial(pytest.approx, rel=1e-6, abs=0.0)

RNG = np.random.default_rng(20180601)
U = np.r_[0.0, 1.0, 0.5, RNG.uniform(size=200)]


def test_uniform_transform_and_density():
    prior = Uniform(min=-3.0, max=7.0)
    for u in U:
        assert prior.transform(u) == approx(-3.0 + 10.0 * u, abs=1e-12)
    assert prior.log_density(2.0) == approx(-math.log(10.0))
    assert prior.log_density(7.5) == -math.inf and prior.log_density(-3.1) == -math.inf
    assert prior.bounds == (-3.0, 7.0)


def test_log_uniform_transform_and_density():
    prior = LogUniform(min=1e-5, max=1e-2)
    for u in U:
        # x = min (max/min)^u: each decade gets a third of the mass
        assert prior.transform(u) == approx(1e-5 * 1000.0 ** u, rel=1e-12, abs=0)
    assert prior.transform(1 / 3) == approx(1e-4, rel=1e-12, abs=0)
    # p(x) = 1/(x ln(max/min)), normalised on [min, max]
    assert prior.log_density(1e-3) == approx(-math.log(1e-3 * math.log(1000.0)))
    mass = integrate.quad(lambda x: math.exp(prior.log_density(x)), 1e-5, 1e-2,
                          points=[1e-4, 1e-3], limit=200)[0]
    assert mass == approx(1.0, rel=1e-8)
    assert prior.log_density(2e-2) == -math.inf


def test_transform_is_the_inverse_cdf_of_the_density():
    # random u → x, then the CDF obtained by integrating exp(log_density) gives u back
    for prior, lo in [(Uniform(min=2.0, max=5.0), 2.0), (LogUniform(min=5.0, max=300.0), 5.0),
                      (Gaussian(mean=1.0, sigma=0.5, min=0.0, max=3.0), 0.0)]:
        for u in RNG.uniform(0.01, 0.99, size=15):
            x = prior.transform(u)
            cdf = integrate.quad(lambda t: math.exp(prior.log_density(t)), lo, x)[0]
            assert cdf == approx(u, abs=1e-7), type(prior).__name__


def test_gaussian_transform_untruncated_and_truncated():
    free = Gaussian(mean=20.0, sigma=4.0)
    for u, z in [(0.5, 0.0), (0.8413447460685429, 1.0), (0.022750131948179195, -2.0)]:
        assert free.transform(u) == approx(20.0 + 4.0 * z, abs=1e-9)
    assert free.log_density(24.0) == approx(-0.5 - math.log(4.0 * math.sqrt(2 * math.pi)))
    cut = Gaussian(mean=20.0, sigma=4.0, min=18.0, max=30.0)
    draws = np.array([cut.transform(u) for u in RNG.uniform(size=2000)])
    assert draws.min() >= 18.0 and draws.max() <= 30.0
    ks = stats.kstest(draws, stats.truncnorm((18 - 20) / 4, (30 - 20) / 4, 20, 4).cdf)
    assert ks.pvalue > 1e-3


def test_fixed_prior():
    prior = Fixed(value=20.0)
    assert prior.fixed and prior.transform(0.7) == 20.0 and prior.bounds == (20.0, 20.0)


@pytest.mark.parametrize("cls, extra", [(Uniform, {}), (LogUniform, {}),
                                        (Gaussian, {"mean": 10.0, "sigma": 1.0})])
def test_min_equal_max_is_a_config_error(cls, extra):
    with pytest.raises(ConfigError) as info:
        cls(min=10.0, max=10.0, **extra)
    assert info.value.field == "min" and "empty" in str(info.value)


def test_min_equal_max_stops_emcee_with_one_clear_line(tmp_path):
    card = small_card(tmp_path, parameters={
        "m_Zp": {"prior": "log_uniform", "min": 10, "max": 10},
        "g_p": {"prior": "log_uniform", "min": 1e-4, "max": 3e-3}, "m_phi": 20, "M1": 20},
        sampler={"name": "emcee", "nwalkers": 8, "nsteps": 10})
    result = run_cli("run", card)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "parameters.m_Zp.min" in result.stderr and str(card.name) in result.stderr
    assert not (tmp_path / "out_small").exists()
