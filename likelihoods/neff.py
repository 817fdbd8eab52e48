"""N_eff from the three-bath thermal history (Sec. II B, App. B) against CMB data.

The model predicts N_eff in instantaneous neutrino decoupling (``derived.Neff``), whose
no-Z′ baseline is ≈ 3.03 at T_ν-dec = 1.5 MeV, not the precise Standard-Model value
3.044.  By default (``sm_shift: true``) the likelihood therefore compares
3.044 + ΔN_eff, with ΔN_eff = N_eff − N_eff(no light Z′) (``derived.delta_Neff``), so
only the Z′ effect is taken from the simplified treatment.  ``sm_shift: false``
compares N_eff itself, as the paper does.

Data sets (``likelihoods/data/neff.yaml``, sources there): ``planck2015_paper``
(3.04 ± 0.17; the paper's upper limit 3.5), ``planck2018`` (2.99 ± 0.17),
``act_dr6_desi`` (2.86 ± 0.13), ``act_dr6_bbn`` (with BBN, 2.89 ± 0.11),
``goldstein_hill2026`` (2.990 ± 0.070, a preprint with BBN).
``shape: gaussian`` uses mean ± σ; ``shape: hard`` rejects N_eff above the data set's
upper limit (mean + 1.96σ if it has none).
The paper's Fig. 1 (right) bound: ``{dataset: planck2015_paper, shape: hard, sm_shift: false}``.
"""
import numpy as np
import yaml

from lmt_scan.errors import PointRejected
from lmt_scan.options import Option
from lmt_scan.plugins import Likelihood, gaussian_loglike

DATA_FILE = "neff.yaml"
# J. J. Bennett et al., JCAP 04 (2021) 073, arXiv:2012.02726: N_eff^SM = 3.0440 ± 0.0002
NEFF_SM = 3.044


class Neff(Likelihood):
    """Gaussian (or hard upper limit) in N_eff, data set selectable."""

    name = "neff"
    description = "N_eff from Z′-heated ν_μ,τ (Sec. II B): Gaussian or hard bound; data set selectable"
    options = {
        "dataset": Option(str, "planck2018", "data set in likelihoods/data/neff.yaml",
                          choices=("planck2015_paper", "planck2018", "act_dr6_desi",
                                   "act_dr6_bbn", "goldstein_hill2026")),
        "shape": Option(str, "gaussian", "gaussian: mean ± σ; hard: cut at the upper limit",
                        choices=("gaussian", "hard")),
        "sm_shift": Option(bool, True, "compare sm_value + ΔN_eff instead of the "
                           "instantaneous-decoupling N_eff"),
        "sm_value": Option(float, NEFF_SM, "Standard-Model N_eff used with sm_shift",
                           minimum=0.0),
    }
    requires = ("Neff", "delta_Neff")

    def setup(self):
        with open(self.data_path(DATA_FILE)) as handle:
            entry = yaml.safe_load(handle)[self.opts["dataset"]]
        self.mean, self.sigma = float(entry["mean"]), float(entry["sigma"])
        self.upper_limit = float(entry.get("upper_limit", self.mean + 1.96 * self.sigma))

    def _compared(self):
        """(derived quantity read, shift added to it) for the N_eff compared with the data."""
        if self.opts["sm_shift"]:
            return "delta_Neff", self.opts["sm_value"]
        return "Neff", 0.0

    def predicted(self, point):
        """N_eff compared with the data (shifted to the SM baseline if ``sm_shift``)."""
        name, shift = self._compared()
        return shift + point[name]

    def _loglike(self, value):
        """log L of a compared N_eff (float or array); −∞ above a hard limit."""
        if self.opts["shape"] == "hard":
            return np.where(value > self.upper_limit, -np.inf, 0.0)
        return gaussian_loglike(value, self.mean, self.sigma)

    def loglike(self, point):
        value = float(self._loglike(self.predicted(point)))
        if value == -np.inf:
            raise PointRejected("neff_excluded")
        return value

    def loglike_batch(self, batch, rows):
        name, shift = self._compared()
        value, reasons = batch.column(name, rows)
        return self.batch_answer(self._loglike(shift + value), reasons, "neff_excluded")
