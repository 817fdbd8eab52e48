"""Borexino ⁷Be ν–e scattering rate (App. A): the rate with Z′ must stay within 8 % of the SM.

The ratio R(Z′)/R(SM) is the point's ``borexino_ratio`` (Eqs. A1–A5; the ν_μ/ν_τ
split and the 'physical' vs 'paper' form of Eq. A5 are the model settings
``borexino_mu_fraction`` and ``borexino_mode``, because the ratio is a derived quantity
shared by all consumers).  ``shape: hard`` reproduces the paper; ``smooth`` (default)
is Gaussian in R − 1 with the tolerance at ``limit_sigma`` σ.
"""
from lmt_scan.options import Option
from lmt_scan.plugins import Likelihood, PointRejected, one_sided_loglike


class Borexino(Likelihood):
    """|R/R_SM − 1| ≤ tolerance (8 %, Ref. [43] of the paper)."""

    name = "borexino"
    description = "Borexino 7Be nu-e rate within 8% of the SM (App. A)"
    options = {
        "tolerance": Option(float, 0.08, "allowed fractional deviation of the rate",
                            minimum=0.0, exclusive_minimum=True),
        "shape": Option(str, "smooth", "hard cut (paper) or smooth Gaussian",
                        choices=("smooth", "hard")),
        "limit_sigma": Option(float, 1.96, "the tolerance sits at this many σ (smooth shape)",
                              minimum=0.0, exclusive_minimum=True),
    }
    requires = ("borexino_ratio",)

    def loglike(self, point):
        deviation = abs(point["borexino_ratio"] - 1.0)
        value = one_sided_loglike(deviation, self.opts["tolerance"], self.opts["shape"],
                                  self.opts["limit_sigma"])
        if value == float("-inf"):
            raise PointRejected("borexino_excluded")
        return value
