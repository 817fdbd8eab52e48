"""A small adaptive Rosenbrock–W integrator for stiff systems of a few ODEs.

Why not ``scipy.integrate.solve_ivp`` (BDF/Radau/LSODA)?  They keep a Jacobian until
Newton's iteration fails.  In the thermal history (Γ/H up to ~10¹³ while the Z′ is
abundant, then falling by orders of magnitude per e-fold) a stale Jacobian lets the
simplified Newton iteration "converge" on the stiff component without moving it, and
the baths never decouple: at m_Z′ = 6 MeV, g′ = 5e-4, BDF at rtol = 1e-5 (and Radau at
1e-4) return N_eff = 9.26 instead of 4.486 with no warning; LSODA is off by ~3e-3.  A Rosenbrock method evaluates the
Jacobian at every step and needs no Newton iteration, so it cannot fail that way.
Written in plain Python floats for 2–3 unknowns: numpy's per-call overhead would
dominate such a small system.

Method: ROS34PW2 (Rang & Angermann, BIT Numer. Math. 45 (2005) 761): 4 stages,
order 3 with an embedded order-2 solution, L-stable, stiffly accurate, and a
W-method (a finite-difference Jacobian keeps the order).
"""
import math

GAMMA = 0.435866521508459
# Stage i: Y_i = y + Σ_j A[i][j] k_j at t + α_i h; (1 − γhJ) k_i = h f(Y_i) + hJ Σ_j G[i][j] k_j
#          + γ_i h² ∂f/∂t with α_i = Σ_j A[i][j], γ_i = γ + Σ_j G[i][j].
A = ((), (0.871733043016918,), (0.844570600153694, -0.112990642364842), (0.0, 0.0, 1.0))
G = ((), (-0.871733043016918,), (-0.903380570130441, 0.054180672388095),
     (0.242123807060953, -1.223250583904515, 0.545260255335102))
B = (0.242123807060953, -1.223250583904515, 1.545260255335102, 0.435866521508459)
B_EMBEDDED = (0.378109031458194, -0.096042292212423, 0.5, 0.217933260754230)
ALPHA = tuple(sum(row) for row in A)
GAMMA_SUM = tuple(GAMMA + sum(row) for row in G)
ERROR_WEIGHTS = tuple(b - e for b, e in zip(B, B_EMBEDDED))
_SQRT_EPS = 1.4901161193847656e-08


class StiffSolution:
    """Result of :func:`integrate`: final ``t``, ``y`` and the work counters."""

    def __init__(self, t, y, n_steps, n_rejected, n_fev):
        self.t = t
        self.y = y
        self.n_steps = n_steps
        self.n_rejected = n_rejected
        self.n_fev = n_fev


def _lu_factor(matrix):
    """In-place LU factorisation with partial pivoting of a small list-of-lists matrix."""
    n = len(matrix)
    pivots = list(range(n))
    for col in range(n):
        best = max(range(col, n), key=lambda r: abs(matrix[r][col]))
        if best != col:
            matrix[col], matrix[best] = matrix[best], matrix[col]
            pivots[col], pivots[best] = pivots[best], pivots[col]
        pivot = matrix[col][col]
        for row in range(col + 1, n):
            factor = matrix[row][col] / pivot
            matrix[row][col] = factor
            for k in range(col + 1, n):
                matrix[row][k] -= factor * matrix[col][k]
    return matrix, pivots


def _lu_solve(lu, rhs):
    """Solve with the output of :func:`_lu_factor`."""
    matrix, pivots = lu
    n = len(matrix)
    x = [rhs[p] for p in pivots]
    for row in range(n):
        x[row] -= sum(matrix[row][k] * x[k] for k in range(row))
    for row in reversed(range(n)):
        x[row] = (x[row] - sum(matrix[row][k] * x[k] for k in range(row + 1, n))) / matrix[row][row]
    return x


def integrate(fun, y0, t_span, rtol=1e-6, atol=1e-8, first_step=1e-6, max_steps=20000):
    """Integrate dy/dt = fun(t, *y) → tuple from t_span[0] to t_span[1] (a few unknowns).

    The Jacobian and ∂f/∂t come from forward differences once per step.  Error
    control: RMS of err/(atol + rtol |y|) ≤ 1.  Raises RuntimeError when the step
    size collapses or ``max_steps`` is exceeded.
    """
    t, t_end = float(t_span[0]), float(t_span[1])
    y = [float(v) for v in y0]
    n = len(y)
    h = min(first_step, t_end - t)
    n_steps = n_rejected = n_fev = 0
    while t < t_end:
        if n_steps + n_rejected >= max_steps:
            raise RuntimeError("stiff integrator: too many steps")
        f0 = fun(t, *y)
        jac = [[0.0] * n for _ in range(n)]
        for col in range(n):
            delta = _SQRT_EPS * max(abs(y[col]), 1.0)
            shifted = list(y)
            shifted[col] += delta
            f_col = fun(t, *shifted)
            for row in range(n):
                jac[row][col] = (f_col[row] - f0[row]) / delta
        dt = _SQRT_EPS * max(abs(t), 1.0)
        f_t = fun(t + dt, *y)
        dfdt = [(a - b) / dt for a, b in zip(f_t, f0)]
        n_fev += n + 2
        while True:
            h = min(h, t_end - t)
            lu = _lu_factor([[(1.0 if r == col else 0.0) - GAMMA * h * jac[r][col]
                              for col in range(n)] for r in range(n)])
            k = []
            for i in range(4):
                if i == 0:
                    f = f0
                else:
                    f = fun(t + ALPHA[i] * h,
                            *(y[m] + sum(a * kj[m] for a, kj in zip(A[i], k)) for m in range(n)))
                    n_fev += 1
                g_sum = [sum(g * kj[m] for g, kj in zip(G[i], k)) for m in range(n)]
                rhs = [h * (f[r] + sum(jac[r][m] * g_sum[m] for m in range(n))
                            + GAMMA_SUM[i] * h * dfdt[r]) for r in range(n)]
                k.append(_lu_solve(lu, rhs))
            y_new = [y[m] + sum(b * kj[m] for b, kj in zip(B, k)) for m in range(n)]
            error = 0.0
            for m in range(n):
                scale = atol + rtol * max(abs(y[m]), abs(y_new[m]))
                error += (sum(e * kj[m] for e, kj in zip(ERROR_WEIGHTS, k)) / scale) ** 2
            error = math.sqrt(error / n)
            if not all(math.isfinite(v) for v in y_new):
                error = math.inf
            factor = min(4.0, max(0.2, 0.9 * error ** (-1.0 / 3.0))) if error > 0.0 else 4.0
            if error <= 1.0:
                t += h
                y = y_new
                h *= factor
                n_steps += 1
                break
            n_rejected += 1
            h *= factor
            if h < 1e-14 * max(1.0, abs(t)):
                raise RuntimeError("stiff integrator: step size underflow")
    return StiffSolution(t, y, n_steps, n_rejected, n_fev)
