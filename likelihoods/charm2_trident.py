"""CHARM-II neutrino trident: σ/σ_SM = 1.58 ± 0.57 (Geiregat et al., PLB 245 (1990) 271).

The model's ratio (derived ``charm2_ratio``) is the EPA cross section on glass (SiO₂)
at E_ν = 24 GeV with the q²-dependent Z′ propagator.
"""
from likelihoods.trident_base import TridentRatio


class Charm2Trident(TridentRatio):
    """CHARM-II trident σ/σ_SM, Gaussian."""

    name = "charm2_trident"
    description = "CHARM-II ν_μ glass → ν_μ glass μ⁺μ⁻: Gaussian in σ/σ_SM (1.58 ± 0.57)"
    key = "charm2"
    ratio_name = "charm2_ratio"
