"""BBN condition on ϕ (Sec. II B, App. C, gray region of Fig. 2).

For m_ϕ > m_Z′ the ϕ decays (to Z′Z′ or Z′νν̄) within ~1 s and leaves N_eff unchanged —
the paper's conservative assumption.  For m_ϕ < m_Z′ it decouples and decays late,
mostly to four neutrinos, which the paper does not treat.

``criterion: mass`` (default) rejects m_ϕ < m_Z′ as the paper does.
``criterion: lifetime`` instead rejects a ϕ lifetime (``derived.tau_phi_s``) above
``max_lifetime_s``: App. C above m_Z′, and below it ϕ → Z′*Z′* → 4ν, ννe⁺e⁻, ννμ⁺μ⁻
(off-shell Z′, ``lmt_scan.physics.phi_late``; Γ ∝ g′⁶, continuous at m_ϕ = m_Z′), so the
m_ϕ < m_Z′ region is scanned, not cut (add ``phi_cmb`` for its CMB bound).  It is the
stricter cut just above m_ϕ = m_Z′, where the three-body width (Eq. C2) is tiny:
τ_ϕ ≈ 1.3×10⁵ s at m_Z′ = 10 MeV, m_ϕ = 10.2 MeV, g′ = 10⁻⁴.
"""
from lmt_scan.errors import PointRejected
from lmt_scan.options import Option
from lmt_scan.plugins import Likelihood


class PhiBBN(Likelihood):
    """Hard cut: m_ϕ > m_Z′, or τ_ϕ below a maximum lifetime."""

    name = "phi_bbn"
    description = "BBN: ϕ must decay before BBN (m_phi > m_Zp, or tau_phi < max_lifetime_s)"
    options = {
        "criterion": Option(str, "mass", "mass: require m_phi > m_Zp (Fig. 2 gray region); "
                            "lifetime: require tau_phi_s <= max_lifetime_s",
                            choices=("mass", "lifetime")),
        "max_lifetime_s": Option(float, 1.0, "largest allowed ϕ lifetime [s] "
                                 "(criterion: lifetime)", minimum=0.0, exclusive_minimum=True),
    }
    requires = ("tau_phi_s",)

    def loglike(self, point):
        if self.opts["criterion"] == "mass":
            if point.params["m_phi"] <= point.params["m_Zp"]:
                raise PointRejected("phi_lighter_than_Zp")
            return 0.0
        if point["tau_phi_s"] > self.opts["max_lifetime_s"]:
            raise PointRejected("phi_long_lived")
        return 0.0
