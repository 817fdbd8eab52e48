"""σ_T table vs the direct solver at random points of the whole prior box (issue 12).

Fixed seed, the same number of model points in each b = α_X M1/m_ϕ region, each at the
21 velocities the likelihoods use (30, 200, 1000 km/s and the 18 KTY16 ⟨v⟩): fixed-v σ_T
(Eqs. 22–25) and the Maxwell–Boltzmann ⟨σ_T v⟩ (Fig. 3, KTY16 likelihood).  The issue's
targets are (⟨σ_T v⟩ median ≤ 0.1 %, p99 ≤ 1 %, max ≤ 3 %; fixed-v
median ≤ 0.1 %, p99 ≤ 3 %), but today's table does not meet them for the averages: measured on
this sample (seed 12, 2026-12-04) b < 100 average p99 4.6 %, b ≥ 100 average median 1.4 %,
p99 17 % (narrow resonances the table does not resolve: lmt_scan/tables/sidm/README.md).
BOUNDS hold today's values with a margin, so a regeneration that regresses fails CI;
tighten them to the targets when a table meets them.
"""
import math

import numpy as np
import pytest

from lmt_scan.derived import sidm
from lmt_scan.tables.sidm import validation

POINTS_PER_REGION = 2
NODES_PER_DECADE = 64
# (region low, high): (fixed-v median, p99; average median, p99, max)
BOUNDS = {(0.0, 100.0): (1e-3, 3e-2, 1e-3, 6e-2, 0.15),
          (100.0, math.inf): (3e-2, 0.2, 3e-2, 0.25, 0.3)}   # NOT the targets


@pytest.fixture(scope="module")
def comparisons():
    rng = np.random.default_rng(12)
    velocities = validation.velocities_kms()
    points = validation.box_points(POINTS_PER_REGION, rng)
    return [validation.compare((p, velocities, NODES_PER_DECADE)) for p in points]


def test_random_box_points_span_every_b_region(comparisons):
    b = np.array([r[0] for r in comparisons])
    for _, low, high in validation.REGIONS:
        assert ((b >= low) & (b < high)).sum() == POINTS_PER_REGION
    assert sum(r[1].size for r in comparisons) >= 100


@pytest.mark.parametrize("region", list(BOUNDS))
def test_table_against_direct_solver_by_region(comparisons, region):
    low, high = region
    fixed_med, fixed_p99, avg_med, avg_p99, avg_max = BOUNDS[region]
    rows = [r for r in comparisons if low <= r[0] < high]
    fixed = np.abs(np.concatenate([r[1] for r in rows]))
    average = np.abs(np.concatenate([r[2] for r in rows]))
    assert np.median(fixed) <= fixed_med and np.percentile(fixed, 99) <= fixed_p99
    assert np.median(average) <= avg_med and np.percentile(average, 99) <= avg_p99
    assert average.max() <= avg_max


@pytest.mark.parametrize("b", [3e-4, 0.3, 2.0, 17.0, 60.0, 150.0, 700.0])
def test_average_continuous_across_every_internal_switch(b):
    """k̄ across each place where a quadrature node k = k̄ t changes representation (fine
    tier → wide tier between FINE_BLEND_K and FINE_K_MAX, dropped → kept peaks at AVERAGE_RAW_K, the table's
    lowest k) and the former tier switch at k̄ = 0.5: ⟨σ_T v⟩ changes by < 0.5 %."""
    kbar = [0.5]
    for k_switch in (sidm.FINE_BLEND_K, sidm.FINE_K_MAX, sidm.AVERAGE_RAW_K, sidm.K_MIN):
        kbar += list(k_switch / sidm._T_NODES)
    kbar = np.array([x for x in kbar if 1e-4 <= x <= 300.0])
    below, above = sidm.sigmav_m2(b, kbar * (1 - 1e-9)), sidm.sigmav_m2(b, kbar * (1 + 1e-9))
    assert np.abs(above / below - 1.0).max() < 5e-3
