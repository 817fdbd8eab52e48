"""Numerical phase shifts and smooth pairs from the radial equation (Eq. 22).

u'' + [a² + e^{−x/b}/x − ℓ(ℓ+1)/x²] u = 0 in x = α_X M1 r (dimensionless).
"""
import math

import numpy as np
from scipy.special import gammaln, spherical_jn, spherical_yn

from .born import phase_shifts_born_batch


def matching_radius(a, b, tail_tol):
    """Smallest x with (b/(a x)) e^{−x/b} ≤ tail_tol: beyond it the neglected potential
    tail can change any phase shift by at most ``tail_tol`` (dδ/dx ≤ e^{−x/b}/(a x))."""
    x = max(b, 1.0 / a)
    for _ in range(60):   # fixed-point iteration x = b ln(b/(a x tail_tol)), monotone
        x_new = max(b * math.log(max(b / (a * x * tail_tol), 1.0 + 1e-12)), 1e-3 * b)
        if abs(x_new - x) < 1e-10 * x:
            break
        x = x_new
    return max(x, 2.0 * b)


def barrier_start_points(a, b, ell, depth, x_end, reach=1.0):
    """Start radius x_s and innermost turning point x_t of partial waves ℓ ≥ 1, shape (n, L).

    With h(x) = x e^{−x/b} + a²x², the region where (ℓ+½)² exceeds the running
    maximum H(x) = max_{x'≤x} h(x') is classically forbidden; its edge is x_t.  x_s is
    chosen with ∫_{x_s}^{x_t} √((ℓ+½)² − H)/x dx = ``depth`` (a lower bound on ∫κ dx),
    so any irregular admixture of the start values is suppressed by ≥ e^{−2 depth}.
    Log grid of relative resolution 1 %; x_t = ∞ when the barrier reaches ``x_end``.
    Also returns x_r, the first x where H reaches ``reach``·(ℓ+½)² (∞ if beyond x_end).
    """
    a = np.atleast_1d(np.asarray(a, dtype=float))
    lam2 = (np.asarray(ell, dtype=float) + 0.5) ** 2
    log_x = np.arange(math.log(1e-12), math.log(x_end) + 0.01, 0.01)
    x = np.exp(log_x)
    x_start = np.empty((a.size, lam2.size))
    x_turn = np.empty_like(x_start)
    x_reach = np.empty_like(x_start)
    for i, ai in enumerate(a):
        running = np.maximum.accumulate(x * np.exp(-x / b) + (ai * x) ** 2)
        idx_t = np.searchsorted(running, lam2)            # first grid point with H ≥ λ²
        kappa = np.sqrt(np.maximum(lam2[:, None] - running[None, :], 0.0))
        cum = np.cumsum(kappa, axis=1) * 0.01            # ∫ from the grid start
        at_turn = np.take_along_axis(cum, np.minimum(idx_t, x.size - 1)[:, None], axis=1)
        remaining = at_turn - cum                          # ∫_x^{x_t}
        idx_s = np.argmax(remaining < depth, axis=1) - 1
        x_start[i] = x[np.maximum(idx_s, 0)]
        x_turn[i] = np.where(idx_t < x.size, x[np.minimum(idx_t, x.size - 1)], np.inf)
        idx_r = np.searchsorted(running, reach * lam2)
        x_reach[i] = np.where(idx_r < x.size, x[np.minimum(idx_r, x.size - 1)], np.inf)
    return x_start, x_turn, x_reach


def regular_series_start(ell, x, a, b, terms=400):
    """ln u and u'/u of the solution regular at the origin, u = x^{ℓ+1}(1 + Σ c_n x^n),
    at radii ``x`` (arrays broadcasting with ``ell``; one scalar a, b).

    Frobenius series of u'' + [a² + e^{−x/b}/x − ℓ(ℓ+1)/x²] u = 0 (an entire function):
    c_n n(n + 2ℓ + 1) = −[a² c_{n−2} + Σ_m (−1/b)^m/m! c_{n−1−m}], summed as terms
    d_n = c_n x^n until they stop mattering.  Used inside the centrifugal barrier
    (x ≲ ℓ², no cancellation), it fixes the normalisation of partial waves ℓ ≥ 1 that
    start there, so that their asymptotic amplitudes are smooth in (a, b)."""
    ell, x = np.broadcast_arrays(np.asarray(ell, dtype=float), np.asarray(x, dtype=float))
    pot = []                      # x (−x/b)^m/m!: the potential's series times x
    term = x.copy()
    for m in range(terms):
        pot.append(term)
        term = term * (-x / b) / (m + 1)
        if np.all(np.abs(term) < 1e-18 * np.abs(pot[0])):
            break
    d = [np.ones_like(x)]
    total, deriv = np.ones_like(x), np.zeros_like(x)
    for n in range(1, terms):
        acc = np.zeros_like(x)
        for m in range(min(n, len(pot))):
            acc += pot[m] * d[n - 1 - m]
        if n >= 2:
            acc += (a * x) ** 2 * d[n - 2]
        d.append(-acc / (n * (n + 2.0 * ell + 1.0)))
        total += d[n]
        deriv += n * d[n]
        if n > 4 and np.all(np.abs(d[n]) + np.abs(d[n - 1]) < 1e-17 * np.abs(total)):
            break
    return (ell + 1.0) * np.log(x) + np.log(total), ((ell + 1.0) + deriv / total) / x


def phase_shifts_numeric(a, b, lmax, dphi=0.06, tail_tol=1e-6, start_decay=12.0, born_reach=0.1,
                         return_swave=False, pairs=0):
    """Phase shifts δ_ℓ(a_i), ℓ = 0…lmax, by integrating the radial equation.

    ``a``: array (n,) of velocities sharing one grid (same b).  RK4 for u'' = −Q u,
    Q = a² + e^{−x/b}/x − ℓ(ℓ+1)/x², with steps of fixed phase advance ``dphi``
    (h·max(√q, (ℓ_active+1)/x) = dphi).  ℓ = 0 starts at x₀ ≪ 1 from the series
    u = x − x²/2; ℓ ≥ 1 start inside the centrifugal barrier where ∫κ dx up to the
    turning point equals ``start_decay`` (:func:`barrier_start_points`), with the regular
    power law u'/u = (ℓ+1)/x (the irregular admixture decays by e^{−2·start_decay}).
    The solution is matched to ĵ_ℓ cos δ − ŷ_ℓ sin δ at :func:`matching_radius` with
    tolerance ``tail_tol`` relative to the Born s-wave phase (when that is below 1).
    Returns (delta, numeric, steps) with ``numeric`` False for ℓ whose centrifugal
    barrier exceeds the potential 1/``born_reach``-fold everywhere inside the matching
    radius (δ = NaN there: their Born phases are accurate), and
    with ``return_swave`` the s-wave pair (P, Q) = (a N cos δ₀, N sin δ₀), tan δ₀ = aQ/P.
    With ``pairs`` = n > 0, instead of the s-wave pair the smooth pairs of ℓ = 0…n−1
    (arrays (len(a), n)): the solution regular at the origin, u_ℓ ≈ x^{ℓ+1}, is
    u_ℓ → A ĵ_ℓ(ax) − B ŷ_ℓ(ax) outside the potential, and
    P_ℓ = a^{ℓ+1} A/(2ℓ+1)!!, Q_ℓ = a^{−ℓ} B/(2ℓ+1)!!, tan δ_ℓ = a^{2ℓ+1} Q_ℓ/P_ℓ
    (P = 1, Q = 0 without potential).  Like the Jost function they are smooth in a and b
    through resonances where δ_ℓ jumps by π, and finite as k → 0.  Waves left to Born
    phases (``numeric`` False) get P = 1, Q = tan δᴮ/a^{2ℓ+1} there.
    """
    a = np.atleast_1d(np.asarray(a, dtype=float))
    ell = np.arange(lmax + 1)
    k = a * b
    phase_scale = min(1.0, float(np.min(np.log1p(4.0 * k * k) / (4.0 * a))))   # Born δ₀
    x_end = matching_radius(float(a.min()), b, tail_tol * phase_scale)
    x_barrier, x_turn, x_reach = barrier_start_points(a, b, ell, start_decay, x_end, born_reach)
    # partial waves whose barrier everywhere exceeds the potential by 1/born_reach are
    # perturbative: Born phases (ℓ = 0 has no barrier and is always solved)
    numeric = (ell == 0) | (x_reach < x_end)
    # matching deep inside a barrier would overflow ŷ_ℓ: such waves are tunnelling-suppressed
    z_end = a[:, None] * x_end
    log_y_size = gammaln(2 * ell + 1) - ell * math.log(2.0) - gammaln(ell + 1) - ell * np.log(z_end)
    numeric &= (ell + 0.5 < z_end) | (log_y_size < 500.0)
    x0 = 1e-6 * min(1.0, b, 1.0 / float(a.max()))
    x_start = np.where(ell == 0, x0, x_barrier)
    x_start = np.maximum(x_start, x0)
    x_start = np.where(numeric, x_start, np.inf)
    if pairs:
        # waves 1 ≤ ℓ < pairs start at the regular solution's value and log-derivative
        # (series at x_start, carried to the actual first grid point by the Riccati
        # equation), so the tracked log-normalisation is that of u ≈ x^{ℓ+1} at the origin
        cols = slice(1, pairs)
        # where the barrier lies beyond the potential (x ≫ b) or the wave starts in the
        # well (x ≳ ℓ²) the series cancels: start those waves further in (always valid)
        cap = np.minimum(b, 0.5 * ell[cols] * (ell[cols] + 1.0))
        x_start[:, cols] = np.where(np.isfinite(x_start[:, cols]),
                                    np.maximum(np.minimum(x_start[:, cols], cap), x0), np.inf)
        log_start = np.zeros(x_start.shape)
        dlog_start = np.zeros(x_start.shape)
        finite = np.isfinite(x_start[:, cols])
        ln_u, g = regular_series_start(np.broadcast_to(ell[cols], finite.shape)[finite],
                                       x_start[:, cols][finite],
                                       np.broadcast_to(a[:, None], finite.shape)[finite], b)
        log_start[:, cols][finite] = ln_u
        dlog_start[:, cols][finite] = g
        log_norm = np.zeros(x_start.shape)
    # ℓ_active(x): largest ℓ started by x (over the batch)
    start_min = np.minimum.accumulate(np.min(x_start, axis=0)[::-1])[::-1]

    # integrate only up to the last numerical partial wave
    n_cols = int(np.max(np.nonzero(numeric.any(axis=0))[0])) + 1
    ell_c = ell[:n_cols]
    x_start = x_start[:, :n_cols]
    a2 = (a * a)[:, None]
    cent = (ell_c * (ell_c + 1.0))[None, :]
    u = np.zeros((a.size, n_cols))
    v = np.zeros_like(u)
    started = np.zeros(u.shape, dtype=bool)
    next_start = float(np.min(x_start))
    x = x0
    a2max = float(a2.max())
    steps = 0
    q0 = None
    while x < x_end:
        if x * (1 + 1e-12) >= next_start:
            new = ~started & (x_start <= x * (1 + 1e-12))
            s_ell = np.broadcast_to(ell_c, u.shape)[new]
            u[new] = np.where(s_ell == 0, x - 0.5 * x * x, 1.0)
            v[new] = np.where(s_ell == 0, 1.0 - x, (s_ell + 1.0) / x)
            if pairs:
                series = new & (np.arange(n_cols) >= 1) & (np.arange(n_cols) < pairs)
                if series.any():
                    ln_u, g = _riccati_carry(log_start[:, :n_cols][series],
                                             dlog_start[:, :n_cols][series],
                                             x_start[series], x,
                                             np.broadcast_to(a[:, None], u.shape)[series],
                                             np.broadcast_to(cent, u.shape)[series], b)
                    v[series] = g
                    log_norm[:, :n_cols][series] = ln_u
            started |= new
            pending = x_start[~started]
            next_start = float(pending.min()) if pending.size else np.inf
        n_active = np.searchsorted(start_min, x * (1 + 1e-12), side="right")
        rate = math.sqrt(a2max + math.exp(-x / b) / x + (n_active / x) ** 2)
        if x < 40.0 * b:
            rate += 1.0 / b
        h = min(dphi / rate, x_end - x)
        half = 0.5 * h
        xm, x1 = x + half, x + h
        if q0 is None:
            q0 = a2 + math.exp(-x / b) / x - cent / (x * x)
        qm = a2 + math.exp(-xm / b) / xm - cent / (xm * xm)
        q1 = a2 + math.exp(-x1 / b) / x1 - cent / (x1 * x1)
        # classic RK4 for (u, v = u'), written to reuse intermediate arrays
        k1v = -q0 * u
        v2 = v + half * k1v
        k2v = -qm * (u + half * v)
        v3 = v + half * k2v
        k3v = -qm * (u + half * v2)
        v4 = v + h * k3v
        k4v = -q1 * (u + h * v3)
        u = u + (h / 6.0) * (v + 2.0 * (v2 + v3) + v4)
        v = v + (h / 6.0) * (k1v + 2.0 * (k2v + k3v) + k4v)
        q0 = q1
        x = x1
        steps += 1
        if steps % 64 == 0:   # keep magnitudes bounded (only ratios matter) ...
            norm = np.abs(u) + np.abs(v) * (1.0 / math.sqrt(a2max)) + 1e-300
            norm[:, 0] = 1.0  # ... except for ℓ = 0, kept normalised to u ≈ x at the origin
            u /= norm
            v /= norm
            if pairs:
                log_norm[:, :n_cols] += np.log(norm)
    u = np.concatenate([u, np.zeros((a.size, lmax + 1 - n_cols))], axis=1)
    v = np.concatenate([v, np.zeros((a.size, lmax + 1 - n_cols))], axis=1)
    z = a[:, None] * x
    zz = np.broadcast_to(z, u.shape)
    ll = np.broadcast_to(ell, u.shape)
    with np.errstate(all="ignore"):
        j = zz * spherical_jn(ll, zz)
        dj = spherical_jn(ll, zz) + zz * spherical_jn(ll, zz, derivative=True)
        y = zz * spherical_yn(ll, zz)
        dy = spherical_yn(ll, zz) + zz * spherical_yn(ll, zz, derivative=True)
        am = a[:, None]
        delta = np.arctan2(am * dj * u - j * v, am * dy * u - y * v)
    numeric &= np.isfinite(delta)
    delta = np.where(numeric, delta, np.nan)
    if pairs:
        with np.errstate(all="ignore"):
            return delta, numeric, steps, _pairs_from_matching(
                a, b, ell[:pairs], u[:, :pairs], v[:, :pairs], j[:, :pairs], dj[:, :pairs],
                y[:, :pairs], dy[:, :pairs], log_norm[:, :pairs], numeric[:, :pairs], lmax)
    if return_swave:
        # (a N cos δ₀, N sin δ₀) of u₀ = N sin(ax + δ₀) with u₀ ≈ x at the origin: smooth
        # (entire) in b and k even where δ₀ jumps through a narrow zero-energy resonance
        swave = (am[:, 0] * dy[:, 0] * u[:, 0] - y[:, 0] * v[:, 0],
                 (am[:, 0] * dj[:, 0] * u[:, 0] - j[:, 0] * v[:, 0]) / a)
        return delta, numeric, steps, swave
    return delta, numeric, steps


def _riccati_carry(ln_u, g, x_from, x_to, a, cent, b, substeps=4):
    """(ln u, u'/u) carried from ``x_from`` to ``x_to`` (arrays, a short step) by RK4 on
    the Riccati form d ln u/dx = g, dg/dx = −Q(x) − g² of the radial equation."""
    def rhs(x, g):
        return -(a * a + np.exp(-x / b) / x - cent / (x * x)) - g * g
    h = (x_to - x_from) / substeps
    x = x_from
    for _ in range(substeps):
        k1 = rhs(x, g)
        k2 = rhs(x + 0.5 * h, g + 0.5 * h * k1)
        k3 = rhs(x + 0.5 * h, g + 0.5 * h * k2)
        k4 = rhs(x + h, g + h * k3)
        # ln u' = g: integrate g alongside (Simpson on the RK4 stages)
        ln_u = ln_u + h / 6.0 * (g + 2.0 * (g + 0.5 * h * k1) + 2.0 * (g + 0.5 * h * k2)
                                 + (g + h * k3)) 
        g = g + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        x = x + h
    return ln_u, g


def _pairs_from_matching(a, b, ell, u, v, j, dj, y, dy, log_norm, numeric, lmax):
    """(P_ℓ, Q_ℓ) of :func:`phase_shifts_numeric` from the solution at the matching radius:
    A = ŷ' u − ŷ u'/a, B = ĵ' u − ĵ u'/a (Wronskian 1), times the tracked normalisation;
    Born phases (P = 1) for waves not solved numerically."""
    am = a[:, None]
    big_a = dy * u - y * v / am
    big_b = dj * u - j * v / am
    log_dfact = gammaln(2 * ell + 2) - ell * math.log(2.0) - gammaln(ell + 1)   # ln (2ℓ+1)!!
    scale_p = np.exp(log_norm + (ell + 1) * np.log(am) - log_dfact)
    scale_q = np.exp(log_norm - ell * np.log(am) - log_dfact)
    p, q = big_a * scale_p, big_b * scale_q
    born = phase_shifts_born_batch(a, b, ell.size - 1)
    p = np.where(numeric, p, 1.0)
    q = np.where(numeric, q, np.tan(born) / am ** (2 * ell + 1))
    return p, q
