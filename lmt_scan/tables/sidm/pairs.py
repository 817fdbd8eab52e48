"""σ_T from the table's ``pairs`` tier: per partial wave the smooth pair of the solution
regular at the origin (``generate.pair_row``), interpolated, with δ_ℓ from their ratio
at the true k — resonances are reconstructed, not interpolated (issue 12).

Stored per (b row, k node, ℓ < L): P_ℓ and Q̃_ℓ as float32 mantissas with a power of 2 per
(row, ℓ) (``pairs_exponent``), tan δ_ℓ = (k/(1+k))^{2ℓ+1} Q̃_ℓ/P_ℓ, and the rest R (signed:
waves ℓ ≥ L and their interference with the others).  Interpolation: 4-point Lagrange
in log10 b and log10 k (local cubic; the rows a point uses are first brought to one
exponent), the same for R.  Below the lowest k node the pairs are held (they are
constant to O(k²) there) while t_ℓ(k) is taken at the true k: the exact k → 0 limit.
Everything works on arrays of (b, k) points of any b (the batched path) in chunks.
Units: b = α_X M1/m_ϕ and k = M1 v/(2 m_ϕ) dimensionless; σ_T·m_ϕ² returned.
"""
from functools import lru_cache

import numpy as np

from lmt_scan.physics import self_scattering as ss

CHUNK = 4096          # nodes per gather, and at most POINTS_PER_CHUNK b values (each
POINTS_PER_CHUNK = 256   # combines its 4 rows into a (k, 2L+1) slice: ≈ 48 kB)


class PairsTier:
    """The pairs tier of one table file (arrays converted for fast gathers)."""

    def __init__(self, data):
        self.log_b = data["pairs_log10_b"].astype(float)
        self.log_k = data["pairs_log10_k"].astype(float)
        # (b, k, 2L + 1): P_ℓ, Q̃_ℓ and R in the last slot — one gather for all (R, a
        # σ_T m² itself, gets exponent 0)
        waves = data["pairs_P"].shape[2]
        self.table = np.zeros(data["pairs_P"].shape[:2] + (2 * waves + 1,))
        self.table[..., :waves] = data["pairs_P"]
        self.table[..., waves:2 * waves] = data["pairs_Q"]
        self.table[..., -1] = data["pairs_R"]
        exponent = data["pairs_exponent"].astype(float)                  # (b, ℓ)
        self.exponent = np.concatenate([exponent, exponent, np.zeros((exponent.shape[0], 1))],
                                       axis=1)
        self.waves = waves
        self.form = ss.identical_fermion_form(waves - 1)
        self.two_l1 = 2.0 * np.arange(waves) + 1.0
        self.b_denominators = lagrange_denominators(self.log_b)
        self.k_denominators = lagrange_denominators(self.log_k)
        self.b_range = (10.0 ** self.log_b[0], 10.0 ** self.log_b[-1])
        self.k_max = 10.0 ** self.log_k[-1]
        self._last = None           # (b, its interpolated rows): see _at_b

    def contains_b(self, b):
        """Mask of b (array) inside the tier's rows."""
        return (b >= self.b_range[0]) & (b <= self.b_range[1])

    def sigma_m2(self, b, k, angles=False):
        """σ_T·m_ϕ² at ``k`` (n, m) for the n values ``b`` (n,) inside the tier's rows
        (k beyond the last node is clipped to it: callers use k ≤ k_max); with ``angles``
        also φ_ℓ = atan2(t_ℓ Q̃_ℓ, P_ℓ) (n, m, L), which moves by ≈ π across a resonance of
        wave ℓ however narrow (δ_ℓ = φ_ℓ mod π)."""
        out = np.empty(k.shape)
        phi = np.empty(k.shape + (self.waves,)) if angles else None
        step = max(1, min(POINTS_PER_CHUNK, CHUNK // max(1, k.shape[1])))
        for start in range(0, b.size, step):
            part = slice(start, start + step)
            values = self._chunk(b[part], k[part], angles)
            out[part] = values[0]
            if angles:
                phi[part] = values[1]
        return (out, phi) if angles else out

    def _at_b(self, b):
        """The table interpolated to the values ``b`` (n,): (n, k nodes, 2L+1); the last
        single b is remembered (an average asks for one point's b several times)."""
        if b.size == 1 and self._last is not None and self._last[0] == b[0]:
            return self._last[1]
        ib, wb = lagrange_weights(self.log_b, np.log10(b), self.b_denominators)
        rows = ib[:, None] + np.arange(4)                                 # (n, 4)
        exponent = self.exponent[rows]                                   # (n, 4, 2L+1)
        # bring the 4 rows to one power of 2 per wave, then combine them
        weight = wb[:, :, None] * np.exp2(exponent - exponent.max(axis=1, keepdims=True))
        at_b = np.einsum("nic,nikc->nkc", weight, self.table[rows])
        if b.size == 1:
            self._last = (float(b[0]), at_b)
        return at_b

    def _chunk(self, b, k, angles):
        at_b = self._at_b(b)
        ik, wk = lagrange_weights(self.log_k, np.log10(np.maximum(k, 10.0 ** self.log_k[0])),
                                  self.k_denominators)
        cols = ik[..., None] + np.arange(4)                               # (n, m, 4)
        cells = at_b[np.arange(b.size)[:, None, None], cols]              # (n, m, 4, 2L+1)
        values = np.einsum("nmj,nmjc->nmc", wk, cells)                    # (n, m, 2L+1)
        p, q = values[..., :self.waves], values[..., self.waves:2 * self.waves]
        q = q * (k / (1.0 + k))[..., None] ** self.two_l1                  # t_ℓ(k) Q̃_ℓ
        own = ss.sigmaT_k2_few_waves(None, self.form, ratio=(p, q))
        return own / (k * k) + values[..., -1], (np.arctan2(q, p) if angles else None)


def lagrange_weights(grid, x, denominators=None):
    """First index i and weights (..., 4) of 4-point Lagrange interpolation on the
    increasing ``grid`` at ``x`` (array; clipped to the grid, one-sided at its edges);
    ``denominators``: :func:`lagrange_denominators` of the grid (precomputed, faster)."""
    # minimum/maximum: what np.clip computes, without its Python wrapper (hot path)
    x = np.minimum(np.maximum(x, grid[0]), grid[-1])
    i = np.minimum(np.maximum(np.searchsorted(grid, x) - 2, 0), grid.size - 4)
    if denominators is None:
        denominators = lagrange_denominators(grid)
    diff = x[..., None] - grid[i[..., None] + np.arange(4)]                  # (..., 4)
    d0, d1, d2, d3 = diff[..., 0], diff[..., 1], diff[..., 2], diff[..., 3]
    d01, d23 = d0 * d1, d2 * d3
    diff[..., 0], diff[..., 1], diff[..., 2], diff[..., 3] = (d1 * d23, d0 * d23, d01 * d3,
                                                              d01 * d2)
    return i, diff / denominators[i]


def lagrange_denominators(grid):
    """Π_{m≠j} (x_{i+j} − x_{i+m}) for each first index i and j = 0…3: shape (n − 3, 4)."""
    nodes = np.lib.stride_tricks.sliding_window_view(grid, 4)
    out = np.ones_like(nodes)
    for j in range(4):
        for m in range(4):
            if m != j:
                out[:, j] *= nodes[:, j] - nodes[:, m]
    return out


@lru_cache(maxsize=None)
def load_pairs(path):
    """The pairs tier of the table at ``path`` (cached), or None if the file has none."""
    data = np.load(path)
    if "pairs_P" not in data.files:
        return None
    return PairsTier(data)

