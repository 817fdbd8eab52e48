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
# Maxwell–Boltzmann quadrature in t = k/k̄ (trapezoid in ln t over [1/500, 5], 48 nodes):
# ⟨σ k⟩/k̄ = ∫ f(t) t σ(k̄ t) dt, f with t₀ = √(π/8); outside, the weight is < 10⁻⁵
# of the integral even for σ ∝ 1/k².
_T_NODES = np.logspace(math.log10(1.0 / 500.0), math.log10(5.0), 48)
_T_WEIGHTS = (ss.maxwell_boltzmann(_T_NODES, ss.mean_to_mode_scale(1.0)) * _T_NODES ** 2
              * math.log(_T_NODES[1] / _T_NODES[0]) * np.r_[0.5, np.ones(_T_NODES.size - 2), 0.5])

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


def _sigma_nodes(b, k, average, allow_direct=True):
    """σ_T m² at nodes ``k`` (n, m) of the n points ``b`` (n,).

    ``average``: the nodes of a velocity average — the pairs and fine tiers fade into the
    wide tier near their upper k edge and unresolved peaks keep their area; otherwise the
    pairs tier is used up to its last node and the fine tier up to FINE_K_MAX.  Nodes
    outside every tier are solved directly, or are NaN with ``allow_direct=False``."""
    splines = load_table()
    bb = np.broadcast_to(b[:, None], k.shape)
    log_b, log_k = np.log10(bb), np.log10(np.maximum(k, K_MIN))
    out = np.full(k.shape, np.nan)
    upper = np.zeros(k.shape)            # weight of the wide tier where a tier fades into it
    born = ss.born_applies(k / bb, bb)
    out[born] = ss.sigmaT_born_m2(k[born] / bb[born], bb[born])
    pairs = splines["pairs"]
    in_pairs = np.zeros(k.shape, dtype=bool)
    if pairs is not None:
        rows = pairs.contains_b(b)
        in_pairs[rows] = ~born[rows] & (k[rows] <= pairs.k_max)
        if in_pairs.any():
            points = np.flatnonzero(in_pairs.any(axis=1))
            values = pairs.sigma_m2(b[points], np.minimum(k[points], pairs.k_max))
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
    return out


def sigma_points(b, k, allow_direct=True):
    """σ_T m² at velocities ``k`` (n, m) of the n points ``b`` (n,); NaN outside the table
    with ``allow_direct=False``."""
    b = np.asarray(b, dtype=float).reshape(-1)
    k = np.asarray(k, dtype=float).reshape(b.size, -1)
    return _sigma_nodes(b, k, average=False, allow_direct=allow_direct)


def average_points(b, kbar, allow_direct=True):
    """⟨σ_T m² k⟩/k̄ (Maxwell–Boltzmann, mean k̄) at ``kbar`` (n, m) of the points ``b`` (n,):
    one quadrature (_T_NODES, _T_WEIGHTS) of the fixed-velocity nodes; averages whose
    nodes leave the table (b > B_MAX or 5 k̄ > K_TABLE_MAX) are integrated by the direct
    solver, or NaN with ``allow_direct=False``."""
    b = np.asarray(b, dtype=float).reshape(-1)
    kbar = np.asarray(kbar, dtype=float).reshape(b.size, -1)
    nodes = (kbar[..., None] * _T_NODES).reshape(b.size, -1)
    sigma = _sigma_nodes(b, nodes, average=True, allow_direct=False)
    out = sigma.reshape(kbar.shape + (_T_NODES.size,)) @ _T_WEIGHTS
    outside = (b[:, None] > B_MAX) | (kbar * _T_NODES[-1] > K_TABLE_MAX) | np.isnan(out)
    for i, j in zip(*np.nonzero(outside)):
        if b[i] <= ss.B_BORN:
            out[i, j] = ss.velocity_average_m2(kbar[i, j], b[i], ss.sigmaT_born_m2)
        else:
            out[i, j] = ss.velocity_average_m2(kbar[i, j], b[i]) if allow_direct else np.nan
    return out
