"""Halo data on dark-matter self-interactions: ⟨σv⟩/m from Kaplinghat, Tulin, Yu (2016).

The 18 values of ⟨σv⟩/m inferred from dwarf, low-surface-brightness and cluster halos
(PRL 116, 041302, Fig. 1; the points of the paper's Fig. 3), in
``likelihoods/data/sidm_kty16.csv`` (provenance in ``data/README.md``).  Each point
is predicted at its own mean velocity ⟨v⟩ with the Maxwell–Boltzmann average of σ_T
(``lmt_scan.derived.sidm.sigmav_over_M``) and compared Gaussian in log10(⟨σv⟩/m).
"""
import csv

import numpy as np

from lmt_scan.derived.sidm import sigmav_over_M
from lmt_scan.errors import ConfigError, PointRejected
from lmt_scan.options import Option
from lmt_scan.plugins import Likelihood

from . import sidm_after_kty16 as recent

DATA_FILE = "sidm_kty16.csv"
CLASSES = ("dwarf", "LSB", "cluster")


def load_halos(path):
    """Columns of the KTY16 file: (class, log10 ⟨v⟩ [km/s], log10 ⟨σv⟩/m [cm²/g km/s], errors)."""
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    kind = np.array([row["class"] for row in rows])
    columns = {name: np.array([float(row[name]) for row in rows])
               for name in ("log10_v_mean_kms", "log10_sigmav_over_m",
                            "log10_v_err", "log10_sigmav_err")}
    return kind, columns


class SidmHalos(Likelihood):
    """Gaussian in log10⟨σ_T v⟩/M1 at the 18 KTY16 halo velocities."""

    name = "sidm_halos"
    description = ("DM self-interaction: ⟨σ_T v⟩/M1 vs the 18 halo values of Kaplinghat, "
                   "Tulin, Yu, PRL 116, 041302 (2016), Gaussian in log10")
    options = {
        "classes": Option(list, list(CLASSES), "halo classes used: any of dwarf, LSB, cluster"),
        "velocity_errors": Option(bool, False,
                                  "add the ⟨v⟩ errors in quadrature through the local slope "
                                  "d log⟨σv⟩/d log⟨v⟩ of the prediction"),
        "datasets": Option(list, ["kty16"], "halo data: kty16 and/or andrade2022, "
                           "sagunski2021 (σ/m at ⟨v⟩; likelihoods/data/sidm_after_kty16.yaml)"),
        **{name: Option(float, v, "⟨v⟩ [km/s] of this Sagunski 2021 point (NOT verified)",
                        minimum=0.0, exclusive_minimum=True)
           for name, v in recent.DEFAULT_VELOCITIES_KMS.items()},
    }
    requires = ("alpha_X",)

    def setup(self):
        unknown = sorted(set(self.opts["classes"]) - set(CLASSES))
        if unknown or not self.opts["classes"]:
            raise ConfigError(f"classes must be a non-empty subset of {', '.join(CLASSES)}",
                              field="classes")
        kind, columns = load_halos(self.data_path(DATA_FILE))
        keep = np.isin(kind, self.opts["classes"]) & ("kty16" in self.opts["datasets"])
        self.recent = recent.load_constraints(self.data_path(recent.DATA_FILE),
                                              [d for d in self.opts["datasets"] if d != "kty16"],
                                              self.opts, "kty16" in self.opts["datasets"])
        self.v_mean_kms = 10.0 ** columns["log10_v_mean_kms"][keep]
        self.log_v_err = columns["log10_v_err"][keep]
        self.observed = columns["log10_sigmav_over_m"][keep]
        self.sigma = columns["log10_sigmav_err"][keep]

    def predict(self, point):
        """log10 ⟨σ_T v⟩/M1 [cm²/g km/s] at the halo velocities."""
        return np.log10(sigmav_over_M(point, self.v_mean_kms))

    def loglike(self, point):
        predicted = self.predict(point)
        if not np.all(np.isfinite(predicted)):
            raise PointRejected("sidm_prediction_failed")
        variance = self.sigma ** 2
        if self.opts["velocity_errors"]:
            step = 0.01   # dex; the prediction is smooth on this scale after MB averaging
            shifted = np.log10(sigmav_over_M(point, self.v_mean_kms * 10.0 ** step))
            slope = (shifted - predicted) / step
            variance = variance + (slope * self.log_v_err) ** 2
        v, value, err_plus, err_minus = self.recent   # σ/m = ⟨σv⟩/m ÷ ⟨v⟩, same prediction
        extra = recent.split_gaussian_loglike(sigmav_over_M(point, v) / v, value, err_plus,
                                              err_minus) if v.size else 0.0
        return float(-0.5 * np.sum((predicted - self.observed) ** 2 / variance)) + extra
