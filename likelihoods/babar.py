"""BaBar e⁺e⁻ → μ⁺μ⁻Z′, Z′ → μ⁺μ⁻ (PRD 94 (2016) 011102): 90 % CL upper limit on g′.

Data: ``likelihoods/data/babar2016_mumu_zprime.lmt`` (the paper's Fig. 5 as digitised in
DarkCast; provenance in ``likelihoods/data/README.md``).  The limit is quoted for the
L_μ−L_τ Z′ with its own BR(Z′ → μμ); in this model the Z′ decays only to SM leptons
(ν, μ, τ, and e through ε_AZ′ — the dark fermions are heavier than m_Z′/2 in the scanned
range), so the BR is the same and no rescaling is applied.

Likelihood: the signal yield scales as g′² (production) × BR (fixed), so the signal
strength relative to the limit is μ = (g′/g′_lim)².  ``shape: smooth`` (default) is a
half-Gaussian in μ with Δχ² = ``limit_chi2`` at the limit, χ² = limit_chi2·(g′/g′_lim)⁴
(2.71 is the usual reading of a 90 % CL limit; a strict one-sided Gaussian would be 1.64);
``hard`` is −∞ above the curve.  Outside the searched-and-digitised range (and in its
holes) the term is 0: the search says nothing there.
"""
import math

import numpy as np

from lmt_scan.options import Option
from lmt_scan.plugins import UpperLimitLikelihood

DATA_FILE = "babar2016_mumu_zprime.lmt"
SENTINEL = 1.0e4       # rows with g′ ≥ this mark breaks of the digitised curve
MAX_GAP_GEV = 0.02     # wider spacing between rows = no data (the J/ψ veto, 3.05–3.15 GeV)


def load_limit_curve(path):
    """(m [GeV], g′_lim, covered) with covered[i] True if [m_i, m_{i+1}] has a limit."""
    data = np.loadtxt(path)
    mass, limit = data[:, 0], data[:, 1]
    is_break = limit >= SENTINEL
    keep = ~is_break
    # a sentinel between two data rows opens a hole there
    after_break = np.concatenate([[False], is_break[:-1]])[keep]
    mass, limit = mass[keep], limit[keep]
    covered = np.ones(len(mass) - 1, dtype=bool)
    covered &= ~after_break[1:]
    covered &= np.diff(mass) <= MAX_GAP_GEV
    return mass, limit, covered


def limit_at(m_GeV, mass, limit, covered):
    """g′ limit at m_Z′ [GeV] (linear interpolation), or None outside the covered range."""
    value = float(limits_at(np.array([m_GeV], dtype=float), mass, limit, covered)[0])
    return None if math.isnan(value) else value


def limits_at(m_GeV, mass, limit, covered):
    """:func:`limit_at` on an array of m_Z′ [GeV]: NaN outside the covered range."""
    inside = (mass[0] <= m_GeV) & (m_GeV <= mass[-1])
    i = np.clip(np.searchsorted(mass, m_GeV, side="right") - 1, 0, len(mass) - 2)
    t = (m_GeV - mass[i]) / (mass[i + 1] - mass[i])
    return np.where(inside & covered[i], limit[i] + t * (limit[i + 1] - limit[i]), np.nan)


class BaBarMuMu(UpperLimitLikelihood):
    """BaBar 4μ search: one-sided likelihood in g′/g′_lim(m_Z′)."""

    name = "babar_mumu"
    description = "BaBar e+e- -> mu mu Z', Z' -> mu mu, 90% CL limit on g' (0.21-7.7 GeV)"
    options = {
        "shape": UpperLimitLikelihood.SHAPE_OPTIONS["shape"],
        "limit_chi2": Option(float, 2.71, "Δχ² at the 90 % CL limit (smooth shape)",
                             minimum=0.0, exclusive_minimum=True),
    }
    requires = ()

    def setup(self):
        self.curve = load_limit_curve(self.data_path(DATA_FILE))

    def limit(self, m_GeV):
        """g′_lim at m_Z′ [GeV], None outside the covered mass range."""
        return limit_at(m_GeV, *self.curve)

    def limit_sigma(self):
        return math.sqrt(self.opts["limit_chi2"])

    def bounded(self, point):
        # signal strength (g′/g′_lim)² with the limit at 1: χ² = limit_chi2·strength²
        g_lim = self.limit(point.m_Zp_GeV)
        return None if g_lim is None else ((point.g_p / g_lim) ** 2, 1.0)

    def bounded_batch(self, batch, rows):
        g_lim = limits_at(batch.m_Zp_GeV[rows], *self.curve)
        return (batch.g_p[rows] / g_lim) ** 2, np.where(np.isnan(g_lim), np.nan, 1.0), None
