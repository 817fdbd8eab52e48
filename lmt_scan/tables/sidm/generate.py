"""Regenerate the σ_T table of ``lmt_scan.tables.sidm`` (run: python -m lmt_scan.tables.sidm.generate).

Tabulates the dimensionless problem of :mod:`lmt_scan.physics.self_scattering`:
σ_T·m_ϕ² as a function of (b = α_X M1/m_ϕ, k = a·b = M1 v/(2 m_ϕ)), and its Maxwell–
Boltzmann average ⟨σ_T m_ϕ² k⟩/k̄ as a function of (b, k̄) with k̄ the mean of k
(the distribution of relative velocities of ``velocity_average``).

Three grids ("tiers"), all rectilinear in (log10 b, log10 k):

* ``wide``: log10 b ∈ [−4, 4] at WIDE_PER_DECADE rows per decade, k ∈ [1e−4, 1500]:
  log10 σ_T m² and log10 of the average (k̄ ∈ [1e−4, 300]);
* ``fine``: log10 b ∈ [log10 0.5, 4] at FINE_PER_DECADE rows per decade, and above
  b ≈ 28 at FINE_SQRT_SCALE·√(b/1000) rows per decade (``fine_b_grid``), k ∈ [1e−4, 3],
  where zero-energy s-wave resonances are narrow (relative width in b ≈ 2.4 k): the
  s-wave pair (P, Q) = (a N cos δ₀, N sin δ₀) of the solution normalised at the origin,
  which is smooth through the resonances (tan δ₀ = aQ/P), and log10 of the rest
  R = σ_T m² − π sin²δ₀/k² (floored at 10⁻¹² σ_T m²; the s–d interference can make it
  negative but then |R| < 10⁻⁶ σ_T).  Averages are taken on the fly from this tier.

* ``pairs``: log10 b ∈ [log10 5, log10 1200] (PAIR_PER_DECADE rows per decade, denser ∝ √b
  as the fine tier's but half as many), k ∈ [1e−3, 6] (PAIR_K_SEGMENTS): per partial wave
  ℓ < PAIR_WAVES the smooth pair (P_ℓ, Q̃_ℓ) of the solution regular at the origin
  (``phase_shifts_numeric(pairs=…)``), smooth through the ℓ ≥ 1 resonances that the other
  tiers cannot resolve, and the signed rest R of the higher waves (``pair_row``).

Each row (one b) solves all its k ≤ 3 at once on a shared grid (``sigmaT_m2_batch``),
larger k in small batches up to K_SEMICLASSICAL, and semi-classically above.  The wide
tier's averages are integrated over the row's log-k samples, for b ≥ AVERAGE_DENSE_B
with AVERAGE_K_PER_DECADE extra samples where ℓ ≥ 1 resonances are narrow.  Runtime
with ``--workers 2``: see README.md beside the table.
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
# The s-wave pair (P, Q) oscillates once per two bound states, and the potential holds
# ≈ √(b/1.7) of them: its period in ln b shrinks ∝ 1/√b.  1200 rows per decade at
# b = 1000 keep the k < 0.1 interpolation error's 95th percentile at ~3e-3 there
# (measured with 250–4000 rows per decade).
FINE_SQRT_SCALE = 1200
K_PER_DECADE_LOW = 24      # k ≤ 1 (one shared-grid batch, cheap)
K_PER_DECADE_HIGH = 12     # k > 1
# K_MAX: M1 v/(2m_ϕ) = 500 at M1 = 100 GeV, m_ϕ = 1 MeV, v = 3000 km/s
K_MIN, K_LOW_MAX, K_MAX = 1e-4, 3.0, 1500.0
KBAR_PER_DECADE = 12
KBAR_MAX_WIDE = 300.0      # MB average needs k up to ≈ 5 k̄ ≤ K_MAX
# Rows with b ≥ AVERAGE_DENSE_B have ℓ ≥ 1 resonances narrower than the stored k grid:
# their averages also use AVERAGE_K_PER_DECADE samples over k ∈ [0.03, 20].
AVERAGE_DENSE_B = 30.0
AVERAGE_K_PER_DECADE = 96
# ``pairs`` tier (resonant region): the smooth pairs (P_ℓ, Q_ℓ) of ℓ < PAIR_WAVES for
# b ∈ [PAIR_B_MIN, PAIR_B_MAX] and k ∈ [PAIR_K_MIN, PAIR_K_MAX] (below PAIR_K_MIN the
# pairs are constant to O(k²) ≤ 1e−6), rows as dense as the fine tier's
# (measured: with half the fine tier's rows per decade the pairs interpolate in b to ≤ 1.5e−4
# in σ_T; above k = 0.3 the pairs of waves near the barrier top vary fast in k: 48 per decade)
PAIR_WAVES = 22
PAIR_B_MIN, PAIR_B_MAX = 5.0, 1200.0
PAIR_PER_DECADE, PAIR_SQRT_SCALE = 100, 600
PAIR_K_SEGMENTS = ((1e-3, 0.3, 24), (0.3, 1.5, 48), (1.5, 6.0, 64))   # (from, to, per decade)
PAIR_K_MIN, PAIR_K_MAX = PAIR_K_SEGMENTS[0][0], PAIR_K_SEGMENTS[-1][1]
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


def sigma_row(b, k):
    """σ_T m_ϕ² at increasing ``k`` (array) for one b."""
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
    return out


def average_row(k, sigma, kbar):
    """⟨σ_T m_ϕ² k⟩/k̄ for each k̄ from samples at increasing k (trapezoid in ln k);
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
    """log-grid σ_T m² (at ``k_grid(K_MAX)``) and averages (at ``kbar_grid``) for one b."""
    k = k_grid(K_MAX)
    sigma = sigma_row(b, k)
    k_avg, sigma_avg = k, sigma
    if b >= AVERAGE_DENSE_B:
        extra = np.logspace(math.log10(0.03), math.log10(ss.K_SEMICLASSICAL),
                            int(math.log10(ss.K_SEMICLASSICAL / 0.03) * AVERAGE_K_PER_DECADE))
        k_avg = np.concatenate([k, extra])
        order = np.argsort(k_avg, kind="stable")
        k_avg, sigma_avg = k_avg[order], np.concatenate([sigma, sigma_row(b, extra)])[order]
    return sigma, average_row(k_avg, sigma_avg, kbar_grid(KBAR_MAX_WIDE))


def fine_row(b):
    """(P, Q, log10 R) at the k of ``k_grid(K_LOW_MAX)`` for one b (see the module doc)."""
    k = k_grid(K_LOW_MAX)
    sigma, (p, q) = ss.sigmaT_m2_batch(k / b, b, return_swave=True, **KNOBS)
    rest = sigma - ss.swave_sigma_m2(k / b, b, p, q)
    return p, q, np.log10(np.maximum(rest, 1e-12 * sigma))


def pair_k_grid():
    """k of the pairs tier: log-spaced segments PAIR_K_SEGMENTS (denser at higher k)."""
    parts = []
    for i, (low, high, per) in enumerate(PAIR_K_SEGMENTS):
        n = int(round(math.log10(high / low) * per))
        parts.append(np.logspace(math.log10(low), math.log10(high), n + 1)[(1 if i else 0):])
    return np.concatenate(parts)


def pair_row(b, k=None):
    """(P_ℓ, Q̃_ℓ = Q_ℓ((1+k)/b)^{2ℓ+1}, R) at ``pair_k_grid()`` for one b, ℓ < PAIR_WAVES:
    tan δ_ℓ = (k/(1+k))^{2ℓ+1}·Q̃_ℓ/P_ℓ, and R = σ_T m² − (σ_T m² of these waves alone),
    the rest (waves ℓ ≥ PAIR_WAVES and their interference with the others; negative where
    that interference is destructive, up to −14 % of σ_T at k = 6, b = 500)."""
    k = pair_k_grid() if k is None else k
    ell = np.arange(PAIR_WAVES)
    p, q = np.empty((k.size, PAIR_WAVES)), np.empty((k.size, PAIR_WAVES))
    sigma = np.empty(k.size)
    own = np.empty(k.size)
    low = np.flatnonzero(k <= K_LOW_MAX)
    high = np.flatnonzero(k > K_LOW_MAX)
    for chunk in (low, high):     # k ≤ 3 on one grid, 3 < k ≤ 6 on another
        if not chunk.size:
            continue
        a = k[chunk] / b
        counts, borns = zip(*(ss.partial_wave_count(ai, b) for ai in a))
        delta, solved, _, (pc, qc) = ss.phase_shifts_numeric(a, b, max(counts) - 1,
                                                           pairs=PAIR_WAVES, **KNOBS)
        p[chunk], q[chunk] = pc, qc
        for i, j in enumerate(chunk):
            full = np.where(solved[i, :counts[i]], delta[i, :counts[i]], borns[i])
            sigma[j] = ss.sigmaT_k2_from_phases(full) / k[j] ** 2
            own[j] = ss.sigmaT_k2_from_phases(full[:PAIR_WAVES]) / k[j] ** 2
    rest = sigma - own
    # tan δ_ℓ = t_ℓ(k)·Q̃/P with t_ℓ = (k/(1+k))^{2ℓ+1}: the threshold law k^{2ℓ+1} at k ≪ 1
    # without its growth at k > 1 (there tan δ_ℓ ~ e^{−(ℓ+½)/k}: Q/k^{2ℓ+1} would fall
    # ∝ k^{−2ℓ−1} and not interpolate in log k)
    q_tilde = q * ((1.0 + k[:, None]) / b) ** (2 * ell + 1)
    return p, q_tilde, rest


def b_grid(low, high, per_decade):
    n = int(round((math.log10(high) - math.log10(low)) * per_decade))
    return np.logspace(math.log10(low), math.log10(high), n + 1)


def fine_b_grid(low, high, per_decade, sqrt_scale):
    """b from ``low`` to ``high`` with max(per_decade, sqrt_scale·√(b/1000)) points per
    decade: uniform in log b at small b, denser ∝ √b where the bound states crowd."""
    log_b, log_high = [math.log10(low)], math.log10(high)
    while True:
        step = 1.0 / max(per_decade, sqrt_scale * math.sqrt(10.0 ** (log_b[-1] - 3.0)))
        if log_b[-1] + 1.5 * step >= log_high:
            break
        log_b.append(log_b[-1] + step)
    return 10.0 ** np.array(log_b + [log_high])


def _map_with_progress(pool, function, rows, chunksize, label):
    """``pool.map`` that prints the share of rows done (every 10 %) and the time so far."""
    start, results, reported = time.time(), [], 0
    for result in pool.imap(function, rows, chunksize=chunksize):
        results.append(result)
        if 10 * len(results) // len(rows) > reported:
            reported = 10 * len(results) // len(rows)
            print(f"{label}: {len(results)}/{len(rows)} rows, {time.time() - start:.0f} s",
                  flush=True)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--quick", action="store_true", help="coarse grid (for testing the script)")
    parser.add_argument("--tiers", nargs="+", choices=("wide", "fine", "pairs"),
                        default=["wide", "fine", "pairs"],
                        help="recompute only these tiers (the others are kept from --output)")
    args = parser.parse_args(argv)
    wide_per, fine_per, fine_sqrt = ((3, 10, 0.0) if args.quick else
                                     (WIDE_PER_DECADE, FINE_PER_DECADE, FINE_SQRT_SCALE))
    arrays = dict(np.load(args.output)) if set(args.tiers) != {"wide", "fine", "pairs"} else {}
    start = time.time()
    with Pool(args.workers) as pool:
        if "wide" in args.tiers:
            b_wide = b_grid(1e-4, 1e4, wide_per)
            wide = _map_with_progress(pool, wide_row, b_wide, 1, "wide tier")
            arrays.update(
                wide_log10_b=np.log10(b_wide), wide_log10_k=np.log10(k_grid(K_MAX)),
                wide_log10_kbar=np.log10(kbar_grid(KBAR_MAX_WIDE)),
                wide_log10_sigma=np.log10([row[0] for row in wide]).astype(np.float32),
                wide_log10_avg=np.log10([row[1] for row in wide]).astype(np.float32),
                wide_seconds=time.time() - start)
            print(f"wide tier: {b_wide.size} rows in {time.time() - start:.0f} s", flush=True)
        if "fine" in args.tiers:
            begin = time.time()
            b_fine = fine_b_grid(0.5, 1e4, fine_per, fine_sqrt)
            fine = _map_with_progress(pool, fine_row, b_fine, 4, "fine tier")
            arrays.update(
                fine_log10_b=np.log10(b_fine), fine_log10_k=np.log10(k_grid(K_LOW_MAX)),
                # float32: 6e-8 relative moves a resonance by ≪ its width
                fine_P=np.array([row[0] for row in fine]).astype(np.float32),
                fine_Q=np.array([row[1] for row in fine]).astype(np.float32),
                fine_log10_R=np.array([row[2] for row in fine]).astype(np.float32),
                fine_seconds=time.time() - begin)
            print(f"fine tier: {b_fine.size} rows in {time.time() - begin:.0f} s", flush=True)
        if "pairs" in args.tiers:
            begin = time.time()
            b_pairs = fine_b_grid(PAIR_B_MIN, PAIR_B_MAX,
                                  *((5, 0.0) if args.quick else (PAIR_PER_DECADE, PAIR_SQRT_SCALE)))
            rows = _map_with_progress(pool, pair_row, b_pairs, 2, "pairs tier")
            p, q = (np.array([row[i] for row in rows]) for i in (0, 1))   # (b, k, ℓ)
            # float32 mantissas with a power of 2 per (row, ℓ): the pairs span 1e−40…1
            # across rows and waves; a common factor of P and Q̃ leaves tan δ unchanged, and
            # the reader rescales the rows it interpolates between to one exponent
            exponent = np.floor(np.log2(np.maximum(np.abs(p), np.abs(q)).max(axis=1)))
            scale = 2.0 ** -exponent[:, None, :]
            arrays.update(
                pairs_log10_b=np.log10(b_pairs), pairs_log10_k=np.log10(pair_k_grid()),
                # float32: 6e-8 relative moves a resonance by ≪ its width
                pairs_P=(p * scale).astype(np.float32), pairs_Q=(q * scale).astype(np.float32),
                pairs_exponent=exponent.astype(np.int16),
                pairs_R=np.array([row[2] for row in rows]).astype(np.float32),
                pairs_seconds=time.time() - begin)
            print(f"pairs tier: {b_pairs.size} rows in {time.time() - begin:.0f} s", flush=True)
    arrays.pop("generation_seconds", None)
    arrays["workers"] = args.workers
    np.savez_compressed(args.output, **arrays)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
