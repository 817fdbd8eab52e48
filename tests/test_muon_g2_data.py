"""The g−2 data sets: arithmetic of exp − SM and the plugin's Gaussian (Eq. 8)."""
import functools
import math

import pytest

from likelihoods.muon_g2 import MuonG2, load_datasets
from lmt_scan.errors import ConfigError
from lmt_scan.point import ModelPoint

# pytest.approx's hidden abs=1e-12 would pass any comparison of quantities ≪ 1e-12
# (lifetimes in s, widths in GeV, densities in GeV⁴): relative tolerance only
approx = functools.partial(pytest.approx, rel=1e-6, abs=0.0)


@pytest.fixture(scope="module")
def sets():
    return load_datasets(MuonG2().data_path("muon_g2.yaml"))


def test_paper_values(sets):
    assert sets["paper2018_a"][:2] == approx((26.1e-10, 8.0e-10))
    assert sets["paper2018_b"][:2] == approx((28.7e-10, 8.0e-10))


def test_2025_arithmetic(sets):
    # 116 592 071.5(14.5) − 116 591 810(43) = 261.5(45.4) ×1e-11 ≈ (26.2 ± 4.5)e-10
    delta, sigma = sets["exp2025_wp2020"][:2]
    assert delta == approx(26.15e-10, rel=1e-9)
    assert sigma == approx(math.hypot(14.5, 43.0) * 1e-11, rel=1e-12)
    assert sigma * 1e10 == approx(4.5, abs=0.05)    # the issue's ≈ (26.2 ± 4.5)e-10
    # 116 592 071.5(14.5) − 116 592 033(62) = 38.5(63.7) ×1e-11 ≈ (3.9 ± 6.4)e-10
    delta, sigma = sets["exp2025_wp2025"][:2]
    assert delta == approx(3.85e-10, rel=1e-9)
    assert sigma == approx(math.hypot(14.5, 62.0) * 1e-11, rel=1e-12)
    assert sigma * 1e10 == approx(6.4, abs=0.05)


def test_every_dataset_cites_a_source(sets):
    for name, (_, _, description, source) in sets.items():
        assert "arXiv" in source or "Phys" in source, name


def test_loglike_peaks_on_the_band():
    like = MuonG2(dataset="paper2018_a")
    # g′ chosen so that Δa_μ ≈ 26.1e-10 at m_Z′ = 10 MeV → log L ≈ 0
    best = max((like.loglike(ModelPoint(10.0, g, 20.0, 20.0)), g)
               for g in [3e-4 + 1e-5 * i for i in range(40)])
    assert best[0] > -0.01
    # 2025 data: the same g′ is now disfavoured by > 2σ (Δa_μ ≈ 26e-10 vs 3.9 ± 6.4)
    assert MuonG2(dataset="exp2025_wp2025").loglike(ModelPoint(10.0, best[1], 20.0, 20.0)) < -2


def test_unknown_dataset_is_a_config_error():
    with pytest.raises(ConfigError) as info:
        MuonG2(dataset="nonsense")
    assert info.value.field == "dataset"
