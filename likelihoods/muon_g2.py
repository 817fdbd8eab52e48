"""Muon g−2: Gaussian likelihood of the Z′ contribution Δa_μ (Eq. 8) against a data set.

Data sets (``likelihoods/data/muon_g2.yaml``, sources cited there): the paper's
``paper2018_a`` (26.1 ± 8.0)×10⁻¹⁰ and ``paper2018_b`` (28.7 ± 8.0)×10⁻¹⁰, and the
2025 world average against the 2020 (≈ 26.2 ± 4.5) and 2025 (≈ 3.9 ± 6.4) ×10⁻¹⁰
Standard-Model predictions.  Under ``exp2025_wp2025`` the term is effectively an upper
bound on g′.
"""
import math

import yaml

from lmt_scan.errors import ConfigError
from lmt_scan.options import Option
from lmt_scan.plugins import Likelihood, gaussian_loglike

DATA_FILE = "muon_g2.yaml"


def load_datasets(path):
    """{name: (delta, sigma, description, source)} with Δa_μ and σ as plain numbers."""
    with open(path) as handle:
        raw = yaml.safe_load(handle)
    sets = {}
    for name, entry in raw.items():
        if "delta" in entry:
            d = entry["delta"]
            delta, sigma = d["value"] * d["unit"], d["sigma"] * d["unit"]
        else:
            exp, th = entry["experiment"], entry["theory"]
            delta = exp["value"] * exp["unit"] - th["value"] * th["unit"]
            sigma = math.hypot(exp["sigma"] * exp["unit"], th["sigma"] * th["unit"])
        sets[name] = (delta, sigma, entry["description"], entry["source"])
    return sets


class MuonG2(Likelihood):
    """Δa_μ^{Z′} (Eq. 8) against a selectable measurement − SM data set."""

    name = "muon_g2"
    description = "muon (g−2): Gaussian in Δa_μ, Eq. (8); data set selectable"
    options = {
        "dataset": Option(str, "paper2018_a", "data set in likelihoods/data/muon_g2.yaml",
                          choices=("paper2018_a", "paper2018_b", "exp2025_wp2020",
                                   "exp2025_wp2025")),
    }
    requires = ("delta_a_mu",)

    def setup(self):
        sets = load_datasets(self.data_path(DATA_FILE))
        if self.opts["dataset"] not in sets:
            raise ConfigError(f"data set {self.opts['dataset']!r} missing from {DATA_FILE}",
                              field="dataset")
        self.delta, self.sigma = sets[self.opts["dataset"]][:2]

    def loglike(self, point):
        return gaussian_loglike(point["delta_a_mu"], self.delta, self.sigma)

    def loglike_batch(self, batch, rows):
        value, reasons = batch.column("delta_a_mu", rows)
        return self.batch_answer(gaussian_loglike(value, self.delta, self.sigma), reasons)
