"""COBE/FIRAS bound on a ϕ lighter than the Z′ (Sec. II B, remark below Eq. 15).

For m_ϕ < m_Z′ the ϕ decouples when Z′ ↔ ϕνν̄ (and ϕν ↔ Z′ν) freeze out, then decays late,
mostly to 4ν and with BR ≈ 2e²ε²_AZ′/g′² to ννe⁺e⁻ (``lmt_scan.physics.phi_late``: the App. C
vertex with both Z′ off shell).  The e⁺e⁻ energy distorts the CMB spectrum
(``lmt_scan.physics.spectral_distortion``); FIRAS allows |μ| < 9×10⁻⁵ and |y| < 1.5×10⁻⁵
(95 % CL, Fixsen et al. 1996).  ``shape: hard`` rejects a point beyond either limit
(reason ``phi_cmb_excluded``); ``smooth`` is a half-Gaussian in each with the limit at
``limit_sigma`` σ.  For m_ϕ ≥ m_Z′ (ϕ decays by Eqs. C1–C2, the paper's conservative case) and
for m_ϕ ≤ 2m_e (no e⁺e⁻ channel) the term is 0.  The physics is the derived quantity
``phi_cmb_distortion`` (μ, y; computed once per point).  To scan m_ϕ < m_Z′ use it with
``phi_bbn: {criterion: lifetime}`` (τ_ϕ below m_Z′ from the off-shell Z′ widths) — or drop
``phi_bbn``.
"""
import math

from lmt_scan.errors import PointRejected
from lmt_scan.options import Option
from lmt_scan.physics import spectral_distortion
from lmt_scan.plugins import Likelihood


class PhiCMB(Likelihood):
    """FIRAS μ and y limits on late ϕ → ννe⁺e⁻ decays (m_ϕ < m_Z′)."""

    name = "phi_cmb"
    description = "COBE/FIRAS mu and y distortions from late phi decays (m_phi < m_Zp, Sec. II B)"
    options = {
        "shape": Option(str, "hard", "hard: cut at the FIRAS limits; smooth: half-Gaussians",
                        choices=("hard", "smooth")),
        "mu_limit": Option(float, spectral_distortion.FIRAS_MU_95, "|μ| limit (95 % CL)",
                           minimum=0.0, exclusive_minimum=True),
        "y_limit": Option(float, spectral_distortion.FIRAS_Y_95, "|y| limit (95 % CL)",
                          minimum=0.0, exclusive_minimum=True),
        "limit_sigma": Option(float, 1.96, "the limits sit at this many σ (smooth shape)",
                              minimum=0.0, exclusive_minimum=True),
    }
    requires = ("phi_cmb_distortion",)

    def loglike(self, point):
        distortion = point["phi_cmb_distortion"]
        r_mu = distortion["mu"] / self.opts["mu_limit"]
        r_y = distortion["y"] / self.opts["y_limit"]
        if self.opts["shape"] == "hard":
            if r_mu > 1.0 or r_y > 1.0:
                raise PointRejected("phi_cmb_excluded")
            return 0.0
        return -0.5 * self.opts["limit_sigma"] ** 2 * (r_mu ** 2 + r_y ** 2)
