"""Derived quantities of the dark sector: relic Yukawa y (Eqs. 20–21), masses, ϕ lifetime (App. C)."""
import math

from ..errors import PointRejected
from ..physics import constants as c
from ..physics import dark_sector, phi_late
from .registry import derived_quantity, model_setting

model_setting("x_f", float, 20.0, "freeze-out x_f = M1/T_f at which Eq. (21) is imposed "
              "(Sec. III A: x_f = 20)",
              minimum=1.0)
model_setting("sigmav_target_cm3_s", float, c.sigmav_canonical_cm3_s,
              "canonical ⟨σv⟩ [cm³/s] that ⟨σv⟩_eff must equal (Sec. III A)",
              minimum=0.0, exclusive_minimum=True)
model_setting("require_relic", bool, True,
              "reject points (log L = −∞) where no relic-density Yukawa exists or the "
              "pseudo-Dirac condition fails, whether or not a likelihood reads y")
model_setting("pseudo_dirac_max", float, 0.5,
              "largest y·v_Φ/m_N accepted as pseudo-Dirac (m_N ≫ y v_Φ, Sec. III)",
              minimum=0.0, exclusive_minimum=True)


@derived_quantity("v_Phi_GeV", "GeV", "U(1)_{Lμ−Lτ} breaking VEV v_Φ = m_Z′/g′")
def _v_phi(point):
    return dark_sector.vev_Phi(point.m_Zp_GeV, point.g_p)


@derived_quantity("y", "", "Yukawa coupling fixed by the relic density, Eqs. (20)–(21)")
def _y(point):
    s = point.settings
    target = c.cm3_s_to_GeV_inv2(s["sigmav_target_cm3_s"])
    y = dark_sector.relic_yukawa(point.M1_GeV, point["v_Phi_GeV"], target, s["x_f"])
    if y is None:
        raise PointRejected("no_relic_solution")
    if y * point["v_Phi_GeV"] / dark_sector.dirac_mass(point.M1_GeV, y, point["v_Phi_GeV"]) \
            > s["pseudo_dirac_max"]:
        raise PointRejected("pseudo_dirac_violated")
    return y


@derived_quantity("alpha_X", "", "dark fine-structure constant α_X = y²/4π (Eq. 22)")
def _alpha_x(point):
    return point["y"] ** 2 / (4.0 * math.pi)


@derived_quantity("m_N", "GeV", "Dirac mass m_N = M1 + y v_Φ/√2")
def _m_n(point):
    return dark_sector.dirac_mass(point.M1_GeV, point["y"], point["v_Phi_GeV"])


@derived_quantity("delta_M", "GeV", "mass splitting ΔM = M2 − M1 = √2 y v_Φ")
def _delta_m(point):
    return dark_sector.mass_splitting(point["y"], point["v_Phi_GeV"])


@derived_quantity("M2", "GeV", "heavier Majorana state M2 = M1 + ΔM")
def _m2(point):
    return point.M1_GeV + point["delta_M"]


@derived_quantity("width_phi_GeV", "GeV", "ϕ width: Eqs. (C1)–(C5) above m_Z′ (+ the doubly "
                  "off-shell part near threshold), ϕ → Z′*Z′* → 4ν, ννe⁺e⁻, ννμ⁺μ⁻ below")
def _width_phi(point):
    w = point["width_Zp_GeV"] / point.m_Zp_GeV
    return dark_sector.width_phi(point.m_phi_GeV, point.m_Zp_GeV, point.g_p, w)


@derived_quantity("tau_phi_s", "s", "ϕ lifetime ħ/Γ_ϕ (App. C above m_Z′, off-shell Z′ below)")
def _tau_phi(point):
    width = point["width_phi_GeV"]
    return c.width_to_lifetime_s(width) if width > 0.0 else math.inf


# not stored: ~10 ms per point below m_Z′ (three four-body integrals and the decoupling
# temperature); computed when a likelihood (phi_cmb) asks for it
@derived_quantity("phi_cmb_distortion", "", "CMB μ and y distortions from late ϕ → ννe⁺e⁻ "
                  "decays (m_ϕ < m_Z′, Sec. II B remark; 0 for m_ϕ ≥ m_Z′ or m_ϕ ≤ 2m_e)",
                  keys=("mu", "y"), store=False)
def _phi_cmb_distortion(point):
    m_phi, m_Zp = point.m_phi_GeV, point.m_Zp_GeV
    if m_phi >= m_Zp or m_phi <= 2.0 * c.m_e:
        return {"mu": 0.0, "y": 0.0}
    mu, y, _ = phi_late.cmb_distortions(m_phi, m_Zp, point.g_p)
    if not (math.isfinite(mu) and math.isfinite(y)):
        raise PointRejected("phi_cmb_failed")
    return {"mu": mu, "y": y}
