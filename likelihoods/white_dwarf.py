"""White-dwarf cooling by plasmon decay through an off-shell Z′ (Sec. II A).

The paper demands |G_Z′| ≲ C_V G_F with G_Z′ = −e g′ ε_AZ′/(2 m_Z′²); the point's
``wd_ratio`` = |G_Z′|/(C_V G_F).  ``shape: hard`` reproduces the paper's line;
``smooth`` (default) is a half-Gaussian with the bound at ``limit_sigma`` σ.
"""
import numpy as np

from lmt_scan.options import Option
from lmt_scan.plugins import UpperLimitLikelihood


class WhiteDwarf(UpperLimitLikelihood):
    """One-sided bound on |G_Z′|/(C_V G_F)."""

    name = "white_dwarf"
    description = "white-dwarf plasmon cooling: |G_Z'| <~ C_V G_F (Sec. II A), one-sided"
    options = {
        **UpperLimitLikelihood.SHAPE_OPTIONS,
        "limit": Option(float, 1.0, "largest allowed |G_Z'|/(C_V G_F)", minimum=0.0,
                        exclusive_minimum=True),
    }
    requires = ("wd_ratio",)

    def bounded(self, point):
        return point["wd_ratio"], self.opts["limit"]

    def bounded_batch(self, batch, rows):
        ratio, reasons = batch.column("wd_ratio", rows)
        return ratio, np.full(len(rows), self.opts["limit"]), reasons
