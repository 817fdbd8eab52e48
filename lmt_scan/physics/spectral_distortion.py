"""CMB spectral distortions from late electromagnetic energy injection (decaying particles).

Pure functions; energies in GeV, times in s.

A relic with n/n_γ = r (frozen), mass m, lifetime τ, that puts a fraction f of its mass into
e⁺e⁻ in a branching ratio B, heats the photons by

    d(Δρ/ρ_γ)/dz = r B f m / (2.701 T₀ (1+z)) · e^{−t(z)/τ} / τ · |dt/dz|,

(ρ_γ/n_γ = 2.701 T).  The distortions follow with the visibility functions of Chluba,
MNRAS 434 (2013) 352 (Eqs. 5–6 there; thermalisation redshift of Hu & Silk, PRD 48 (1993) 485):

    μ = 1.401 ∫ J_bb(z) (1 − J_y(z)) d(Δρ/ρ_γ),   y = ¼ ∫ J_y(z) d(Δρ/ρ_γ),
    J_bb = exp(−(z/1.98×10⁶)^{5/2}),  J_y = [1 + ((1+z)/6×10⁴)^{2.58}]⁻¹.

FIRAS (Fixsen et al., ApJ 473 (1996) 576): |μ| < 9×10⁻⁵ and |y| < 1.5×10⁻⁵ at 95 % CL.
Cosmology: Planck 2018 (arXiv:1807.06209) H₀ = 67.66 km/s/Mpc, Ω_m = 0.311, T₀ = 2.7255 K,
Ω_r h² = 4.18×10⁻⁵ (photons + 3.044 massless neutrinos); t(z) exact for matter + radiation.
"""
import math

import numpy as np

K_in_GeV = 8.617333262e-14            # Boltzmann constant [GeV/K]
T0_GeV = 2.7255 * K_in_GeV            # CMB temperature today [GeV]
H0_per_s = 67.66 / 3.0856775814913673e19   # H₀ [1/s] (km/s/Mpc → 1/s)
OMEGA_M = 0.311
OMEGA_R = 4.18e-5 / 0.6766 ** 2
Z_DC = 1.98e6                          # double-Compton thermalisation redshift (Hu & Silk)
Z_MU_Y = 6.0e4                         # μ–y transition (Chluba 2013)
FIRAS_MU_95 = 9.0e-5
FIRAS_Y_95 = 1.5e-5
RHO_OVER_N_GAMMA = math.pi ** 4 / (30.0 * 1.2020569031595942)   # = 2.701


def cosmic_time_s(z):
    """t(z) [s] for matter + radiation: H₀t = 2 a_eq^{3/2}/(3√Ω_m) [(x−2)√(1+x) + 2], x = a/a_eq."""
    a_eq = OMEGA_R / OMEGA_M
    x = 1.0 / ((1.0 + np.asarray(z, float)) * a_eq)
    # series for x ≪ 1 avoids the cancellation in (x−2)√(1+x) + 2 = ¾x² − ¼x³ + …
    bracket = np.where(x < 1e-3, 0.75 * x ** 2 - 0.25 * x ** 3 + 0.09375 * x ** 4,
                       (x - 2.0) * np.sqrt(1.0 + x) + 2.0)
    return 2.0 * a_eq ** 1.5 / (3.0 * math.sqrt(OMEGA_M) * H0_per_s) * bracket


def hubble_per_s(z):
    """H(z) [1/s] for matter + radiation."""
    zp1 = 1.0 + np.asarray(z, float)
    return H0_per_s * np.sqrt(OMEGA_R * zp1 ** 4 + OMEGA_M * zp1 ** 3)


def visibility_mu_y(z):
    """(J_μ, J_y) at redshift z (Chluba 2013)."""
    z = np.asarray(z, float)
    j_y = 1.0 / (1.0 + ((1.0 + z) / Z_MU_Y) ** 2.58)
    j_bb = np.exp(-(z / Z_DC) ** 2.5)
    return j_bb * (1.0 - j_y), j_y


def distortions_from_decay(energy_per_photon_GeV, lifetime_s, z_min=200.0, z_max=1.0e9,
                           n=4000):
    """(μ, y) from a decay injecting ``energy_per_photon_GeV`` = (n_X/n_γ)·B·f·m [GeV] of
    electromagnetic energy with lifetime ``lifetime_s`` (injection below z_min is ignored:
    it goes into recombination-era physics, not FIRAS's spectrum)."""
    ln_zp1 = np.linspace(math.log1p(z_min), math.log1p(z_max), n)
    z = np.expm1(ln_zp1)
    t = cosmic_time_s(z)
    # d(Δρ/ρ_γ)/d ln(1+z) = E/(2.701 T₀(1+z)) e^{−t/τ}/τ · 1/H
    rate = (energy_per_photon_GeV / (RHO_OVER_N_GAMMA * T0_GeV * (1.0 + z))
            * np.exp(-t / lifetime_s) / lifetime_s / hubble_per_s(z))
    j_mu, j_y = visibility_mu_y(z)
    mu = 1.401 * np.trapezoid(j_mu * rate, ln_zp1)
    y = 0.25 * np.trapezoid(j_y * rate, ln_zp1)
    return float(mu), float(y)
