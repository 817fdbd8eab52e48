"""Identical-fermion transfer cross section from phase shifts (paper Eqs. 23–25).

σ_T·k² as a function of the phase shifts δ_ℓ (dimensionless; k in units of m_ϕ).
"""
import math

import numpy as np


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


def identical_fermion_form(lmax):
    """(diagonal weights w_ℓ(2ℓ+1), matrix w (2ℓ+1)(2ℓ'+1) X_{ℓℓ'}) of Eq. (25) for
    ℓ, ℓ' ≤ lmax, w = 1 (even) or 3 (odd): σ_T k² = 2π[Σ d_ℓ sin²δ_ℓ − rᵀMr − sᵀMs] with
    r_ℓ = ½ sin 2δ_ℓ, s_ℓ = sin²δ_ℓ — the dense form of :func:`sigmaT_k2_from_phases`
    for few waves (:func:`sigmaT_k2_few_waves`)."""
    ell = np.arange(lmax + 1)
    weight = np.where(ell % 2 == 0, 1.0, 3.0)
    c = 2 * ell + 1
    return weight * c, weight[:, None] * np.outer(c, c) * half_range_legendre_matrix(lmax)


def sigmaT_k2_few_waves(delta, form, ratio=None):
    """σ_T·k² from phases ``delta`` (..., L+1) with ``form`` = identical_fermion_form(L);
    or, with ``delta=None``, from ``ratio`` = (cos-part, sin-part) arrays with
    tan δ_ℓ = sin-part/cos-part (no trigonometric functions needed)."""
    diagonal, matrix = form
    if delta is None:
        x, y = ratio
        inverse = 1.0 / (x * x + y * y)
        sin2, re = y * y * inverse, x * y * inverse          # sin²δ, ½ sin 2δ
    else:
        sin2 = np.sin(delta) ** 2
        re = 0.5 * np.sin(2.0 * delta)
    quadratic = np.sum((re @ matrix) * re + (sin2 @ matrix) * sin2, axis=-1)
    return 2.0 * math.pi * (sin2 @ diagonal - quadratic)


def sigmaT_k2_distinguishable(delta):
    """σ_T·k² for distinguishable particles, 4π Σ (ℓ+1) sin²(δ_{ℓ+1} − δ_ℓ) (for comparison)."""
    delta = np.asarray(delta, dtype=float)
    ell = np.arange(delta.shape[-1] - 1)
    return 4.0 * math.pi * np.sum((ell + 1) * np.sin(delta[..., 1:] - delta[..., :-1]) ** 2, axis=-1)
