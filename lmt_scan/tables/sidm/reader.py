"""Reading the σ_T table: σ_T·m_ϕ² and ⟨σ_T m_ϕ² k⟩/k̄ at arrays of (b, k) points.

Dimensionless (paper Eqs. 22–25 in the variables of ``lmt_scan.physics.self_scattering``):
b = α_X M1/m_ϕ, k = M1 v/(2 m_ϕ), k̄ the Maxwell–Boltzmann mean of k; σ_T·m_ϕ² returned.
Representations, by where a (b, k) node falls (``_sigma_nodes``):

* Born formula where ``born_applies`` (b ≤ 1e−4, or α_X/v < 1e−3 at k ≥ 1);
* ``pairs`` tier (b ∈ [5, 1200], k ≤ 6; :mod:`.pairs`): per wave ℓ < 22 the smooth pair of
  the regular solution, δ_ℓ from their ratio at the true k, so resonances in any of these
  waves are reconstructed rather than interpolated;
* ``fine`` tier (b ∈ [0.5, 1e4], k ≤ FINE_K_MAX, outside the pairs tier): the s-wave pair
  (P, Q) at the true k plus the interpolated rest R;
* ``wide`` tier (b ∈ [1e−4, 1e4], k ≤ 1500): interpolated log10 σ_T m²;
* the direct solver (or a rejection) outside.

Averages are one 48-node quadrature in ln(k/k̄) of the fixed-v nodes, with the pairs
and fine tiers fading linearly in ln k into the wide tier just below their upper k edge
(so moving k̄ moves no node across a jump).  Everything takes b as an array (one value
per model point) and k as (points, nodes): the scalar path is the one-point case.
"""
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.interpolate import RectBivariateSpline

from lmt_scan.physics import self_scattering as ss
from .pairs import load_pairs

TABLE_PATH = Path(__file__).resolve().parent / "sigmaT_table.npz"
B_MAX = 1e4
K_MIN = 1e-4
FINE_B_MIN = 0.5
FINE_K_MAX = 2.5        # the fine tier is used below this k (one cell inside its edge) ...
FINE_BLEND_K = 1.5      # averages fade from the fine to the wide tier over [1.5, 2.5]
PAIRS_BLEND_K = 4.0     # ... and from the pairs tier to the wide one over [4, 6]
K_TABLE_MAX = 1500.0    # the wide tier's k range (averages need nodes up to 5 k̄)
# Maxwell–Boltzmann average ⟨σ k⟩/k̄ = ∫ f(t) t² σ(k̄ t) d ln k, t = k/k̄, f with
# t₀ = √(π/8), needs t ∈ [1/500, 5] (outside, the weight is < 10⁻⁵ of the integral even
# for σ ∝ 1/k²).  It is a trapezoid on a FIXED grid in k per point (moving k̄ moves no
# node): 14 nodes per decade (as the former 48-node quadrature in t), and for b ≥
# DENSE_B_MIN, where ℓ ≥ 1 resonances 0.01–30 % wide sit at k ≈ 0.02–6, DENSE_PER_DECADE
# there, with intervals a resonance passes split further (REFINE_*; measured at b = 188,
# k̄ = 1.06: 48 nodes per average −5 %, 100 per decade −0.75 %, 50 per decade + splits
# 4e−4).  The density changes smoothly (tanh steps in ln k) and the trapezoid weights
# carry the Jacobian, so the rule stays spectrally accurate for smooth integrands.
T_RANGE = (1.0 / 500.0, 5.0)
COARSE_PER_DECADE = 14.0
DENSE_PER_DECADE = 50.0
DENSE_K = (0.02, 6.0)
DENSE_B_MIN = 5.0        # the pairs tier's rows
_T_NODES = np.logspace(math.log10(T_RANGE[0]), math.log10(T_RANGE[1]), 48)   # (tests)

UNRESOLVED_PEAK_DEX = 0.3
# Averages keep the fine tier's unresolved peaks in R above this k, drop them below
# (measured: 0.01 lets the b ≈ 17.7 p-wave peak in, +300 %; 0.2 loses area at b = 17.75,
# k̄ = 0.1, −9 %) — for b outside the pairs tier, which resolves such peaks
AVERAGE_RAW_K = 0.05


def without_unresolved_peaks(log_values, threshold=UNRESOLVED_PEAK_DEX):
    """``log_values`` (2-d, log10) with grid points that stand more than ``threshold``
    above the mean of both neighbours along either axis (local maxima) replaced by that mean.

    Such a point sits on a resonance narrower than the grid spacing (a Lorentzian sampled
    at its half width stands 0.3 dex above its neighbours).  Interpolating from it would
    spread the peak over two cells, while dropping it confines the error to the
    resonance's true width."""
    out = np.array(log_values, dtype=float)
    for axis in (0, 1):
        values = np.moveaxis(out, axis, 0)          # a view: edits land in ``out``
        mean = 0.5 * (values[:-2] + values[2:])
        middle = values[1:-1]
        peak = (middle - mean > threshold) & (middle > values[:-2]) & (middle > values[2:])
        middle[peak] = mean[peak]
    return out


@lru_cache(maxsize=None)
def load_table(path=TABLE_PATH):
    """Splines of the wide and fine tiers (read once, cached):
    {name: (spline, log10 b range, log10 k range)}, and "pairs": the pairs tier or None.

    Cubic for the smooth quantities, bilinear for the fine tier's rest term R; in R and in
    the wide tier's σ_T peaks narrower than the grid are dropped for fixed velocities
    (:func:`without_unresolved_peaks`); "sigma_raw" keeps them and "R_avg" keeps them above
    AVERAGE_RAW_K, for averages (which need the peaks' area)."""
    data = np.load(path)
    splines = {"pairs": load_pairs(path)}
    for name, tier, values, degree in (("sigma", "wide", "wide_log10_sigma", 3),
                                       ("P", "fine", "fine_P", 3), ("Q", "fine", "fine_Q", 3),
                                       ("R", "fine", "fine_log10_R", 1)):
        log_b, log_k = data[f"{tier}_log10_b"], data[f"{tier}_log10_k"]
        grid = data[values].astype(float)
        variants = {name: without_unresolved_peaks(grid) if name in ("sigma", "R") else grid}
        if name == "sigma":
            variants["sigma_raw"] = grid
        if name == "R":
            variants["R_avg"] = np.where(log_k < math.log10(AVERAGE_RAW_K), variants["R"], grid)
        for key, values_used in variants.items():
            spline = RectBivariateSpline(log_b, log_k, values_used, kx=degree, ky=degree)
            splines[key] = (spline, (log_b[0], log_b[-1]), (log_k[0], log_k[-1]))
    return splines


def _in_range(name, log_b, log_k):
    _, (b_lo, b_hi), (_, k_hi) = load_table()[name]
    return (log_b >= b_lo) & (log_b <= b_hi) & (log_k <= k_hi)


def _fade(k, low, high):
    """Weight of the upper representation, linear in ln k from 0 at ``low`` to 1 at ``high``."""
    return np.clip(np.log(k / low) / math.log(high / low), 0.0, 1.0)


def _sigma_nodes(b, k, average, allow_direct=True, angles=False):
    """σ_T m² at nodes ``k`` (n, m) of the n points ``b`` (n,).

    ``average``: the nodes of a velocity average — the pairs and fine tiers fade into the
    wide tier near their upper k edge and unresolved peaks keep their area; otherwise the
    pairs tier is used up to its last node and the fine tier up to FINE_K_MAX.  Nodes
    outside every tier are solved directly, or are NaN with ``allow_direct=False``.
    ``angles``: also the pairs tier's φ_ℓ (n, m, L; NaN at nodes outside that tier)."""
    splines = load_table()
    bb = np.broadcast_to(b[:, None], k.shape)
    log_b, log_k = np.log10(bb), np.log10(np.maximum(k, K_MIN))
    out = np.full(k.shape, np.nan)
    upper = np.zeros(k.shape)            # weight of the wide tier where a tier fades into it
    born = ss.born_applies(k / bb, bb)
    out[born] = ss.sigmaT_born_m2(k[born] / bb[born], bb[born])
    pairs = splines["pairs"]
    in_pairs = np.zeros(k.shape, dtype=bool)
    phi = np.full(k.shape + (pairs.waves,), np.nan) if angles and pairs is not None else None
    if pairs is not None:
        rows = pairs.contains_b(b)
        in_pairs[rows] = ~born[rows] & (k[rows] <= pairs.k_max)
        if in_pairs.any():
            points = np.flatnonzero(in_pairs.any(axis=1))
            values = pairs.sigma_m2(b[points], np.minimum(k[points], pairs.k_max), angles)
            if angles:
                values, phi[points] = values
                phi[~in_pairs] = np.nan
            out[points] = np.where(in_pairs[points], values, out[points])
            if average:
                upper[in_pairs] = _fade(k[in_pairs], PAIRS_BLEND_K, pairs.k_max)
    fine = (~born & ~in_pairs & (k <= FINE_K_MAX) & _in_range("P", log_b, log_k))
    if fine.any():
        rest = "R_avg" if average else "R"
        p, q, r = (splines[name][0].ev(log_b[fine], log_k[fine]) for name in ("P", "Q", rest))
        out[fine] = ss.swave_sigma_m2(k[fine] / bb[fine], bb[fine], p, q) + 10.0 ** r
        if average:
            upper[fine] = _fade(k[fine], FINE_BLEND_K, FINE_K_MAX)
    wide = ~born & ((upper > 0) | np.isnan(out)) & _in_range("sigma", log_b, log_k)
    if wide.any():
        name = "sigma_raw" if average else "sigma"
        sigma_wide = 10.0 ** splines[name][0].ev(log_b[wide], log_k[wide])
        weight = np.where(np.isnan(out[wide]), 1.0, upper[wide])
        out[wide] = weight * sigma_wide + (1.0 - weight) * np.nan_to_num(out[wide])
    for i, j in zip(*np.nonzero(np.isnan(out))):
        if bb[i, j] <= ss.B_BORN:
            out[i, j] = ss.sigmaT_born_m2(k[i, j] / bb[i, j], bb[i, j])
        elif allow_direct:
            out[i, j] = ss.sigmaT_m2(k[i, j] / bb[i, j], bb[i, j])
    return (out, phi) if angles else out


# Resonances narrower than the average grid: where some wave's φ_ℓ moves by more than
# REFINE_JUMP between neighbouring nodes, the interval is split into REFINE_SPLIT, down to
# REFINE_LEVELS times (node spacing 2.3 % → 0.3 % → 0.04 % → 0.004 % in k).  It depends on
# the fixed nodes only, never on k̄.
REFINE_JUMP = 0.15
REFINE_SPLIT = 8
REFINE_LEVELS = 3


def _jumps(phi):
    """max over waves of |φ_ℓ(next node) − φ_ℓ(node)| wrapped to (−π, π]: (..., m−1)."""
    step = np.diff(phi, axis=-2)
    return np.nanmax(np.abs((step + math.pi) % (2.0 * math.pi) - math.pi), axis=-1,
                     initial=0.0) if step.size else np.zeros(phi.shape[:-2] + (0,))


def _own_nodes(ln_k, kbar):
    """[first, last) node indices of the grid ``ln_k`` each average k̄ (array) sums over."""
    first = np.maximum(np.searchsorted(ln_k, np.log(kbar * T_RANGE[0])) - 1, 0)
    last = np.minimum(np.searchsorted(ln_k, np.log(kbar * T_RANGE[1])) + 1, ln_k.size)
    return np.stack([first, last], axis=-1)


def _refinement(b, ln_k, sigma, phi, kbar, own):
    """Correction to the trapezoid ⟨σ_T m² k⟩/k̄ (at ``kbar`` (m,)) of one point ``b`` on
    nodes ``ln_k`` with values ``sigma`` and angles ``phi``: intervals where a resonance
    passes (:data:`REFINE_JUMP`) get the difference between the trapezoid on their split
    and on themselves, recursively (:data:`REFINE_LEVELS`); average j counts only the
    intervals inside its own nodes ``own[j]`` = [first, last)."""
    mode = ss.mean_to_mode_scale(kbar)[:, None]

    def integrand(x, values):          # f(k) k²/k̄ σ on nodes x (ln k): (m, nodes)
        k = np.exp(x)
        return ss.maxwell_boltzmann(k, mode) * k * k / kbar[:, None] * values
    correction = np.zeros(kbar.size)
    pairs = load_table()["pairs"]
    with np.errstate(invalid="ignore"):
        # below PAIRS_BLEND_K: nodes in the pairs tier alone (the split nodes too)
        flagged = np.flatnonzero((_jumps(phi) > REFINE_JUMP) & (ln_k[1:] <= math.log(PAIRS_BLEND_K)))
    base = flagged                     # the grid interval each (sub)interval lies in
    counts = (base >= own[:, :1]) & (base + 1 < own[:, 1:])            # (m, J)
    left, right = ln_k[flagged], ln_k[flagged + 1]
    g_left, g_right = integrand(left, sigma[flagged]), integrand(right, sigma[flagged + 1])
    phi_left, phi_right = phi[flagged], phi[flagged + 1]
    for _ in range(REFINE_LEVELS):
        if not left.size:
            break
        fraction = np.arange(1, REFINE_SPLIT) / REFINE_SPLIT
        inner = left[:, None] + (right - left)[:, None] * fraction        # (J, split − 1)
        values, angles = pairs.sigma_m2(np.array([b]), np.exp(inner.reshape(1, -1)), True)
        g_inner = integrand(inner.reshape(-1), values[0]).reshape(kbar.size, *inner.shape)
        width = (right - left) / REFINE_SPLIT
        correction += np.sum(counts * (width * (g_inner.sum(axis=2) + 0.5 * (g_left + g_right))
                                       - 0.5 * (right - left) * (g_left + g_right)), axis=1)
        # the next level: sub-intervals of these where φ still jumps
        x = np.concatenate([left[:, None], inner, right[:, None]], axis=1)
        g = np.concatenate([g_left[..., None], g_inner, g_right[..., None]], axis=2)
        ang = np.concatenate([phi_left[:, None], angles[0].reshape(*inner.shape, -1),
                              phi_right[:, None]], axis=1)
        with np.errstate(invalid="ignore"):
            interval, sub = np.nonzero(_jumps(ang) > REFINE_JUMP)
        left, right = x[interval, sub], x[interval, sub + 1]
        counts = counts[:, interval]
        g_left, g_right = g[:, interval, sub], g[:, interval, sub + 1]
        phi_left, phi_right = ang[interval, sub], ang[interval, sub + 1]
    return correction


def _average_grid(k_low, k_high, dense):
    """(ln k nodes, d ln k per node) from k_low to k_high: COARSE_PER_DECADE nodes per
    decade, rising smoothly to DENSE_PER_DECADE over DENSE_K if ``dense``."""
    coarse, fine = math.log(10.0) / COARSE_PER_DECADE, math.log(10.0) / DENSE_PER_DECADE
    edges = np.log(DENSE_K)

    def step(x):                   # d ln k / ds, s the node index
        if not dense:
            return coarse
        window = 0.5 * (math.tanh((x - edges[0]) / 0.5) - math.tanh((x - edges[1]) / 0.5))
        return coarse - (coarse - fine) * window
    nodes, x = [], math.log(k_low)
    while x <= math.log(k_high):
        nodes.append(x)
        for _ in range(8):           # RK4 for dx/ds = step(x) over one s unit (8 substeps)
            h = 0.125
            k1 = step(x)
            k2 = step(x + 0.5 * h * k1)
            k3 = step(x + 0.5 * h * k2)
            k4 = step(x + h * k3)
            x += h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    nodes = np.array(nodes)
    return nodes, np.array([step(x) for x in nodes])


# one global grid per kind, from the lowest k̄/500 to the highest 5 k̄ of the table
_GRIDS = {dense: _average_grid(K_MIN * T_RANGE[0], K_TABLE_MAX, dense) for dense in (False, True)}


def sigma_points(b, k, allow_direct=True):
    """σ_T m² at velocities ``k`` (n, m) of the n points ``b`` (n,); NaN outside the table
    with ``allow_direct=False``."""
    b = np.asarray(b, dtype=float).reshape(-1)
    k = np.asarray(k, dtype=float).reshape(b.size, -1)
    return _sigma_nodes(b, k, average=False, allow_direct=allow_direct)


def average_points(b, kbar, allow_direct=True):
    """⟨σ_T m² k⟩/k̄ (Maxwell–Boltzmann, mean k̄) at ``kbar`` (n, m) of the points ``b`` (n,):
    a trapezoid of the fixed-velocity nodes on the point's fixed grid in k (module
    comment at T_RANGE); averages whose nodes leave the table (b > B_MAX or
    5 k̄ > K_TABLE_MAX) are integrated by the direct solver, or NaN with
    ``allow_direct=False``."""
    b = np.asarray(b, dtype=float).reshape(-1)
    kbar = np.asarray(kbar, dtype=float).reshape(b.size, -1)
    out = np.full(kbar.shape, np.nan)
    inside = (b[:, None] <= B_MAX) & (kbar * T_RANGE[1] <= K_TABLE_MAX) & (kbar > 0)
    for dense in (False, True):
        rows = np.flatnonzero(((b >= DENSE_B_MIN) == dense) & inside.any(axis=1))
        if not rows.size:
            continue
        ln_k, d_ln_k = _GRIDS[dense]
        # the nodes any of these averages needs: one contiguous slice of the grid
        k_low = np.min(np.where(inside[rows], kbar[rows], np.inf)) * T_RANGE[0]
        k_high = np.max(np.where(inside[rows], kbar[rows], 0.0)) * T_RANGE[1]
        first = max(0, int(np.searchsorted(ln_k, math.log(k_low))) - 1)
        last = min(ln_k.size, int(np.searchsorted(ln_k, math.log(k_high))) + 1)
        k = np.exp(ln_k[first:last])
        # resonance refinement where the pairs tier is read (its rows are the dense ones)
        values = _sigma_nodes(b[rows], np.broadcast_to(k, (rows.size, k.size)),
                              average=True, allow_direct=False, angles=dense)
        sigma, phi = values if dense else (values, None)
        mean = np.where(inside[rows], kbar[rows], 1.0)[..., None]     # (n, m, 1)
        weight = (ss.maxwell_boltzmann(k, ss.mean_to_mode_scale(mean)) * k * k / mean
                  * d_ln_k[first:last])
        # each average sums over its own nodes [k̄/500, 5k̄] only (indices relative to the
        # slice), so grouping averages into points or batches never changes a value
        own = _own_nodes(ln_k, mean[..., 0]) - first                   # (n, m, 2)
        index = np.arange(last - first)
        weight *= (index >= own[..., :1]) & (index < own[..., 1:])
        out[rows] = np.einsum("nmj,nj->nm", weight, sigma)
        if phi is not None:
            for i, row in enumerate(rows):
                if inside[row].any() and not np.isnan(phi[i]).all():
                    out[row] += _refinement(b[row], ln_k[first:last], sigma[i], phi[i],
                                            mean[i, :, 0], own[i])
    outside = ~inside | np.isnan(out)
    for i, j in zip(*np.nonzero(outside)):
        if b[i] <= ss.B_BORN:
            out[i, j] = ss.velocity_average_m2(kbar[i, j], b[i], ss.sigmaT_born_m2)
        else:
            out[i, j] = ss.velocity_average_m2(kbar[i, j], b[i]) if allow_direct else np.nan
    return out
