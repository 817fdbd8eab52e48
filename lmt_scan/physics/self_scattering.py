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

* **Born** (b ≤ ``B_BORN``, or α_X/v < 10⁻³ at k ≥ 1): closed-form identical-fermion Born
  σ_T (:func:`sigmaT_born_m2`); its error is ≈ b at low k (10⁻⁴ at the switch) and
  ≈ 1/(3a) at k ≥ 1 (< 10⁻³ at the switch a = ``A_BORN``).
* **Partial waves** (k/m_ϕ ≤ ``K_SEMICLASSICAL``): phase shifts from the radial equation
  (:func:`phase_shifts_numeric`: RK4 on a grid of fixed phase advance ``dphi`` per step,
  all ℓ at once, matched to Riccati–Bessel functions at the radius where the neglected
  potential tail can change a phase by less than ``tail_tol``·min(1, δ₀ᴮ) — not where
  V/E is small, which leaves percent errors at weak coupling), and the analytic Born
  phases Q_ℓ(1 + 1/(2a²b²))/(2a) for partial waves whose centrifugal barrier exceeds
  the potential tenfold everywhere inside that radius.  Converged to ~10⁻⁴ relative
  (``benchmarks/sidm.py`` tightens every knob).
* **Semi-classical** (k/m_ϕ > ``K_SEMICLASSICAL``, where hundreds to thousands of waves
  contribute): the same exact identical-particle sum over WKB (Langer) phase shifts plus
  the first-order quantum correction Born − eikonal (:func:`phase_shifts_semiclassical`);
  ≲ 1 % from the partial waves at the switch, and the classical limit of the
  distinguishable σ_T matches the published fits (tests).

Partial-wave convergence criterion: the sum runs over ℓ until the Born phase shift
(monotone in ℓ and exact where this bites) has fallen below ``PHASE_TOL``·min(1, δ₀ᴮ),
plus 5 more waves; the neglected tail then changes σ_T by ≪ 10⁻⁶ relative.  The
angular sum costs O(L log L) (:func:`_half_range_form`), so L ~ 10⁴ is cheap.
"""
import math

import numpy as np
from scipy.special import gammaln, spherical_jn, spherical_yn

B_BORN = 1e-4            # below this b the Born formula is exact to < 10⁻⁴ (test_self_scattering)
A_BORN = 500.0           # for α_X/v = 1/(2a) < 10⁻³ and k ≥ 1 Born is exact to < 10⁻³ (∝ 1/a),
                         # while the long partial-wave sums lose precision (σ_T ≪ σ)
K_SEMICLASSICAL = 20.0   # above this k/m_ϕ semi-classical phases replace the numerical ones


def born_applies(a, b):
    """Where :func:`sigmaT_m2` uses the Born formula: b ≤ B_BORN, or a ≥ A_BORN with k ≥ 1."""
    a, b = np.asarray(a), np.asarray(b)
    return (b <= B_BORN) | ((a >= A_BORN) & (a * b >= 1.0))


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
    # start where the ratio Q_{ℓ+1}/Q_ℓ → e^{−η} has converged to double precision
    start = lmax + 20 + int(np.ceil(float(np.max(20.0 / np.maximum(eta, 1e-3)))))
    q = np.zeros(z.shape[:-1] + (lmax + 1,))
    q_next = np.zeros(z.shape)
    q_cur = np.full(z.shape, 1e-280)
    for ell in range(start, 0, -1):
        # (ℓ+1) Q_{ℓ+1} = (2ℓ+1) z Q_ℓ − ℓ Q_{ℓ−1}  ⇒  Q_{ℓ−1} = ((2ℓ+1) z Q_ℓ − (ℓ+1) Q_{ℓ+1})/ℓ
        q_prev = ((2 * ell + 1) * z * q_cur - (ell + 1) * q_next) / ell
        if ell <= lmax:
            q[..., ell] = q_cur[..., 0]
        q_next, q_cur = q_cur, q_prev
        if ell % 32 == 0 and np.max(np.abs(q_cur)) > 1e200:
            # rescale to avoid overflow (only ratios matter until the final normalisation)
            scale = np.where(np.abs(q_cur) > 1e200, 1e-200, 1.0)
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


def _half_range_form(v, parity):
    """Σ_{ℓℓ'} v_ℓ v_ℓ' X_{ℓℓ'} over ℓ, ℓ' of one ``parity`` (v: (..., L+1)), in O(L log L).

    Writing x P_ℓ = Σ_m C_{ℓm} P_m (m = ℓ ± 1) turns the form into Σ_{e,o} α_e β_o K(e, o)
    over even e and odd o, with K(e, o) = P_e(0)·o P_{o−1}(0)/((o − e)(o + e + 1)).
    Since 1/((o−e)(o+e+1)) = [1/(o−e) − 1/(o+e+1)]/(2e+1), the double sum is one
    Toeplitz and one Hankel product, done by FFT convolution.
    """
    lmax = v.shape[-1] - 1
    n = lmax // 2 + 2                         # even e = 2i, odd o = 2j+1, i, j < n
    ell = np.arange(lmax + 1)
    vv = np.where(ell % 2 == parity, v, 0.0)
    # w_m = Σ_ℓ v_ℓ C_{ℓm}:  C_{ℓ,ℓ+1} = (ℓ+1)/(2ℓ+1),  C_{ℓ,ℓ−1} = ℓ/(2ℓ+1)
    w = np.zeros(v.shape[:-1] + (lmax + 2,))
    w[..., 1:] += vv * (ell + 1) / (2 * ell + 1)
    w[..., :-2] += (vv * ell / (2 * ell + 1))[..., 1:]
    padded_v = np.zeros(v.shape[:-1] + (2 * n,))
    padded_w = np.zeros_like(padded_v)
    padded_v[..., : lmax + 1] = vv
    padded_w[..., : lmax + 2] = w
    even, odd = (padded_v, padded_w) if parity == 0 else (padded_w, padded_v)
    p0 = legendre_at_zero(2 * n)
    i = np.arange(n)
    alpha = even[..., 0::2] * p0[0::2][:n] / (4 * i + 1)          # α_e/(2e+1)
    beta = odd[..., 1::2] * (2 * i + 1) * p0[0::2][:n]             # β_o = o P_{o−1}(0)
    t = np.arange(2 * n - 1)
    toeplitz_kernel = 1.0 / (2.0 * (n - 1 - t) + 1.0)              # g(d) = 1/(2d+1), d = j − i
    hankel_kernel = 1.0 / (2.0 * (t + 1.0))                        # h(s) = 1/(2(s+1)), s = i + j
    t1 = _convolve(beta, toeplitz_kernel)[..., n - 1: 2 * n - 1]
    t2 = _convolve(beta[..., ::-1], hankel_kernel)[..., n - 1: 2 * n - 1]
    return np.sum(alpha * (t1 - t2), axis=-1)


def _convolve(signal, kernel):
    """Full linear convolution along the last axis (direct for short, FFT for long input)."""
    size = signal.shape[-1] + kernel.size - 1
    if signal.shape[-1] <= 64:
        flat = signal.reshape(-1, signal.shape[-1])
        return np.array([np.convolve(row, kernel) for row in flat]).reshape(signal.shape[:-1] + (size,))
    n_fft = 1 << (size - 1).bit_length()
    spectrum = np.fft.rfft(signal, n_fft, axis=-1) * np.fft.rfft(kernel, n_fft)
    return np.fft.irfft(spectrum, n_fft, axis=-1)[..., :size]


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
    re = c * 0.5 * np.sin(2.0 * delta)
    im = c * sin2
    quadratic = sum(w * (_half_range_form(re, parity) + _half_range_form(im, parity))
                    for parity, w in ((0, 1.0), (1, 3.0)))
    return 2.0 * math.pi * (diagonal - quadratic)


def sigmaT_k2_distinguishable(delta):
    """σ_T·k² for distinguishable particles, 4π Σ (ℓ+1) sin²(δ_{ℓ+1} − δ_ℓ) (for comparison)."""
    delta = np.asarray(delta, dtype=float)
    ell = np.arange(delta.shape[-1] - 1)
    return 4.0 * math.pi * np.sum((ell + 1) * np.sin(delta[..., 1:] - delta[..., :-1]) ** 2, axis=-1)


# ---------------------------------------------------------------------------
# Numerical phase shifts (radial Schrödinger equation, Eq. 22)
# ---------------------------------------------------------------------------
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


def phase_shifts_numeric(a, b, lmax, dphi=0.06, tail_tol=1e-6, start_decay=12.0, born_reach=0.1,
                         return_swave=False):
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
    if return_swave:
        # (a N cos δ₀, N sin δ₀) of u₀ = N sin(ax + δ₀) with u₀ ≈ x at the origin: smooth
        # (entire) in b and k even where δ₀ jumps through a narrow zero-energy resonance
        swave = (am[:, 0] * dy[:, 0] * u[:, 0] - y[:, 0] * v[:, 0],
                 (am[:, 0] * dj[:, 0] * u[:, 0] - j[:, 0] * v[:, 0]) / a)
        return delta, numeric, steps, swave
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


# ---------------------------------------------------------------------------
# σ_T: method selection
# ---------------------------------------------------------------------------
PHASE_TOL = 1e-9   # partial-wave sum stops where the Born phase < PHASE_TOL·min(1, δ₀ᴮ)
WKB_BORN_BLEND = 0.3   # a-scale of the first-order quantum correction to WKB phases


def partial_wave_count(a, b, phase_tol=PHASE_TOL):
    """Number of partial waves for the sum at (a, b), and their Born phases: the Born
    phases (monotone in ℓ, accurate where this criterion bites) fall below
    ``phase_tol``·min(1, δ₀ᴮ) beyond it."""
    k = a * b
    scale = min(1.0, math.log1p(4.0 * k * k) / (4.0 * a))
    guess = int(k * (math.log(max(1.0 / (a * phase_tol * scale), 2.0)) + 5.0)) + 12
    born = phase_shifts_born(a, b, guess)
    small = np.nonzero(born < phase_tol * scale)[0]
    count = min(int(small[0]) + 5, guess + 1) if small.size else guess + 1
    return count, born[:count]


def phase_shifts(a, b, dphi=0.06, tail_tol=1e-6, phase_tol=PHASE_TOL, start_decay=12.0):
    """All phase shifts needed for σ_T at scalar (a, b) with the partial-wave method:
    numerical where the potential matters, Born elsewhere (see the module docstring)."""
    lmax, delta = partial_wave_count(a, b, phase_tol)
    numeric, solved, _ = phase_shifts_numeric(np.array([a]), b, lmax - 1, dphi=dphi,
                                              tail_tol=tail_tol, start_decay=start_decay)
    return np.where(solved[0], numeric[0], delta)


def phase_shifts_semiclassical(a, b, phase_tol=PHASE_TOL):
    """WKB phases plus the first-order quantum correction Q_ℓ(z)/(2a) − K₀((ℓ+½)/k)/(2a)
    (Born minus its semi-classical limit), weighted by a²/(a² + WKB_BORN_BLEND²): at weak
    coupling the correction removes the WKB error, at strong coupling it would overcorrect."""
    from scipy.special import k0
    lmax, born = partial_wave_count(a, b, phase_tol)
    lam = np.arange(lmax) + 0.5
    correction = born - k0(lam / (a * b)) / (2.0 * a)
    blend = a * a / (a * a + WKB_BORN_BLEND ** 2)
    return phase_shifts_wkb(a, b, lmax - 1, born=born) + blend * correction


def sigmaT_m2(a, b, method="auto", **knobs):
    """σ_T·m_ϕ² for identical Majorana fermions at (a, b) (Eqs. 22–25); scalar inputs.

    ``method``: "auto" (Born where :func:`born_applies`, partial waves for
    k = ab ≤ K_SEMICLASSICAL, semi-classical above), or force "born", "partial_waves",
    "semiclassical".
    ``knobs`` are passed to :func:`phase_shifts` (convergence tests).
    """
    a, b = float(a), float(b)
    k = a * b
    if method == "auto":
        method = ("born" if born_applies(a, b) else
                  "partial_waves" if k <= K_SEMICLASSICAL else "semiclassical")
    if method == "born":
        return float(sigmaT_born_m2(a, b))
    if method == "partial_waves":
        delta = phase_shifts(a, b, **knobs)
    elif method == "semiclassical":
        delta = phase_shifts_semiclassical(a, b, knobs.get("phase_tol", PHASE_TOL))
    else:
        raise ValueError(f"unknown method {method!r}")
    return float(sigmaT_k2_from_phases(delta) / (k * k))


def sigmaT_m2_batch(a, b, return_swave=False, **knobs):
    """σ_T·m_ϕ² at many velocities ``a`` (array) for one b with the partial-wave method,
    integrating all of them on one shared grid (efficient when the a span ≲ 10×).
    With ``return_swave`` also the s-wave pair (P, Q) of :func:`phase_shifts_numeric`."""
    a = np.asarray(a, dtype=float)
    phase_tol = knobs.pop("phase_tol", PHASE_TOL)
    counts, borns = zip(*(partial_wave_count(ai, b, phase_tol) for ai in a))
    lmax = max(counts)
    numeric, solved, _, swave = phase_shifts_numeric(a, b, lmax - 1, return_swave=True, **knobs)
    out = np.empty(a.size)
    for i, ai in enumerate(a):
        delta = np.where(solved[i, : counts[i]], numeric[i, : counts[i]], borns[i])
        out[i] = sigmaT_k2_from_phases(delta) / (ai * b) ** 2
    return (out, swave) if return_swave else out


def swave_sigma_m2(a, b, p, q):
    """The s-wave part π sin²δ₀/k² of σ_T·m_ϕ² (Eq. 25 for ℓ = 0) from the pair (P, Q)."""
    aq = a * q
    return math.pi * b ** -2 * q * q / (aq * aq + p * p)


# ---------------------------------------------------------------------------
# Velocity averaging
# ---------------------------------------------------------------------------
def maxwell_boltzmann(v, v0):
    """f(v) = √(2/π) v²/v₀³ exp(−v²/2v₀²), normalised on v ≥ 0 (mean ⟨v⟩ = √(8/π) v₀)."""
    return math.sqrt(2.0 / math.pi) * v * v / v0 ** 3 * np.exp(-0.5 * (v / v0) ** 2)


def mean_to_mode_scale(v_mean):
    """v₀ = √(π/8)·⟨v⟩ of the Maxwell–Boltzmann distribution with mean ⟨v⟩."""
    return math.sqrt(math.pi / 8.0) * v_mean


def velocity_average_m2(kbar, b, sigma_m2=None, nodes_per_decade=64):
    """⟨σ_T m_ϕ² k⟩/k̄ over the Maxwell–Boltzmann distribution of k ∝ v with mean k̄ (scalar).

    ``sigma_m2(a, b)`` defaults to :func:`sigmaT_m2`.  Trapezoid in ln k over
    [k̄/1000, 5k̄] with ``nodes_per_decade`` nodes (outside, the MB weight k³e^{−k²/2k₀²}
    holds < 10⁻⁶ of the integral even for σ ∝ 1/k²); resonances narrower than the node
    spacing (≈ 4 % at 64 per decade) are not resolved by this direct fallback.
    Then ⟨σ_T v⟩ = k̄-average × ⟨v⟩/m_ϕ².
    """
    k0 = mean_to_mode_scale(kbar)
    k = np.logspace(math.log10(kbar / 1000.0), math.log10(5.0 * kbar),
                    int(math.log10(5000.0) * nodes_per_decade) + 1)
    if sigma_m2 is None and b > B_BORN:
        # slow velocities share one integration grid (k ≤ 3), the rest one by one
        shared = k <= 3.0
        sigma = np.empty(k.size)
        sigma[shared] = sigmaT_m2_batch(k[shared] / b, b) if shared.any() else 0.0
        sigma[~shared] = [sigmaT_m2(ki / b, b) for ki in k[~shared]]
    else:
        sigma_m2 = sigmaT_m2 if sigma_m2 is None else sigma_m2
        sigma = np.array([sigma_m2(ki / b, b) for ki in k])
    weight = maxwell_boltzmann(k, k0) * k * k
    return float(np.trapezoid(weight * sigma, np.log(k)) / kbar)
