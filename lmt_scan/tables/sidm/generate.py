"""Regenerate the σ_T table of ``lmt_scan.tables.sidm`` (run: python -m lmt_scan.tables.sidm.generate).

Tabulates the dimensionless problem of :mod:`lmt_scan.physics.self_scattering`:
σ_T·m_ϕ² as a function of (b = α_X M1/m_ϕ, k = a·b = M1 v/(2 m_ϕ)), and its Maxwell–
Boltzmann average ⟨σ_T m_ϕ² k⟩/k̄ as a function of (b, k̄) with k̄ the mean of k
(the distribution of relative velocities of ``velocity_average``).

Two grids ("tiers"), both rectilinear in (log10 b, log10 k):

* ``wide``: log10 b ∈ [−4, 4] at WIDE_PER_DECADE rows per decade, k ∈ [1e−4, 300]:
  log10 σ_T m² and log10 of the average (k̄ ∈ [1e−4, 60]);
* ``fine``: log10 b ∈ [log10 0.5, 4] at FINE_PER_DECADE rows per decade, k ∈ [1e−4, 3],
  where zero-energy s-wave resonances are narrow (relative width in b ≈ 2.4 k): the
  s-wave pair (P, Q) = (a N cos δ₀, N sin δ₀) of the solution normalised at the origin,
  which is smooth through the resonances (tan δ₀ = aQ/P), and log10 of the rest
  R = σ_T m² − π sin²δ₀/k² (floored at 10⁻¹² σ_T m²; the s–d interference can make it
  negative but then |R| < 10⁻⁶ σ_T).  Averages are taken on the fly from this tier.

Each row (one b) solves all its k ≤ 3 at once on a shared grid (``sigmaT_m2_batch``),
larger k in small batches up to K_SEMICLASSICAL, and semi-classically above.  The wide
tier's averages are integrated over the row's log-k samples.  Runtime on one core
≈ 15 min; ``--workers 2`` halves it.
"""
import argparse
import math
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from lmt_scan.physics import self_scattering as ss

WIDE_PER_DECADE = 20
FINE_PER_DECADE = 200
K_PER_DECADE_LOW = 24      # k ≤ 1 (one shared-grid batch, cheap)
K_PER_DECADE_HIGH = 12     # k > 1
K_MIN, K_LOW_MAX, K_MAX = 1e-4, 3.0, 300.0
KBAR_PER_DECADE = 12
KBAR_MAX_WIDE = 60.0       # MB average needs k up to ≈ 5 k̄ ≤ K_MAX
KNOBS = {"dphi": 0.1, "tail_tol": 1e-6}   # 5e-4 accuracy: far below the interpolation error
OUTPUT = Path(__file__).with_name("sigmaT_table.npz")


def k_grid(k_max):
    decades = math.log10(K_LOW_MAX / K_MIN)
    low = np.logspace(math.log10(K_MIN), math.log10(K_LOW_MAX),
                      int(round(decades * K_PER_DECADE_LOW)) + 1)
    if k_max <= K_LOW_MAX:
        return low
    n_high = int(round(math.log10(k_max / K_LOW_MAX) * K_PER_DECADE_HIGH))
    return np.concatenate([low, np.logspace(math.log10(K_LOW_MAX), math.log10(k_max),
                                            n_high + 1)[1:]])


def sigma_row(b, k_max):
    """σ_T m_ϕ² at every k of ``k_grid(k_max)`` for one b."""
    k = k_grid(k_max)
    out = np.empty(k.size)
    born = ss.born_applies(k / b, b)
    out[born] = ss.sigmaT_born_m2(k[born] / b, b)
    low = (k <= K_LOW_MAX) & ~born
    if low.any():
        out[low] = ss.sigmaT_m2_batch(k[low] / b, b, **KNOBS)
    high = np.nonzero((k > K_LOW_MAX) & ~born)[0]
    numeric = [i for i in high if k[i] <= ss.K_SEMICLASSICAL]
    for chunk in (numeric[i:i + 3] for i in range(0, len(numeric), 3)):
        out[chunk] = ss.sigmaT_m2_batch(k[chunk] / b, b, **KNOBS)
    for i in high:
        if k[i] > ss.K_SEMICLASSICAL:
            out[i] = ss.sigmaT_m2(k[i] / b, b, method="semiclassical")
    return k, out


def average_row(k, sigma, kbar):
    """⟨σ_T m_ϕ² k⟩/k̄ for each k̄ from samples on a log-uniform k grid (trapezoid in ln k);
    below the grid σ is held at its lowest value (the s-wave limit)."""
    k0 = math.sqrt(math.pi / 8.0) * kbar[:, None]
    weight = ss.maxwell_boltzmann(k[None, :], k0) * k[None, :] ** 2    # f(k) k · k d ln k
    ln_k = np.log(k)
    integral = np.trapezoid(weight * sigma[None, :], ln_k, axis=1)
    t = (k[0] / k0[:, 0]) ** 2
    below = math.sqrt(2.0 / math.pi) * k0[:, 0] * (2.0 - (2.0 + t) * np.exp(-0.5 * t))
    return (integral + below * sigma[0]) / kbar


def kbar_grid(kbar_max):
    n = int(round((math.log10(kbar_max) - math.log10(K_MIN)) * KBAR_PER_DECADE))
    return np.logspace(math.log10(K_MIN), math.log10(kbar_max), n + 1)


def wide_row(b):
    k, sigma = sigma_row(b, K_MAX)
    kbar = kbar_grid(KBAR_MAX_WIDE)
    return sigma, average_row(k, sigma, kbar)


def fine_row(b):
    """(P, Q, log10 R) at the k of ``k_grid(K_LOW_MAX)`` for one b (see the module doc)."""
    k = k_grid(K_LOW_MAX)
    sigma, (p, q) = ss.sigmaT_m2_batch(k / b, b, return_swave=True, **KNOBS)
    rest = sigma - ss.swave_sigma_m2(k / b, b, p, q)
    return p, q, np.log10(np.maximum(rest, 1e-12 * sigma))


def b_grid(low, high, per_decade):
    n = int(round((math.log10(high) - math.log10(low)) * per_decade))
    return np.logspace(math.log10(low), math.log10(high), n + 1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--quick", action="store_true", help="coarse grid (for testing the script)")
    parser.add_argument("--tiers", nargs="+", choices=("wide", "fine"), default=["wide", "fine"],
                        help="recompute only these tiers (the others are kept from --output)")
    args = parser.parse_args(argv)
    wide_per, fine_per = (3, 10) if args.quick else (WIDE_PER_DECADE, FINE_PER_DECADE)
    arrays = dict(np.load(args.output)) if set(args.tiers) != {"wide", "fine"} else {}
    start = time.time()
    with Pool(args.workers) as pool:
        if "wide" in args.tiers:
            b_wide = b_grid(1e-4, 1e4, wide_per)
            wide = pool.map(wide_row, b_wide, chunksize=1)
            arrays.update(
                wide_log10_b=np.log10(b_wide), wide_log10_k=np.log10(k_grid(K_MAX)),
                wide_log10_kbar=np.log10(kbar_grid(KBAR_MAX_WIDE)),
                wide_log10_sigma=np.log10([row[0] for row in wide]).astype(np.float32),
                wide_log10_avg=np.log10([row[1] for row in wide]).astype(np.float32),
                wide_seconds=time.time() - start)
            print(f"wide tier: {b_wide.size} rows in {time.time() - start:.0f} s", flush=True)
        if "fine" in args.tiers:
            begin = time.time()
            b_fine = b_grid(0.5, 1e4, fine_per)
            fine = pool.map(fine_row, b_fine, chunksize=4)
            arrays.update(
                fine_log10_b=np.log10(b_fine), fine_log10_k=np.log10(k_grid(K_LOW_MAX)),
                fine_P=np.array([row[0] for row in fine]),
                fine_Q=np.array([row[1] for row in fine]),
                fine_log10_R=np.array([row[2] for row in fine]).astype(np.float32),
                fine_seconds=time.time() - begin)
            print(f"fine tier: {b_fine.size} rows in {time.time() - begin:.0f} s", flush=True)
    arrays.pop("generation_seconds", None)
    arrays["workers"] = args.workers
    np.savez_compressed(args.output, **arrays)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
