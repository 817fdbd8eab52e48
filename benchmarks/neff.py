"""N_eff: cost of the direct solve vs the table, table accuracy, and the issue's physics figures.

    python benchmarks/neff.py [--points 200]

Prints: the direct-solve cost per point (Rosenbrock, default tolerance) over random
(m_Z′, g′) in the table domain; the per-point cost of ``derived.Neff`` from the table
(interpolation only, and through a fresh ModelPoint); the largest |table − direct| over
the same points; the m_Z′ where N_eff = 3.5 for ε_AZ′ = 0 and for g′ = 5e-4
(ε_AZ′ = 7.2e-6); and N_eff(m_Z′ = 6 MeV, ε = 0) for T_ν-dec = 1, 1.5, 2, 3 MeV.
"""
import argparse
import math
import time

import numpy as np
from scipy.optimize import brentq

from lmt_scan.derived.thermal import load_neff_table, neff_value, table_name
from lmt_scan.physics import thermal_history as th
from lmt_scan.point import ModelPoint

MeV = 1e-3


def random_points(n, seed=11):
    rng = np.random.default_rng(seed)
    masses = 10 ** rng.uniform(0.0, math.log10(300.0), n) * MeV
    couplings = 10 ** rng.uniform(-5.0, -2.0, n)
    return list(zip(masses, couplings))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200)
    args = parser.parse_args()
    points = random_points(args.points)

    start = time.perf_counter()
    direct = [th.neff(m, g) for m, g in points]
    per_direct = (time.perf_counter() - start) / len(points)
    print(f"direct solve: {per_direct * 1e3:.1f} ms per point (mean over {len(points)})")

    spline, _, _, meta = load_neff_table(table_name(1.5))
    print(f"table: {spline.get_coeffs().size} coefficients, generated in {meta['seconds']} s "
          f"({meta['points']} points, rtol {meta['rtol']})")
    repeats = 20
    start = time.perf_counter()
    for _ in range(repeats):
        table = [neff_value(m, g) for m, g in points]
    per_table = (time.perf_counter() - start) / (repeats * len(points))
    start = time.perf_counter()
    for m, g in points:
        ModelPoint(m / MeV, g, 20.0, 20.0)["Neff"]
    per_point = (time.perf_counter() - start) / len(points)
    print(f"table: {per_table * 1e6:.1f} µs per point (neff_value), "
          f"{per_point * 1e6:.1f} µs through a fresh ModelPoint")
    errors = np.abs(np.array(table) - np.array(direct))
    print(f"|table − direct|: max {errors.max():.2e}, mean {errors.mean():.2e}")

    start = time.perf_counter()
    collisional = [th.neff_collisional(m, g) for m, g in points[:20]]
    per_collisional = (time.perf_counter() - start) / 20
    from_table = [neff_value(m, g, decoupling="collisional") for m, g in points[:20]]
    errors = np.abs(np.array(from_table) - np.array(collisional))
    print(f"collisional decoupling: direct {per_collisional * 1e3:.0f} ms per point; "
          f"|table − direct| max {errors.max():.1e} over 20 points")

    bound_0 = brentq(lambda m: th.neff_decoupled_baths(m * MeV) - 3.5, 2.0, 30.0, xtol=1e-4)
    bound_eps = brentq(lambda m: th.neff(m * MeV, 5e-4, rtol=1e-8, atol=1e-10) - 3.5,
                       5.0, 30.0, xtol=1e-4)
    print(f"N_eff = 3.5 at m_Z' = {bound_0:.2f} MeV (eps = 0; paper ≈ 6), "
          f"{bound_eps:.2f} MeV (g' = 5e-4, eps = 7.2e-6; paper ≈ 10)")
    coll_0 = brentq(lambda m: th.neff_collisional(m * MeV, 1e-9) - 3.5, 3.0, 30.0, xtol=1e-3)
    coll_eps = brentq(lambda m: th.neff_collisional(m * MeV, 5e-4) - 3.5, 3.0, 30.0, xtol=1e-3)
    print(f"collisional decoupling: N_eff = 3.5 at {coll_0:.2f} MeV (g' = 1e-9, eps ≈ 0), "
          f"{coll_eps:.2f} MeV (g' = 5e-4); no Z': {th.neff_standard_model_collisional():.4f}")
    for T_dec in (1.0, 1.5, 2.0, 3.0):
        print(f"T_dec = {T_dec} MeV: N_eff(6 MeV, eps = 0) = "
              f"{th.neff_decoupled_baths(6 * MeV, T_dec * MeV):.3f}, "
              f"N_eff(6 MeV, g' = 5e-4) = {th.neff(6 * MeV, 5e-4, T_dec=T_dec * MeV):.3f}, "
              f"no Z' = {th.neff_standard_model(T_dec * MeV):.4f}")


if __name__ == "__main__":
    main()
