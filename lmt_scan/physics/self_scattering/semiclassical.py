"""Semi-classical (WKB, Langer) phase shifts for k/m_ϕ ≫ 1 (dimensionless a, b).
"""
import numpy as np

from .born import phase_shifts_born
from .radial import matching_radius


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(16)


def _outer_turning_point(a, b, lam):
    """Largest root x₀ of λ² = x e^{−x/b} + a²x² (outermost classical turning point)."""
    hi = lam / a                                     # g(hi) = −hi e^{−hi/b} < 0
    grid = hi[:, None] * np.logspace(-14, 0, 561)[None, :]
    g = lam[:, None] ** 2 - grid * np.exp(-grid / b) - (a * grid) ** 2
    last_pos = grid.shape[1] - 1 - np.argmax((g > 0)[:, ::-1], axis=1)
    lo = grid[np.arange(lam.size), last_pos]
    hi = grid[np.arange(lam.size), np.minimum(last_pos + 1, grid.shape[1] - 1)]
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        pos = lam ** 2 - mid * np.exp(-mid / b) - (a * mid) ** 2 > 0
        lo, hi = np.where(pos, mid, lo), np.where(pos, hi, mid)
    return 0.5 * (lo + hi)


def phase_shifts_wkb(a, b, lmax, tail_tol=1e-6, born=None):
    """WKB phase shifts with the Langer replacement ℓ(ℓ+1) → (ℓ+½)², ℓ = 0…lmax (scalar a, b).

    δ_ℓ = ∫_{x₀}^{X} (p − a) dx + a(X − x₀) − √(a²X² − λ²) + λ arccos(λ/(aX)),
    p = √(a² + e^{−x/b}/x − λ²/x²), x₀ the outermost turning point, X the matching
    radius (tail phase < ``tail_tol``); the free-wave phase is subtracted analytically.
    The integral uses x = x₀ + t² and composite Gauss–Legendre panels doubling in t.
    Partial waves with λ/a ≥ X never reach the potential: Born phases (``born``, if
    already computed).
    """
    ell = np.arange(lmax + 1)
    lam = ell + 0.5
    x_end = matching_radius(a, b, tail_tol)
    delta = np.array(born) if born is not None else phase_shifts_born(a, b, lmax)
    inside = lam / a < 0.999 * x_end
    if not inside.any():
        return delta
    lam_in = lam[inside]
    x0 = _outer_turning_point(a, b, lam_in)
    t_end = np.sqrt(x_end - x0)
    t_first = np.minimum(0.05 * np.sqrt(x0) + 1e-8, t_end)
    n_panels = int(np.ceil(np.log2(np.max(t_end / t_first)))) + 2
    edges = np.minimum(t_first[:, None] * 2.0 ** np.arange(-1, n_panels)[None, :], t_end[:, None])
    edges[:, 0] = 0.0
    left, right = edges[:, :-1, None], edges[:, 1:, None]
    t = 0.5 * (left + right) + 0.5 * (right - left) * _GL_NODES
    w = 0.5 * (right - left) * _GL_WEIGHTS
    x = x0[:, None, None] + t * t
    lam2 = (lam_in ** 2)[:, None, None]
    p2 = a * a + np.exp(-x / b) / x - lam2 / (x * x)
    p = np.sqrt(np.maximum(p2, 0.0))
    integral = np.sum(w * 2.0 * t * (p - a), axis=(1, 2))
    free_tail = lam_in ** 2 / (a * x_end + np.sqrt((a * x_end) ** 2 - lam_in ** 2))
    delta[inside] = integral - a * x0 + free_tail + lam_in * np.arccos(lam_in / (a * x_end))
    return delta
