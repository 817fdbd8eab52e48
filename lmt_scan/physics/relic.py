"""The relic-density Yukawa y of Eqs. (20)–(21) for arrays of points (Sec. III A).

Same equation, grid and root as :func:`lmt_scan.physics.dark_sector.relic_yukawa` (the
one-point solver): ⟨σv⟩_eff(y; M1, v_Φ, x_f) of :func:`~.dark_sector.sigmav_eff` is scanned
on the same y grid, the first upward crossing of the target is taken, and the root in
that cell is refined for all points at once by the Illinois variant of regula falsi
(bracketed, superlinear) to ~1e−13 relative — the one-point solver's Brent tolerance.

Pure functions; M1, v_Φ in GeV, ⟨σv⟩ in GeV⁻².
"""
import numpy as np

from .dark_sector import _Y_GRID, dirac_mass, sigmav_eff

RTOL = 4e-14          # relative bracket width at which a root is taken as found
MAX_ITERATIONS = 200  # Illinois halves a stalled end: ~40 steps even in the worst case


def relic_yukawa_array(M1, v_Phi, sigmav_target, x_f=20.0):
    """y [dimensionless] with ⟨σv⟩_eff(x_f) = ``sigmav_target`` for arrays ``M1``, ``v_Phi``
    [GeV]; NaN where no y in [1e-5, √(4π)] solves it (the smallest root otherwise)."""
    M1, v_Phi = (np.asarray(a, dtype=float).reshape(-1) for a in np.broadcast_arrays(M1, v_Phi))
    residual = sigmav_eff(_Y_GRID[None, :], M1[:, None], v_Phi[:, None], x_f) - sigmav_target
    crossing = (residual[:, :-1] < 0.0) & (residual[:, 1:] >= 0.0)
    found = crossing.any(axis=1)
    y = np.full(M1.shape, np.nan)
    rows = np.flatnonzero(found)
    if rows.size == 0:
        return y
    cell = crossing[rows].argmax(axis=1)
    lo, hi = _Y_GRID[cell], _Y_GRID[cell + 1]
    f_lo, f_hi = residual[rows, cell], residual[rows, cell + 1]
    M1, v_Phi = M1[rows], v_Phi[rows]

    def f(yy, m, v):
        return sigmav_eff(yy, m, v, x_f) - sigmav_target

    root = np.where(f_hi == 0.0, hi, np.nan)
    todo = np.flatnonzero(np.isnan(root))
    side = np.zeros(rows.size, dtype=int)     # which end moved last (+1 hi, −1 lo)
    for _ in range(MAX_ITERATIONS):
        if todo.size == 0:
            break
        a, b, fa, fb = lo[todo], hi[todo], f_lo[todo], f_hi[todo]
        trial = (a * fb - b * fa) / (fb - fa)
        trial = np.where((trial > a) & (trial < b), trial, 0.5 * (a + b))
        ft = f(trial, M1[todo], v_Phi[todo])
        up = ft >= 0.0                       # root in [a, trial]
        # Illinois: halve the function value at the end that stays twice in a row
        stay_lo = up & (side[todo] == 1)
        stay_hi = ~up & (side[todo] == -1)
        hi[todo] = np.where(up, trial, b)
        f_hi[todo] = np.where(up, ft, fb)
        lo[todo] = np.where(up, a, trial)
        f_lo[todo] = np.where(up, fa, ft)
        f_lo[todo] = np.where(stay_lo, 0.5 * f_lo[todo], f_lo[todo])
        f_hi[todo] = np.where(stay_hi, 0.5 * f_hi[todo], f_hi[todo])
        side[todo] = np.where(up, 1, -1)
        exact = ft == 0.0
        done = exact | (hi[todo] - lo[todo] <= RTOL * hi[todo])
        root[todo[done]] = np.where(exact[done], trial[done],
                                    0.5 * (lo[todo[done]] + hi[todo[done]]))
        todo = todo[~done]
    if todo.size:                             # not reached for smooth ⟨σv⟩; kept finite
        root[todo] = 0.5 * (lo[todo] + hi[todo])
    y[rows] = root
    return y


def pseudo_dirac_ratio(M1, y, v_Phi):
    """y v_Φ / m_N (the pseudo-Dirac condition m_N ≫ y v_Φ of Sec. III; arrays)."""
    return y * v_Phi / dirac_mass(M1, y, v_Phi)
