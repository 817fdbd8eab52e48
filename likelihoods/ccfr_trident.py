"""CCFR neutrino trident: σ/σ_SM = 0.82 ± 0.28 (Mishra et al., PRL 66 (1991) 3117).

The model's ratio (derived ``ccfr_ratio``) is the EPA cross section on iron at
E_ν = 160 GeV with the q²-dependent Z′ propagator (Sec. II of arXiv:1805.00651, Fig. 1).
"""
from likelihoods.trident_base import TridentRatio


class CCFRTrident(TridentRatio):
    """CCFR trident σ/σ_SM, Gaussian."""

    name = "ccfr_trident"
    description = "CCFR ν_μ Fe → ν_μ Fe μ⁺μ⁻: Gaussian in σ/σ_SM (0.82 ± 0.28)"
    key = "ccfr"
    ratio_name = "ccfr_ratio"
