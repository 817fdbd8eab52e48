"""The relic-density Yukawa y of Eqs. (20)–(21) for arrays of points (Sec. III A).

Same equation, grid and root as :func:`lmt_scan.physics.dark_sector.relic_yukawa` (the
one-point solver): ⟨σv⟩_eff(y; M1, v_Φ, x_f) of :func:`~.dark_sector.sigmav_eff` is scanned
on the same y grid, the first upward crossing of the target is taken, and the root in
that cell is refined for all points at once by the Illinois variant of regula falsi
in ln y (bracketed, superlinear) to ~1e−13 relative — the one-point solver's Brent
tolerance.

Pure functions; M1, v_Φ in GeV, ⟨σv⟩ in GeV⁻².
"""
import numpy as np

from .dark_sector import _Y_GRID, dirac_mass, sigmav_eff

RTOL = 4e-14          # bracket width in ln y (relative in y) at which a root is found
MAX_ITERATIONS = 200  # Illinois halves a stalled end: a few tens of steps at worst


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
    # Illinois in t = ln y: ⟨σv⟩ ∝ y⁴ × (slowly varying), so f is nearly linear in t
    lo, hi = np.log(_Y_GRID[cell]), np.log(_Y_GRID[cell + 1])
    f_lo, f_hi = residual[rows, cell], residual[rows, cell + 1]
    M1, v_Phi = M1[rows], v_Phi[rows]
    root = np.where(f_hi == 0.0, hi, np.nan)
    active = np.isnan(root)
    side = np.zeros(rows.size)                 # which end moved last (+1 hi, −1 lo)
    for _ in range(MAX_ITERATIONS):
        if not active.any():
            break
        trial = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        trial = np.where((trial > lo) & (trial < hi), trial, 0.5 * (lo + hi))
        f_trial = sigmav_eff(np.exp(trial), M1, v_Phi, x_f) - sigmav_target
        up = f_trial >= 0.0                    # root in [lo, trial]
        # Illinois: halve the function value at the end that stays twice in a row
        move_hi, move_lo = active & up, active & ~up
        f_lo = np.where(move_hi & (side == 1), 0.5 * f_lo, np.where(move_lo, f_trial, f_lo))
        f_hi = np.where(move_lo & (side == -1), 0.5 * f_hi, np.where(move_hi, f_trial, f_hi))
        lo, hi = np.where(move_lo, trial, lo), np.where(move_hi, trial, hi)
        side = np.where(move_hi, 1.0, np.where(move_lo, -1.0, side))
        # a converged row is frozen: its value cannot depend on the other rows of the batch
        exact = active & (f_trial == 0.0)
        done = active & (exact | (hi - lo <= RTOL))
        root = np.where(exact, trial, np.where(done, 0.5 * (lo + hi), root))
        active &= ~done
    root = np.where(active, 0.5 * (lo + hi), root)   # not reached for smooth ⟨σv⟩
    y[rows] = np.exp(root)
    return y


def pseudo_dirac_ratio(M1, y, v_Phi):
    """y v_Φ / m_N (the pseudo-Dirac condition m_N ≫ y v_Φ of Sec. III; arrays)."""
    return y * v_Phi / dirac_mass(M1, y, v_Phi)
