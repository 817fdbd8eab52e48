"""Born approximation of the identical-fermion Yukawa problem (closed form, phases).

Dimensionless variables as in :mod:`lmt_scan.physics.self_scattering` (a = v/2α_X, b = α_X M1/m_ϕ);
cross sections as σ·m_ϕ².
"""
import math

import numpy as np


B_BORN = 1e-4            # below this b the Born formula is exact to < 10⁻⁴ (test_self_scattering)
A_BORN = 500.0           # for α_X/v = 1/(2a) < 10⁻³ and k ≥ 1 Born is exact to < 10⁻³ (∝ 1/a),
                         # while the long partial-wave sums lose precision (σ_T ≪ σ)


def born_applies(a, b):
    """Where :func:`sigmaT_m2` uses the Born formula: b ≤ B_BORN, or a ≥ A_BORN with k ≥ 1."""
    a, b = np.asarray(a), np.asarray(b)
    return (b <= B_BORN) | ((a >= A_BORN) & (a * b >= 1.0))


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


def phase_shifts_born_batch(a, b, lmax):
    """Born phases δ_ℓ, ℓ = 0…lmax, at an array of ``a`` (shape (len(a), lmax+1))."""
    return np.array([phase_shifts_born(ai, b, lmax) for ai in np.atleast_1d(a)])
