"""Maxwell–Boltzmann velocity averages ⟨σ_T m_ϕ² k⟩/k̄ by the direct solver (dimensionless).
"""
import math

import numpy as np

from .born import B_BORN
from .solver import sigmaT_m2, sigmaT_m2_batch


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
