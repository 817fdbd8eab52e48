"""Self-scattering σ_T of Majorana N1: speed and accuracy of the table and the direct solver.

    python benchmarks/sidm.py [--seed 1] [--workers 2] [--full]

Default (≤ 10 min on 2 shared cores): [1], [7] and the whole-box accuracy of
``benchmarks/sidm_accuracy.py`` (random box points with relic α_X, the three standard
velocities and the 18 KTY16 ⟨v⟩, fixed-v and MB-averaged, errors by b region and at points
of the shipped posteriors).  ``--full`` adds [2]–[6] and 4× the accuracy sample.
1. the cost of ⟨σ_T v⟩/M1 at the three halo scales (⟨v⟩ = 30, 200, 1000 km/s) for one
   model point from the table, and of σ_T/M1 at 30, 200, 1000 km/s;
2. table vs direct solver at random points of the physical domain (the target; see
   ``lmt_scan/tables/sidm/domain.py``: the priors of ``runs/paper_full.yaml`` with α_X
   fixed by the relic density, v_rel 10–3000 km/s); then at random points of the whole
   dimensionless table, log-uniform in b ∈ [1e−4, 1e4] and k ∈ [1e−4, 300], broken down
   by region: median and 95th percentile of the relative error; the same for ⟨σ_T v⟩
   (k̄ ≤ 60, where the direct average costs ≲ 1 min) at physical points and over the
   whole table;
3. convergence of the direct solver: change of σ_T when every knob is tightened;
4. the direct solver's cost per σ_T at v ≤ 1000 km/s for physical points;
5. the semi-classical method error at its switch (k = 20) and the Majorana/distinguishable
   ratio;
6. a fixed 15-point Gauss–Laguerre velocity average and the table near resonances;
7. σ_T/M1 and ⟨σ_T v⟩/M1 at the paper's Fig. 3 benchmarks.
"""
import argparse
import math
import time
from multiprocessing import Pool

import numpy as np

from lmt_scan.derived import sidm
from lmt_scan.physics import constants as const
from lmt_scan.physics import dark_sector
from lmt_scan.physics import self_scattering as ss
from lmt_scan.errors import PointRejected
from lmt_scan.point import ModelPoint
from lmt_scan.tables.sidm.domain import random_physical_points
from lmt_scan.tables.sidm.validation import velocities_kms

import sidm_accuracy   # beside this script

FIG3 = [(10.0, 10.0), (20.0, 20.0), (40.0, 80.0)]   # (M1 [GeV], m_ϕ [MeV]) at m_Z′ = 10 MeV, g′ = 5e-4


def timed(function, repeat):
    """CPU seconds per call (process time: robust on a shared, loaded machine)."""
    start = time.process_time()
    for _ in range(repeat):
        function()
    return (time.process_time() - start) / repeat


def table_speed():
    """[1]: one point in the fine tier (b ≈ 1.4) and one in the pairs tier (b ≈ 80), then
    the batched path (sigmav_over_M_arrays) on 1000 random box points."""
    velocities = [30.0, 200.0, 1000.0]
    halos = velocities_kms()[3:]
    for label, point in (("fine tier", ModelPoint(10.0, 5e-4, 20.0, 20.0)),
                         ("pairs tier", ModelPoint(10.0, 5e-4, 3.0, 60.0))):
        b = point["alpha_X"] * point.M1_GeV / point.m_phi_GeV
        sidm.sigmav_over_M(point, velocities)   # load the table once
        t_avg = timed(lambda: sidm.sigmav_over_M(point, velocities), 1000)
        t_fix = timed(lambda: sidm.sigmaT_over_M_cm2_g(point, velocities), 1000)
        t_halo = timed(lambda: sidm.sigmav_over_M(point, halos), 500)
        print(f"[1] table ({label}, b = {b:.3g}): <σ_T v>/M1 at 3 halo scales "
              f"{t_avg * 1e3:.3f} ms/point (target ≤ 0.2 ms), σ_T/M1 at 3 velocities "
              f"{t_fix * 1e3:.3f} ms/point, <σ_T v>/M1 at the 18 KTY16 <v> {t_halo * 1e3:.3f} ms "
              "(target ≤ 1 ms)")
    rng = np.random.default_rng(0)
    params = []
    while len(params) < 1000:
        point = ModelPoint(*(10.0 ** rng.uniform(*np.log10(r))
                             for r in ((1, 300), (1e-5, 1e-2), (1, 300), (1, 100))))
        try:
            params.append((point["alpha_X"], point.M1_GeV, point.m_phi_GeV))
        except PointRejected:  # no relic solution: the scanner rejects such points
            continue
    alpha, M1, m_phi = np.array(params).T
    t_batch = timed(lambda: sidm.sigmav_over_M_arrays(alpha, M1, m_phi, halos), 3)
    print(f"[1] batched: <σ_T v>/M1 at the 18 KTY16 <v> for 1000 random box points "
          f"{t_batch:.3f} s ({t_batch:.3f} ms per point)")


def _direct_sigma(bk):
    b, k = bk
    return ss.sigmaT_m2(k / b, b)


def _table_errors(b, k, pool):
    """|table/direct − 1| of σ_T m² at arrays (b, k), and the direct cost per point [s]."""
    start = time.perf_counter()
    direct = np.array(pool.map(_direct_sigma, list(zip(b, k)), chunksize=4))
    cost = (time.perf_counter() - start) / b.size
    return np.abs(sidm.sigmaT_m2(b, k) / direct - 1.0), cost


AVERAGE_NODES = 192   # per decade of k: resolves the resonances that survive the average


def _direct_average(bk):
    b, kbar = bk
    return ss.velocity_average_m2(kbar, b, nodes_per_decade=AVERAGE_NODES)


def _average_errors(b, kbar, pool):
    """|table/direct − 1| of ⟨σ_T m² k⟩/k̄ at arrays (b, k̄)."""
    direct = np.array(pool.map(_direct_average, list(zip(b, kbar)), chunksize=1))
    return np.abs(sidm.sigmav_m2(b, kbar) / direct - 1.0)


def _summary(error):
    return (f"median {np.median(error):.2e}, 95th percentile {np.percentile(error, 95):.2e}, "
            f"max {error.max():.2e}")


def table_accuracy(n_points, n_averages, seed, workers):
    rng = np.random.default_rng(seed)
    with Pool(workers) as pool:
        b, k, rejected, outside = random_physical_points(n_points, rng)
        error, cost = _table_errors(b, k, pool)
        print(f"[2] σ_T table vs direct at {n_points} physical points (relic α_X; {rejected} "
              f"prior draws without a valid relic point and {outside} with M1 v/2m_ϕ > 1500 "
              f"skipped): {_summary(error)}; b = {b.min():.1e}–{b.max():.0f} "
              f"(direct {cost:.3f} s/point with {workers} workers)")
        b = 10.0 ** rng.uniform(-4, 4, n_points)
        k = 10.0 ** rng.uniform(-4, math.log10(300.0), n_points)
        error, cost = _table_errors(b, k, pool)
    print(f"    whole dimensionless table, {n_points} points log-uniform in b and k: "
          f"{_summary(error)}")
    for label, subset in (("k < 0.1 (s-wave resonances)", k < 0.1),
                          ("b ≤ 300 (all but 2 % of the physical points)", b <= 300.0),
                          ("b > 300 (narrow ℓ ≥ 1 resonances)", b > 300.0),
                          ("b > 300, 0.1 < k < 10", (b > 300.0) & (k > 0.1) & (k < 10.0))):
        print(f"    {label}: {subset.sum()} points, median {np.median(error[subset]):.2e}, "
              f"95th {np.percentile(error[subset], 95):.2e}")
    b, kbar, _, _ = random_physical_points(4 * n_averages, rng)
    mean_inside = kbar <= 60.0    # the table holds k̄ ≤ 300; beyond 60 the direct average is slow
    b, kbar = b[mean_inside][:n_averages], kbar[mean_inside][:n_averages]
    with Pool(workers) as pool:
        error = _average_errors(b, kbar, pool)
        print(f"    <σ_T v> table vs direct ({AVERAGE_NODES} nodes/decade), {b.size} physical "
              f"points (<v> 10–3000 km/s, M1<v>/2m_ϕ ≤ 60): {_summary(error)}")
        b = 10.0 ** rng.uniform(-4, 4, n_averages)
        kbar = 10.0 ** rng.uniform(-4, math.log10(60.0), n_averages)
        error = _average_errors(b, kbar, pool)
    print(f"    <σ_T v> over the whole dimensionless table, {n_averages} points: "
          f"{_summary(error)}")
    for label, subset in (("b ≤ 300", b <= 300.0), ("b > 300", b > 300.0)):
        print(f"    {label}: {subset.sum()} points, {_summary(error[subset])}")


def convergence():
    knobs = {"dphi": 0.03, "tail_tol": 1e-9, "phase_tol": 1e-12, "start_decay": 16.0}
    worst = 0.0
    for a, b in [(0.3, 0.5), (0.01, 1.7), (1.0, 3.0), (5.0, 3.0), (0.1, 30.0), (1e-4, 1e4),
                 (0.01, 1e3), (1e3, 1e-3)]:
        reference = ss.sigmaT_m2(a, b)
        for name, value in knobs.items():
            worst = max(worst, abs(ss.sigmaT_m2(a, b, **{name: value}) / reference - 1.0))
    print(f"[3] direct solver: largest change when tightening dphi 0.06→0.03, tail_tol "
          f"1e-6→1e-9, phase_tol 1e-9→1e-12, start_decay 12→16: {worst:.1e} (8 points)")


def direct_speed():
    """Direct σ_T at physical points: α_X from the relic condition at v_Φ = 1 GeV."""
    target = const.cm3_s_to_GeV_inv2(const.sigmav_canonical_cm3_s)
    rows = []
    for M1 in (1.0, 10.0, 100.0):
        alpha = dark_sector.relic_yukawa(M1, 1.0, target) ** 2 / (4 * math.pi)
        for m_phi in (1.0, 10.0, 100.0):
            b = alpha * M1 / (m_phi * 1e-3)
            for v in (30.0, 200.0, 1000.0):
                k = M1 * const.km_s_to_c(v) / (2 * m_phi * 1e-3)
                start = time.perf_counter()
                ss.sigmaT_m2(k / b, b)
                rows.append((time.perf_counter() - start, M1, m_phi, v, k))
    times = np.array([r[0] for r in rows])
    slow = max(rows)
    print(f"[4] direct σ_T at v ≤ 1000 km/s (M1 1–100 GeV, m_ϕ 1–100 MeV, relic α_X): median "
          f"{np.median(times) * 1e3:.0f} ms, max {slow[0] * 1e3:.0f} ms "
          f"(M1 = {slow[1]:g} GeV, m_ϕ = {slow[2]:g} MeV, v = {slow[3]:g} km/s, k = {slow[4]:.1f})")


def semiclassical_error():
    k = ss.K_SEMICLASSICAL
    parts = []
    for a in (0.03, 0.1, 0.3, 1.0, 3.0, 10.0):
        exact = ss.sigmaT_m2(a, k / a, method="partial_waves")
        parts.append(f"a={a:g}: {ss.sigmaT_m2(a, k / a, method='semiclassical') / exact - 1:+.1e}")
    print(f"[5] semi-classical vs partial waves at k = {k:g}: " + ", ".join(parts))
    ratios = []
    for k in (5.0, 10.0):
        for a in (0.3, 1.0, 3.0):
            delta = ss.phase_shifts(a, k / a)
            ratios.append(ss.sigmaT_k2_from_phases(delta) / ss.sigmaT_k2_distinguishable(delta))
    print(f"    Majorana/distinguishable σ_T at M1 v/m_ϕ = 10–20 (a = 0.3–3): "
          f"{min(ratios):.2f}–{max(ratios):.2f}; s-wave limit 0.25")


def gauss_laguerre_check():
    """Worst error of a fixed 15-point Gauss–Laguerre MB average over b across the first
    resonances, against a 128-node/decade quadrature; same for the table."""
    u, w = np.polynomial.laguerre.laggauss(15)
    for kbar in (0.01, 0.3):
        k0 = ss.mean_to_mode_scale(kbar)
        k = k0 * np.sqrt(2.0 * u)   # k = k₀√(2u): ⟨σ k⟩/k̄ = √(2/π) 2k₀/k̄ ∫ e^{−u} u σ du
        worst_gl, worst_table = (0.0, None), (0.0, None)
        for b in np.geomspace(1.5, 30.0, 24):
            exact = ss.velocity_average_m2(kbar, b, nodes_per_decade=128)
            naive = math.sqrt(2.0 / math.pi) * 2.0 * k0 / kbar * np.sum(
                w * u * ss.sigmaT_m2_batch(k / b, b))
            table = float(sidm.sigmav_m2(b, kbar)[0])
            worst_gl = max(worst_gl, (abs(naive / exact - 1), b))
            worst_table = max(worst_table, (abs(table / exact - 1), b))
        print(f"[6] MB average at k̄ = {kbar}, b = 1.5–30 (24 values) vs 128 nodes/decade: "
              f"15-point Gauss–Laguerre worst {worst_gl[0]:.1e} (b = {worst_gl[1]:.2f}); "
              f"table worst {worst_table[0]:.1e} (b = {worst_table[1]:.2f})")


def fig3():
    print("[7] Fig. 3 benchmarks (m_Z′ = 10 MeV, g′ = 5e-4):")
    for M1, m_phi in FIG3:
        point = ModelPoint(10.0, 5e-4, m_phi, M1)
        sigma = point["sigmaT_over_M"]
        sigmav = point["sigmav_over_M"]
        b = point["alpha_X"] * M1 / (m_phi * 1e-3)
        print(f"    M1 = {M1:g} GeV, m_ϕ = {m_phi:g} MeV: α_X = {point['alpha_X']:.3e}, "
              f"b = {b:.2f}; σ_T/M1 = {sigma['v30']:.3g}, {sigma['v200']:.3g}, "
              f"{sigma['v1000']:.3g} cm²/g at 30, 200, 1000 km/s; <σv>/M1 = "
              f"{sigmav['v30']:.3g}, {sigmav['v200']:.3g}, {sigmav['v1000']:.3g} cm²/g·km/s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000, help="--full: fixed-v points of [2]")
    parser.add_argument("--averages", type=int, default=40, help="--full: averages of [2]")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="processes for direct solves")
    parser.add_argument("--full", action="store_true", help="also [2]-[6], 4x the box sample")
    args = parser.parse_args()
    table_speed()
    fig3()
    if args.full:
        semiclassical_error()
        gauss_laguerre_check()
        convergence()
        direct_speed()
        table_accuracy(args.points, args.averages, args.seed, args.workers)
    sidm_accuracy.main(["--seed", str(args.seed), "--workers", str(args.workers)]
                       + (["--full"] if args.full else []))


if __name__ == "__main__":
    main()
