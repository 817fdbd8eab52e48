"""Shared base of the trident likelihoods: Gaussian in σ/σ_SM of one experiment.

Each subclass names its experiment ``key`` in ``likelihoods/data/trident.yaml`` and the
derived quantity holding the model's σ/σ_SM (``lmt_scan.derived.trident``).
"""
import math

import yaml

from lmt_scan.errors import ConfigError
from lmt_scan.options import Option
from lmt_scan.plugins import Likelihood, gaussian_loglike

DATA_FILE = "trident.yaml"


class TridentRatio(Likelihood):
    """Gaussian likelihood of a measured trident ratio σ/σ_SM."""

    key = None          # entry in trident.yaml
    ratio_name = None   # derived quantity with the model's σ/σ_SM
    options = {
        "theory_sigma": Option(float, 0.0, "extra uncertainty on σ/σ_SM added in quadrature "
                               "(e.g. EPA accuracy)", minimum=0.0),
    }

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.requires = (cls.ratio_name,)

    def setup(self):
        with open(self.data_path(DATA_FILE)) as handle:
            entries = yaml.safe_load(handle)
        if self.key not in entries:
            raise ConfigError(f"{self.key!r} missing from {DATA_FILE}", field=self.name)
        ratio = entries[self.key]["ratio"]
        self.value = float(ratio["value"])
        self.sigma = math.hypot(float(ratio["sigma"]), self.opts["theory_sigma"])

    def loglike(self, point):
        return gaussian_loglike(point[self.ratio_name], self.value, self.sigma)

    def loglike_batch(self, batch, rows):
        ratio, reasons = batch.column(self.ratio_name, rows)
        return self.batch_answer(gaussian_loglike(ratio, self.value, self.sigma), reasons)
