"""Every default that changes physics, pinned once, next to its source.

Model settings, the likelihoods' default options, the data-set values behind the default
data sets and the constants in ``lmt_scan/physics/constants.py``.  The tables below are
complete: a new setting or option fails here until it is pinned with its citation.
"Paper" is arXiv:1805.00651 (Kamada, Kaneta, Yanagi, Yu 2018).  The g−2 data sets are pinned
in ``test_muon_g2_data.py``.
"""
import functools
import math

import pytest
import yaml
from scipy.optimize import brentq

from lmt_scan.physics import constants as c
from lmt_scan.plugins import LIKELIHOOD_GROUP, installed_plugins
from lmt_scan.point import ModelPoint, model_settings

from conftest import REPO

# pytest.approx's hidden abs=1e-12 would pass any comparison of quantities ≪ 1e-12
# (lifetimes in s, widths in GeV, densities in GeV⁴): relative tolerance only
approx = functools.partial(pytest.approx, rel=1e-6, abs=0.0)

MODEL_SETTINGS = {
    "x_f": 20.0,                       # paper Sec. III A, below Eq. (21): "at x_f = 20"
    "sigmav_target_cm3_s": 3e-26,      # paper Sec. III A: ⟨σ_ann v⟩_can = 3 × 10⁻²⁶ cm³/s
    "require_relic": True,             # paper Sec. III A: y is fixed by the relic density
    "pseudo_dirac_max": 0.5,           # ours: m_N ≫ y v_Φ (Sec. III) read as y v_Φ/m_N ≤ 0.5
    "sidm_outside_table": "reject",    # ours: speed (lmt_scan/tables/sidm/README.md)
    "neff_T_dec_MeV": 1.5,             # paper Sec. II B: "T = T_ν-dec ≃ 1.5 MeV"
    "neff_method": "table",            # ours: table vs direct solve agree (test_thermal_history)
    "neff_decoupling": "instantaneous",  # paper Sec. II B: three baths, instantaneous decoupling
    "borexino_mode": "physical",       # ours: Eq. (A5) with the ν_τ sign flipped (README)
    "borexino_mu_fraction": 0.5,       # maximal θ23 mixing: ν_μ : ν_τ = 1 : 1 (PDG 2024, ν mixing)
}

LIKELIHOOD_OPTIONS = {
    "muon_g2": {"dataset": "paper2018_a"},        # paper Fig. 1: Δa_μ = (26.1 ± 8.0)×10⁻¹⁰
    "white_dwarf": {"limit": 1.0,                 # paper Sec. II A: |G_Z′| ≲ C_V G_F
                    "shape": "smooth", "limit_sigma": 1.96},   # the bound read as 95 % CL
    "borexino": {"tolerance": 0.08,               # paper Sec. II A / App. A: "no more than 8 %"
                 "shape": "smooth", "limit_sigma": 1.96},
    "babar_mumu": {"shape": "smooth",
                   "limit_chi2": 2.71},           # BaBar PRD 94 (2016) 011102: 90 % CL, Δχ² = 2.71
    "ccfr_trident": {"theory_sigma": 0.0},        # Mishra et al. PRL 66 (1991) 3117: its error only
    "charm2_trident": {"theory_sigma": 0.0},      # Geiregat et al. PLB 245 (1990) 271
    "neff": {"dataset": "planck2018", "shape": "gaussian", "sm_shift": True,
             "sm_value": 3.044},                  # Bennett et al. JCAP 04 (2021) 073: 3.0440
    "limit_curve": {"file": "Borexino_Bauer2018onh",   # the recast of the paper's App. A data
                    "mass_unit": "GeV", "cl": None,     # cl/power None: the curve's own
                    "shape": "smooth", "power": None,   # (likelihoods/data/limits_2025/curves.yaml)
                    "citation": ""},
    "phi_cmb": {"shape": "hard",                 # paper Sec. II B: "the COBE constraint [50]"
                "mu_limit": 9e-5, "y_limit": 1.5e-5,   # FIRAS 95 %, Fixsen et al. ApJ 473 (1996)
                "limit_sigma": 1.96},
    "phi_bbn": {"criterion": "mass",              # paper Fig. 2 gray region: m_ϕ < m_Z′ excluded
                "max_lifetime_s": 1.0},           # paper App. C: τ_ϕ ≲ 1 s before BBN
    "sidm_halos": {"classes": ["dwarf", "LSB", "cluster"],   # KTY16, PRL 116, 041302: all 18
                   "velocity_errors": False, "datasets": ["kty16"],
                   "sagunski_groups_v_kms": 1100.0,     # ours: mid-points of the ranges in
                   "sagunski_clusters_v_kms": 1750.0},  # likelihoods/data/sidm_after_kty16.yaml
    "sidm_targets": {                             # paper Sec. III B and Fig. 2 (cm²/g):
        "dwarf_min": 1.0, "dwarf_max": 10.0,      # dwarfs 1–10 at v = 30 km/s
        "milky_way_min": 0.1, "milky_way_max": 1.0,   # Milky Way 0.1–1 at 200 km/s
        "cluster_min": 0.0, "cluster_max": 0.1,   # clusters < 0.1 at 1000 km/s
        "dwarf_softness": 0.1, "milky_way_softness": 0.1, "cluster_softness": 0.1,  # ours [dex]
        "use": ["dwarf", "milky_way", "cluster"],
        "upper_limits": [], "upper_limit_softness": 0.1,   # newer cluster limits off; ours [dex]
        "sagunski_clusters_v_kms": 1750.0},   # NOT verified: mid-point of 1500–2000 (data README)
}

NEFF_DATA = {                    # likelihoods/data/neff.yaml: (mean, σ, upper limit or None)
    "planck2015_paper": (3.04, 0.168, 3.5),   # paper Sec. II B: N_eff < 3.5 [38]; 0.33/1.96
    "planck2018": (2.99, 0.17, None),         # Planck 2018 VI, arXiv:1807.06209, Eq. (95 %)/2
    "act_dr6_bbn": (2.89, 0.11, None),        # ACT DR6 + BBN, arXiv:2503.14454 abstract
    "goldstein_hill2026": (2.990, 0.070, None),   # Goldstein & Hill, arXiv:2603.13226 (preprint)
    "act_dr6_desi": (2.86, 0.13, None),       # ACT DR6, arXiv:2503.14454 (P-ACT-LB)
}
TRIDENT_DATA = {"ccfr": (0.82, 0.28),         # CCFR, PRL 66 (1991) 3117 (paper Ref. [40])
                "charm2": (1.58, 0.57)}       # CHARM-II, PLB 245 (1990) 271 (paper Ref. [39])

CONSTANTS = {                    # PDG 2024 (PRD 110, 030001) unless noted
    "alpha_em": 1 / 137.035999084, "G_F": 1.1663788e-5, "sin2_theta_W": 0.23122,
    "C_V_plasmon": 0.964,        # paper Sec. II A, Ref. [45]
    "m_e": 0.51099895e-3, "m_mu": 0.1056583755, "m_tau": 1.77686, "M_Z": 91.1876,
    "M_Pl_reduced": 2.435e18,    # paper Eq. (15)
    "hbar_GeV_s": 6.582119569e-25, "hbarc_GeV_cm": 1.973269804e-14, "c_cm_s": 2.99792458e10,
    "GeV_in_g": 1.78266192e-24,
}


def test_model_settings_defaults():
    assert model_settings() == MODEL_SETTINGS


def test_likelihood_default_options():
    plugins = installed_plugins(LIKELIHOOD_GROUP)
    assert set(plugins) == set(LIKELIHOOD_OPTIONS)
    for name, cls in plugins.items():
        assert {k: o.default for k, o in cls.options.items()} == LIKELIHOOD_OPTIONS[name], name


def test_default_data_set_values():
    neff = yaml.safe_load((REPO / "likelihoods" / "data" / "neff.yaml").read_text())
    for name, (mean, sigma, upper) in NEFF_DATA.items():
        assert (neff[name]["mean"], neff[name]["sigma"], neff[name].get("upper_limit")) == \
            (mean, sigma, upper), name
    trident = yaml.safe_load((REPO / "likelihoods" / "data" / "trident.yaml").read_text())
    for name, (value, sigma) in TRIDENT_DATA.items():
        assert (trident[name]["ratio"]["value"], trident[name]["ratio"]["sigma"]) == \
            (value, sigma), name


def test_constants():
    for name, value in CONSTANTS.items():
        assert getattr(c, name) == value, name
    assert c.sigmav_canonical_cm3_s == 3e-26          # paper Sec. III A
    assert c.e_charge == approx(0.30282212, rel=1e-8)   # √(4πα)


def test_unit_conversions_against_hand_numbers():
    # 1 GeV⁻² = 0.38938 mb = 3.8938e-28 cm² (PDG "Physical constants" table)
    assert c.GeV_inv2_in_cm2 == approx(3.8938e-28, rel=1e-4)
    # σv: 1 GeV⁻² × c = 3.8938e-28 cm² × 2.9979e10 cm/s = 1.1673e-17 cm³/s
    assert c.cm3_s_to_GeV_inv2(1.1673e-17) == approx(1.0, rel=1e-4)
    # σ/m: 1 cm²/g = 1.78266e-24 g/GeV / 3.8938e-28 cm²GeV² = 4578 GeV⁻³ (so 1 cm²/g ≈ 1.8 b/GeV)
    assert c.GeV_inv3_to_cm2_g(4578.3) == approx(1.0, rel=1e-4)
    assert c.GeV_inv3_to_cm2_g(1.0) == approx(2.1842e-4, rel=1e-4)
    # τ = ħ/Γ: Γ = 6.582e-25 GeV ↔ 1 s
    assert c.width_to_lifetime_s(6.582119569e-25) == approx(1.0, rel=1e-12)
    assert c.mev_to_gev(20.0) == 0.02 and c.km_s_to_c(c.c_km_s) == 1.0
    assert c.km_s_to_c(299.792458) == approx(1e-3, rel=1e-12)


def _sigmav_eff_by_hand(y, M1, v_phi, x):
    """Eqs. (20)–(21) written out again: ⟨σv⟩_11 = ⟨σv⟩_22 = 9y⁴/(64π m_N² x),
    ⟨σv⟩_12 = y⁴/(64π m_N²)(1 − 9/(4x)), r_1,2 Boltzmann weights of Δ = ΔM/m_N."""
    m_n = M1 + y * v_phi / math.sqrt(2)
    delta = math.sqrt(2) * y * v_phi / m_n
    s11 = 9 * y ** 4 / (64 * math.pi * m_n ** 2 * x)
    s12 = y ** 4 / (64 * math.pi * m_n ** 2) * (1 - 9 / (4 * x))
    r1, r2 = 1 / (1 + math.exp(-delta * x)), math.exp(-delta * x) / (1 + math.exp(-delta * x))
    return s11 * (r1 ** 2 + r2 ** 2) + 2 * s12 * r1 * r2


@pytest.mark.parametrize("m_Zp, g_p, M1", [(10.0, 5e-4, 20.0), (50.0, 7e-4, 60.0),
                                           (30.0, 2e-4, 100.0), (5.0, 3e-3, 2.0)])
def test_default_relic_target_fixes_y(m_Zp, g_p, M1):
    # With the default settings y solves ⟨σv⟩_eff(x_f = 20) = 3e-26 cm³/s = 2.5700e-9 GeV⁻²
    # = 3e-26/1.1673e-17 (hand conversion, see above).  Solved here by hand; y ∝ (x_f σv)^¼ roughly, so x_f = 25
    # or a 1 % error in the target moves y by ≳ 0.25 %.
    v_phi = m_Zp * 1e-3 / g_p
    target = 3e-26 / (1.973269804e-14 ** 2 * 2.99792458e10)
    assert target == approx(2.5700e-9, rel=1e-4)
    y_hand = brentq(lambda y: _sigmav_eff_by_hand(y, M1, v_phi, 20.0) - target, 1e-4, 1.0,
                    xtol=1e-15)
    assert ModelPoint(m_Zp, g_p, 20.0, M1)["y"] == approx(y_hand, rel=1e-6)
