"""Derived quantities of the Z′ sector (Sec. II, Eqs. 3, 5, 8, 9, 14).

Every provider here works on a ModelPoint and, unchanged, on a ModelBatch (``batched=True``):
the physics functions take floats or arrays."""
from ..physics import constants as c
from ..physics import neutrino_scattering, zprime
from .registry import derived_quantity, model_setting


@derived_quantity("eps_AZp", "", "A–Z′ kinetic mixing ε_AZ′, Eq. (3)", batched=True)
def _eps_AZp(point):
    return zprime.eps_AZp(point.g_p)


@derived_quantity("eps_ZZp", "", "Z–Z′ mixing ε_ZZ′, Eq. (5)", batched=True)
def _eps_ZZp(point):
    return zprime.eps_ZZp(point.g_p)


@derived_quantity("widths_Zp_GeV", "GeV", "Z′ partial widths (νν̄, e⁺e⁻ Eq. 14, μ⁺μ⁻, τ⁺τ⁻)",
                  keys=("nunu", "ee", "mumu", "tautau"), batched=True)
def _widths_Zp(point):
    return zprime.Zp_partial_widths(point.m_Zp_GeV, point.g_p)


@derived_quantity("width_Zp_GeV", "GeV", "total Z′ width", batched=True)
def _width_Zp(point):
    return sum(point["widths_Zp_GeV"].values())


@derived_quantity("tau_Zp_s", "s", "Z′ lifetime (cf. Eq. 9)", batched=True)
def _tau_Zp(point):
    return c.width_to_lifetime_s(point["width_Zp_GeV"])


@derived_quantity("delta_a_mu", "", "Z′ contribution to a_μ, Eq. (8)", batched=True)
def _delta_a_mu(point):
    return zprime.delta_a_mu(point.m_Zp_GeV, point.g_p)


@derived_quantity("wd_ratio", "", "|G_Z′|/(C_V G_F), white-dwarf plasmon cooling (Sec. II A)",
                  batched=True)
def _wd_ratio(point):
    return zprime.white_dwarf_ratio(point.m_Zp_GeV, point.g_p)


@derived_quantity("borexino_ratio", "", "⁷Be ν–e rate with Z′ / SM rate (App. A; model settings "
                  "borexino_mode, borexino_mu_fraction)", batched=True)
def _borexino_ratio(point):
    s = point.settings
    return neutrino_scattering.borexino_rate_ratio(
        point.m_Zp_GeV, point.g_p, mode=s["borexino_mode"], mu_fraction=s["borexino_mu_fraction"])

model_setting("borexino_mode", str, "physical",
              "App. A, Eq. (A5): 'physical' weights ν_μ and ν_τ by borexino_mu_fraction with "
              "opposite-sign interference (charges ±1); 'paper' sums both with the printed A3 sign",
              choices=("physical", "paper"))
model_setting("borexino_mu_fraction", float, 0.5,
              "fraction of the oscillated (non-ν_e) solar flux arriving as ν_μ (rest ν_τ)",
              minimum=0.0, maximum=1.0)
