"""Borexino ⁷Be ν–e scattering rate (App. A): the rate with Z′ must stay within 8 % of the SM.

The ratio R(Z′)/R(SM) is the point's ``borexino_ratio`` (Eqs. A1–A5; the ν_μ/ν_τ
split and the 'physical' vs 'paper' form of Eq. A5 are the model settings
``borexino_mu_fraction`` and ``borexino_mode``, because the ratio is a derived quantity
shared by all consumers).  ``shape: hard`` reproduces the paper; ``smooth`` (default)
is Gaussian in R − 1 with the tolerance at ``limit_sigma`` σ.
"""
import numpy as np

from lmt_scan.options import Option
from lmt_scan.plugins import UpperLimitLikelihood


class Borexino(UpperLimitLikelihood):
    """|R/R_SM − 1| ≤ tolerance (8 %, Ref. [43] of the paper)."""

    name = "borexino"
    description = "Borexino 7Be nu-e rate within 8% of the SM (App. A)"
    options = {
        **UpperLimitLikelihood.SHAPE_OPTIONS,
        "tolerance": Option(float, 0.08, "allowed fractional deviation of the rate",
                            minimum=0.0, exclusive_minimum=True),
    }
    requires = ("borexino_ratio",)

    def bounded(self, point):
        return abs(point["borexino_ratio"] - 1.0), self.opts["tolerance"]

    def bounded_batch(self, batch, rows):
        ratio, reasons = batch.column("borexino_ratio", rows)
        return np.abs(ratio - 1.0), np.full(len(rows), self.opts["tolerance"]), reasons
