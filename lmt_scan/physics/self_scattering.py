"""Dark-matter self-scattering through the attractive Yukawa potential (paper Sec. III B).

N1 N1 → N1 N1 via ϕ exchange, V(r) = −α_X e^{−m_ϕ r}/r with α_X = y²/4π (Eq. 22).
Everything here is dimensionless in the variables of Tulin, Yu, Zurek (arXiv:1302.3898):

    a = v/(2 α_X),   b = α_X M1/m_ϕ,   x = α_X M1 r,

with v the relative velocity (units of c) and reduced mass M1/2, so that the radial
equation for u_ℓ = r R_ℓ reads  u'' + [a² + e^{−x/b}/x − ℓ(ℓ+1)/x²] u = 0, the
momentum in units of m_ϕ is  k/m_ϕ = a·b  and  β ≡ 2α_X m_ϕ/(M1 v²) = 1/(2a²b).
Cross sections are returned as σ·m_ϕ² (divide by m_ϕ² [GeV²] for GeV⁻²).

Majorana N1 are identical fermions: the spin-averaged singlet/triplet combination of
Eq. (24) keeps even ℓ with weight 1 and odd ℓ with weight 3, and the transfer cross
section of Eq. (25) integrates (1 − cos θ) over half the angular range.  The angular
integral is done exactly in terms of the phase shifts (Legendre products on [0, 1],
:func:`half_range_legendre_matrix`).

Methods, chosen by :func:`sigmaT_m2`:

* **Born** (b ≤ ``B_BORN``): closed-form identical-fermion Born σ_T (:func:`sigmaT_born_m2`).
* **Partial waves** (k/m_ϕ ≤ ``K_SEMICLASSICAL``): phase shifts from the radial equation
  (:func:`phase_shifts_numeric`, RK4 on a grid of fixed phase advance per step,
  matched to Riccati–Bessel functions where the neglected potential tail changes the
  phase by less than ``tail_tol``), and the analytic Born phase shifts
  Q_ℓ(1 + 1/(2a²b²))/(2a) above the last partial wave whose turning point lies inside
  the matching radius (their potential is a perturbation there).
* **Semi-classical** (k/m_ϕ > ``K_SEMICLASSICAL``): the same identical-particle sum
  with WKB (Langer) phase shifts for ℓ ≥ ``L_WKB_MIN`` and numerical ones below.

Partial-wave convergence: the sum runs to ℓ_max where the Born phase shift (an upper
bound on the remaining ones, which fall off as e^{−ℓ/(ab)}) is below ``phase_tol``
for 5 consecutive ℓ; at that point the neglected terms change σ_T by
< (2ℓ_max+1)·phase_tol²·(ab)/σ_T k², far below 10⁻⁴ relative (checked by
``benchmarks/sidm.py``, which tightens every knob).
"""
import math

import numpy as np
from scipy.special import spherical_jn, spherical_yn

B_BORN = 1e-4            # below this b the Born formula is exact to < 10⁻⁴ (test_self_scattering)
K_SEMICLASSICAL = 60.0   # above this k/m_ϕ the WKB phases replace the numerical ones
L_WKB_MIN = 10           # numerical phase shifts are kept below this ℓ in the WKB regime


# ---------------------------------------------------------------------------
# Born approximation
# ---------------------------------------------------------------------------
def sigmaT_born_m2(a, b):
    """Identical-fermion Born σ_T·m_ϕ² from Eqs. (24)–(25) with the Born amplitude.

    f_B(θ) = M1 α_X/(q² + m_ϕ²), q² = 2k²(1 − cos θ).  With s = 1 + c,
    c = m_ϕ²/(2k²) = 1/(2a²b²) and β = 1/(2a²b):
    σ_T m_ϕ² = 2π β² [I(f²) + I(f̃²) − I(f f̃)] with the three (1 − x)-weighted
    integrals over x = cos θ ∈ [0, 1] done in closed form.  Vectorised.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    c = 0.5 / (a * b) ** 2
    s = 1.0 + c
    beta = 0.5 / (a * a * b)
    # log1p keeps precision at small c (high velocity) and at large c (s-wave limit)
    ln_s_over_c = np.log1p(1.0 / c)
    ln_s1_over_s = np.log1p(1.0 / s)
    forward = ln_s_over_c - 1.0 + c / s            # ∫(1−x)/(s−x)² dx
    backward = 1.0 / s - ln_s1_over_s              # ∫(1−x)/(s+x)² dx
    cross = (-c * ln_s_over_c + (1.0 + s) * ln_s1_over_s) / (2.0 * s)   # ∫(1−x)/(s²−x²) dx
    # at large c the three terms cancel to O(1/c²); use the series there
    series = (1.0 / (2.0 * s * s)) * (1.0 + 1.0 / (3.0 * s * s))
    bracket = np.where(c > 1e3, series, forward + backward - cross)
    return 2.0 * math.pi * beta ** 2 * bracket


def legendre_q(lmax, z):
    """Q_ℓ(z) for ℓ = 0…lmax and z > 1 (Legendre function of the second kind).

    Miller's backward recurrence (Q_ℓ is the minimal solution for z > 1), normalised
    with Q_0 = ½ ln((z+1)/(z−1)).  ``z`` may be an array; returns shape (..., lmax+1).
    """
    z = np.asarray(z, dtype=float)[..., None]
    zm1 = z - 1.0
    eta = np.arccosh(1.0 + np.maximum(zm1, 1e-300))
    start = lmax + 20 + int(np.ceil(float(np.max(36.0 / np.maximum(eta, 1e-3)))))
    start = min(start, lmax + 40000)
    q = np.zeros(z.shape[:-1] + (lmax + 1,))
    q_next = np.zeros(z.shape)
    q_cur = np.full(z.shape, 1e-280)
    for ell in range(start, 0, -1):
        # (ℓ+1) Q_{ℓ+1} = (2ℓ+1) z Q_ℓ − ℓ Q_{ℓ−1}  ⇒  Q_{ℓ−1} = ((2ℓ+1) z Q_ℓ − (ℓ+1) Q_{ℓ+1})/ℓ
        q_prev = ((2 * ell + 1) * z * q_cur - (ell + 1) * q_next) / ell
        if ell <= lmax:
            q[..., ell] = q_cur[..., 0]
        q_next, q_cur = q_cur, q_prev
        big = np.abs(q_cur) > 1e250
        if np.any(big):   # rescale to avoid overflow (ratios are what matter)
            scale = np.where(big, 1e-250, 1.0)
            q_cur, q_next, q = q_cur * scale, q_next * scale, q * scale
    q[..., 0] = q_cur[..., 0]
    q0 = 0.5 * np.log1p(2.0 / zm1[..., 0])
    return q * (q0 / q[..., 0])[..., None]


def phase_shifts_born(a, b, lmax):
    """Born phase shifts δ_ℓ = Q_ℓ(1 + 1/(2a²b²))/(2a), ℓ = 0…lmax (scalar a, b)."""
    return legendre_q(lmax, 1.0 + 0.5 / (a * b) ** 2) / (2.0 * a)


# ---------------------------------------------------------------------------
# Identical-fermion transfer cross section from phase shifts (Eqs. 23–25)
# ---------------------------------------------------------------------------
def legendre_at_zero(lmax):
    """P_ℓ(0) for ℓ = 0…lmax: (−1)^{ℓ/2} (ℓ−1)!!/ℓ!! for even ℓ, 0 for odd ℓ."""
    p = np.zeros(lmax + 2)
    p[0] = 1.0
    for ell in range(0, lmax, 2):
        p[ell + 2] = -p[ell] * (ell + 1) / (ell + 2)
    return p[: lmax + 1]


def half_range_legendre_matrix(lmax):
    """X_{ℓℓ'} = ∫₀¹ x P_ℓ(x) P_ℓ'(x) dx for ℓ, ℓ' = 0…lmax of equal parity (0 otherwise).

    From x P_ℓ = [(ℓ+1) P_{ℓ+1} + ℓ P_{ℓ−1}]/(2ℓ+1) and, for m, n of opposite parity,
    ∫₀¹ P_m P_n dx = [P_m(0) P_n'(0) − P_n(0) P_m'(0)] / [n(n+1) − m(m+1)]
    (Legendre's equation integrated over [0, 1]), with P_n'(0) = n P_{n−1}(0).
    """
    p0 = legendre_at_zero(lmax + 2)
    dp0 = np.zeros(lmax + 2)
    dp0[1:] = np.arange(1, lmax + 2) * p0[:-2][: lmax + 1]
    m = np.arange(lmax + 2)[:, None]
    n = np.arange(lmax + 1)[None, :]
    denom = n * (n + 1) - m * (m + 1)
    opposite = (m + n) % 2 == 1
    k_mn = np.where(opposite, (p0[: lmax + 2, None] * dp0[None, : lmax + 1]
                               - p0[None, : lmax + 1] * dp0[: lmax + 2, None])
                    / np.where(opposite, denom, 1), 0.0)
    ell = np.arange(lmax + 1)[:, None]
    upper = (ell + 1) * k_mn[1: lmax + 2]
    lower = np.zeros_like(upper)
    lower[1:] = ell[1:] * k_mn[: lmax]
    return (upper + lower) / (2 * ell + 1)


_HALF_RANGE_CACHE = {}


def _half_range_matrix_cached(lmax):
    # The matrix depends only on ℓ_max; build once per size (read-only, rounded up to 64).
    size = 64 * ((lmax + 64) // 64)
    if size not in _HALF_RANGE_CACHE:
        matrix = half_range_legendre_matrix(size)
        matrix.setflags(write=False)
        _HALF_RANGE_CACHE.clear() if len(_HALF_RANGE_CACHE) > 4 else None
        _HALF_RANGE_CACHE[size] = matrix
    return _HALF_RANGE_CACHE[size][: lmax + 1, : lmax + 1]


def sigmaT_k2_from_phases(delta):
    """σ_T·k² for identical spin-½ fermions from phase shifts δ_ℓ, ℓ = 0…L (Eqs. 23–25).

    With a_ℓ = e^{iδ_ℓ} sin δ_ℓ, Eq. (24) gives dσ/dΩ = (|S_e|² + 3|S_o|²)/(2k²),
    S_{e,o} = Σ_{ℓ even, odd} (2ℓ+1) a_ℓ P_ℓ(cos θ), and Eq. (25) becomes
    σ_T k² = 2π Σ_{parity} w [Σ_ℓ (2ℓ+1) sin²δ_ℓ − Σ_{ℓℓ'} (2ℓ+1)(2ℓ'+1) Re(a_ℓ a*_ℓ') X_{ℓℓ'}]
    with w = 1 (even ℓ, spin singlet) and 3 (odd ℓ, triplet).  ``delta`` may have
    leading batch axes; the last axis is ℓ.
    """
    delta = np.asarray(delta, dtype=float)
    lmax = delta.shape[-1] - 1
    ell = np.arange(lmax + 1)
    weight = np.where(ell % 2 == 0, 1.0, 3.0)
    c = 2 * ell + 1
    sin2 = np.sin(delta) ** 2
    diagonal = np.sum(weight * c * sin2, axis=-1)
    x_matrix = _half_range_matrix_cached(lmax)
    re = weight ** 0.5 * c * 0.5 * np.sin(2.0 * delta)
    im = weight ** 0.5 * c * sin2
    quadratic = (np.einsum("...i,ij,...j->...", re, x_matrix, re)
                 + np.einsum("...i,ij,...j->...", im, x_matrix, im))
    return 2.0 * math.pi * (diagonal - quadratic)


def sigmaT_k2_distinguishable(delta):
    """σ_T·k² for distinguishable particles, 4π Σ (ℓ+1) sin²(δ_{ℓ+1} − δ_ℓ) (for comparison)."""
    delta = np.asarray(delta, dtype=float)
    ell = np.arange(delta.shape[-1] - 1)
    return 4.0 * math.pi * np.sum((ell + 1) * np.sin(delta[..., 1:] - delta[..., :-1]) ** 2, axis=-1)


# ---------------------------------------------------------------------------
# Numerical phase shifts (radial Schrödinger equation, Eq. 22)
# ---------------------------------------------------------------------------
def _potential(x, b):
    """−2μV in x units: e^{−x/b}/x (attractive)."""
    return np.exp(-x / b) / x


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


def barrier_start_points(a, b, ell, depth, x_end):
    """Start radius x_s and innermost turning point x_t of partial waves ℓ ≥ 1, shape (n, L).

    With h(x) = x e^{−x/b} + a²x², the region where (ℓ+½)² exceeds the running
    maximum H(x) = max_{x'≤x} h(x') is classically forbidden; its edge is x_t.  x_s is
    chosen with ∫_{x_s}^{x_t} √((ℓ+½)² − H)/x dx = ``depth`` (a lower bound on ∫κ dx),
    so any irregular admixture of the start values is suppressed by ≥ e^{−2 depth}.
    Log grid of relative resolution 1 %; x_t = ∞ when the barrier reaches ``x_end``.
    """
    a = np.atleast_1d(np.asarray(a, dtype=float))
    lam2 = (np.asarray(ell, dtype=float) + 0.5) ** 2
    log_x = np.arange(math.log(1e-12), math.log(x_end) + 0.01, 0.01)
    x = np.exp(log_x)
    x_start = np.empty((a.size, lam2.size))
    x_turn = np.empty_like(x_start)
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
    return x_start, x_turn


def phase_shifts_numeric(a, b, lmax, dphi=0.1, tail_tol=1e-6, start_decay=12.0):
    """Phase shifts δ_ℓ(a_i), ℓ = 0…lmax, by integrating the radial equation.

    ``a``: array (n,) of velocities sharing one grid (same b).  RK4 for u'' = −Q u,
    Q = a² + e^{−x/b}/x − ℓ(ℓ+1)/x², with steps of fixed phase advance ``dphi``
    (h·max(√q, (ℓ_active+1)/x) = dphi).  ℓ = 0 starts at x₀ ≪ 1 from the series
    u = x − x²/2; ℓ ≥ 1 start inside the centrifugal barrier at x_t e^{−start_decay/(ℓ+½)}
    with the regular power law (the irregular admixture decays by e^{−2·start_decay}).
    The solution is matched to ĵ_ℓ cos δ − ŷ_ℓ sin δ at :func:`matching_radius`.
    Returns (delta, numeric, steps) with ``numeric`` False for ℓ whose centrifugal
    barrier extends beyond the matching radius (δ = NaN there: use Born phases).
    """
    a = np.atleast_1d(np.asarray(a, dtype=float))
    ell = np.arange(lmax + 1)
    x_end = matching_radius(float(a.min()), b, tail_tol)
    x_barrier, x_turn = barrier_start_points(a, b, ell, start_decay, x_end)
    numeric = x_turn < x_end    # the others never reach the potential: Born phases
    x0 = 1e-6 * min(1.0, b, 1.0 / float(a.max()))
    x_start = np.where(ell == 0, x0, x_barrier)
    x_start = np.maximum(x_start, x0)
    x_start = np.where(numeric, x_start, np.inf)
    # ℓ_active(x): largest ℓ started by x (over the batch)
    start_min = np.minimum.accumulate(np.min(x_start, axis=0)[::-1])[::-1]

    a2 = (a * a)[:, None]
    cent = (ell * (ell + 1.0))[None, :]
    u = np.zeros((a.size, lmax + 1))
    v = np.zeros_like(u)
    started = np.zeros(u.shape, dtype=bool)
    x = x0
    a2max = float(a2.max())
    steps = 0
    while x < x_end:
        new = ~started & (x_start <= x * (1 + 1e-12))
        if new.any():
            s_ell = np.broadcast_to(ell, u.shape)[new]
            u[new] = np.where(s_ell == 0, x - 0.5 * x * x, 1.0)
            v[new] = np.where(s_ell == 0, 1.0 - x, (s_ell + 1.0) / x)
            started |= new
        n_active = np.searchsorted(start_min, x * (1 + 1e-12), side="right")
        rate = math.sqrt(a2max + math.exp(-x / b) / x + (n_active / x) ** 2)
        if x < 40.0 * b:
            rate += 1.0 / b
        h = min(dphi / rate, x_end - x)
        xm, x1 = x + 0.5 * h, x + h
        q0 = a2 + math.exp(-x / b) / x - cent / (x * x)
        qm = a2 + math.exp(-xm / b) / xm - cent / (xm * xm)
        q1 = a2 + math.exp(-x1 / b) / x1 - cent / (x1 * x1)
        k1u, k1v = v, -q0 * u
        k2u = v + 0.5 * h * k1v
        k2v = -qm * (u + 0.5 * h * k1u)
        k3u = v + 0.5 * h * k2v
        k3v = -qm * (u + 0.5 * h * k2u)
        k4u = v + h * k3v
        k4v = -q1 * (u + h * k3u)
        u = u + h / 6.0 * (k1u + 2.0 * k2u + 2.0 * k3u + k4u)
        v = v + h / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
        x = x1
        steps += 1
        if steps % 64 == 0:   # keep magnitudes bounded (only ratios matter)
            norm = np.sqrt(u * u + v * v / np.maximum(a2, 1e-300)) + 1e-300
            u, v = u / norm, v / norm
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
    delta = np.where(numeric, delta, np.nan)
    return delta, numeric, steps


# ---------------------------------------------------------------------------
# Semi-classical (WKB) phase shifts for k/m_ϕ ≫ 1
# ---------------------------------------------------------------------------
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


def phase_shifts_wkb(a, b, lmax, tail_tol=1e-6):
    """WKB phase shifts with the Langer replacement ℓ(ℓ+1) → (ℓ+½)², ℓ = 0…lmax (scalar a, b).

    δ_ℓ = ∫_{x₀}^{X} (p − a) dx + a(X − x₀) − √(a²X² − λ²) + λ arccos(λ/(aX)),
    p = √(a² + e^{−x/b}/x − λ²/x²), x₀ the outermost turning point, X the matching
    radius (tail phase < ``tail_tol``); the free-wave phase is subtracted analytically.
    The integral uses x = x₀ + t² and composite Gauss–Legendre panels doubling in t.
    Partial waves with λ/a ≥ X never reach the potential: Born phases.
    """
    ell = np.arange(lmax + 1)
    lam = ell + 0.5
    x_end = matching_radius(a, b, tail_tol)
    delta = phase_shifts_born(a, b, lmax)
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
