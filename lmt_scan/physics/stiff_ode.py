"""A small adaptive Rosenbrock–W integrator for stiff systems of two ODEs.

Why not ``scipy.integrate.solve_ivp`` (BDF/Radau/LSODA)?  They keep a Jacobian until
Newton's iteration fails.  In the thermal history (Γ/H up to ~10¹³ while the Z′ is
abundant, then falling by orders of magnitude per e-fold) a stale Jacobian lets the
simplified Newton iteration "converge" on the stiff component without moving it, and
the baths never decouple: BDF at rtol = 1e-5 returned N_eff = 9.35 instead of 4.49
(m_Z′ = 6 MeV, g′ = 5e-4) with no warning.  A Rosenbrock method evaluates the
Jacobian at every step and needs no Newton iteration, so it cannot fail that way.
Written in plain Python floats for two unknowns: numpy's per-call overhead would
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


def integrate(fun, y0, t_span, rtol=1e-6, atol=1e-8, first_step=1e-6, max_steps=20000):
    """Integrate dy/dt = fun(t, y0, y1) → (f0, f1) from t_span[0] to t_span[1].

    The Jacobian and ∂f/∂t come from forward differences once per step.  Error
    control: RMS of err/(atol + rtol |y|) ≤ 1.  Raises RuntimeError when the step
    size collapses or ``max_steps`` is exceeded.
    """
    t, t_end = float(t_span[0]), float(t_span[1])
    y = [float(y0[0]), float(y0[1])]
    h = min(first_step, t_end - t)
    n_steps = n_rejected = n_fev = 0
    while t < t_end:
        if n_steps + n_rejected >= max_steps:
            raise RuntimeError("stiff integrator: too many steps")
        f0 = fun(t, y[0], y[1])
        d0 = _SQRT_EPS * max(abs(y[0]), 1.0)
        d1 = _SQRT_EPS * max(abs(y[1]), 1.0)
        dt = _SQRT_EPS * max(abs(t), 1.0)
        fa, fb, ft = fun(t, y[0] + d0, y[1]), fun(t, y[0], y[1] + d1), fun(t + dt, y[0], y[1])
        n_fev += 4
        j00, j10 = (fa[0] - f0[0]) / d0, (fa[1] - f0[1]) / d0
        j01, j11 = (fb[0] - f0[0]) / d1, (fb[1] - f0[1]) / d1
        dfdt = ((ft[0] - f0[0]) / dt, (ft[1] - f0[1]) / dt)
        while True:
            h = min(h, t_end - t)
            # (1 − γhJ)⁻¹ by the 2×2 inverse
            m00, m01, m10, m11 = 1.0 - GAMMA * h * j00, -GAMMA * h * j01, \
                -GAMMA * h * j10, 1.0 - GAMMA * h * j11
            det = m00 * m11 - m01 * m10
            k = []
            for i in range(4):
                if i == 0:
                    f = f0
                else:
                    f = fun(t + ALPHA[i] * h,
                            y[0] + sum(a * kj[0] for a, kj in zip(A[i], k)),
                            y[1] + sum(a * kj[1] for a, kj in zip(A[i], k)))
                    n_fev += 1
                s0 = sum(g * kj[0] for g, kj in zip(G[i], k))
                s1 = sum(g * kj[1] for g, kj in zip(G[i], k))
                r0 = h * (f[0] + j00 * s0 + j01 * s1 + GAMMA_SUM[i] * h * dfdt[0])
                r1 = h * (f[1] + j10 * s0 + j11 * s1 + GAMMA_SUM[i] * h * dfdt[1])
                k.append(((m11 * r0 - m01 * r1) / det, (m00 * r1 - m10 * r0) / det))
            y_new = [y[n] + sum(b * kj[n] for b, kj in zip(B, k)) for n in (0, 1)]
            error = 0.0
            for n in (0, 1):
                scale = atol + rtol * max(abs(y[n]), abs(y_new[n]))
                error += (sum(e * kj[n] for e, kj in zip(ERROR_WEIGHTS, k)) / scale) ** 2
            error = math.sqrt(0.5 * error)
            if not (math.isfinite(y_new[0]) and math.isfinite(y_new[1])):
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
