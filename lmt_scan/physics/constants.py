"""Physical constants and unit conversions: the one place that owns units.

Inside ``lmt_scan.physics`` every mass, energy and width is in **GeV** and every
cross section in GeV⁻² (natural units, ħ = c = k_B = 1).  The interfaces (run cards,
JSON, chains) use m_Z′, m_ϕ in MeV and M1 in GeV; conversions happen here only.

Values: PDG 2024 (Review of Particle Physics, PRD 110, 030001) unless noted.
"""
import math

# --- unit conversions (multiply a quantity in the left unit to get the right unit) ---
MeV_in_GeV = 1.0e-3            # 1 MeV = 1e-3 GeV
keV_in_GeV = 1.0e-6            # 1 keV = 1e-6 GeV
hbar_GeV_s = 6.582119569e-25   # ħ [GeV s]: lifetime τ[s] = ħ / Γ[GeV]
hbarc_GeV_cm = 1.973269804e-14  # ħc [GeV cm]: length[cm] = ħc / E[GeV]
c_cm_s = 2.99792458e10         # speed of light [cm/s]
c_km_s = 2.99792458e5          # speed of light [km/s]
GeV_in_g = 1.78266192e-24      # 1 GeV/c² in grams
GeV_inv2_in_cm2 = hbarc_GeV_cm ** 2            # 1 GeV⁻² = 3.894e-28 cm²
GeV_inv2_in_cm3_s = hbarc_GeV_cm ** 2 * c_cm_s  # σv: 1 GeV⁻² = 1.167e-17 cm³/s

# --- couplings ---
alpha_em = 1.0 / 137.035999084     # fine-structure constant at q² = 0
e_charge = math.sqrt(4.0 * math.pi * alpha_em)   # electric charge e (Heaviside–Lorentz)
G_F = 1.1663788e-5                 # Fermi constant [GeV⁻²]
sin2_theta_W = 0.23122             # sin²θ_W (MS-bar at M_Z); gives C_V ≈ 0.962 ≈ paper's 0.964
C_V_plasmon = 0.964                # C_V of the SM plasmon-decay operator (paper Sec. II A, Ref. [45])

# --- masses [GeV] ---
m_e = 0.51099895e-3
m_mu = 0.1056583755
m_tau = 1.77686
M_Z = 91.1876
M_Pl_reduced = 2.435e18            # reduced Planck mass [GeV] (paper Eq. 15)

# --- cosmology ---
sigmav_canonical_cm3_s = 3.0e-26   # canonical thermal ⟨σv⟩ (paper Sec. III A) [cm³/s]


def mev_to_gev(x_MeV):
    """Convert MeV → GeV (works on floats and arrays)."""
    return x_MeV * MeV_in_GeV


def width_to_lifetime_s(width_GeV):
    """Lifetime τ [s] from a total width Γ [GeV] (τ = ħ/Γ)."""
    return hbar_GeV_s / width_GeV


def cm3_s_to_GeV_inv2(sigmav_cm3_s):
    """Convert ⟨σv⟩ from cm³/s to natural units GeV⁻²."""
    return sigmav_cm3_s / GeV_inv2_in_cm3_s


def GeV_inv3_to_cm2_g(sigma_over_m):
    """Convert σ/m from GeV⁻³ (GeV⁻² per GeV) to cm²/g."""
    return sigma_over_m * GeV_inv2_in_cm2 / GeV_in_g


def km_s_to_c(v_km_s):
    """Velocity in km/s → fraction of c."""
    return v_km_s / c_km_s
