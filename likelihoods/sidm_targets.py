"""The paper's Sec. III B self-interaction targets as soft windows on σ_T/M1.

Dwarfs: 1–10 cm²/g at v_rel = 30 km/s; Milky-Way–size galaxies: 0.1–1 cm²/g at
200 km/s; clusters: below 0.1 cm²/g at 1000 km/s (the regions of the paper's Fig. 2).
Inside a window log L = 0; outside it falls off as a Gaussian in log10(σ_T/M1) with
the window's ``*_softness`` [dex] as width (a ``*_min`` of 0 means no lower edge).

``upper_limits`` adds newer cluster limits (``likelihoods/data/sidm_upper_limits.yaml``,
sources inside): Andrade et al. 2022 (σ/m < 0.13 cm²/g at ⟨v⟩ = 1458 km/s, 95 % CL) and
Sagunski et al. 2021 (< 0.35 cm²/g, 95 %, at ``sagunski_clusters_v_kms``, a velocity NOT
verified: default 1750 km/s as in ``sidm_halos``).  Each is a window [0, limit] on the
prediction ``sidm_halos`` uses for such data, ⟨σ_T v⟩/M1 ÷ ⟨v⟩ (Maxwell–Boltzmann), with
``upper_limit_softness`` [dex].
"""
import math

import numpy as np
import yaml

from lmt_scan.derived.sidm import sigmav_over_M
from lmt_scan.errors import ConfigError
from lmt_scan.options import Option
from lmt_scan.plugins import Likelihood

from .sidm_after_kty16 import DEFAULT_VELOCITIES_KMS

UPPER_LIMITS_FILE = "sidm_upper_limits.yaml"
UPPER_LIMITS = ("andrade2022", "sagunski2021")

WINDOWS = {   # name: (derived key, min, max) defaults in cm²/g, Sec. III B
    "dwarf": ("v30", 1.0, 10.0),
    "milky_way": ("v200", 0.1, 1.0),
    "cluster": ("v1000", 0.0, 0.1),
}


def soft_window_loglike(value, low, high, softness):
    """0 inside [low, high]; −½(Δ/softness)² outside, Δ the distance in log10 to the edge."""
    if value <= 0.0:
        return -math.inf if low > 0.0 else 0.0
    log_value = math.log10(value)
    if low > 0.0 and log_value < math.log10(low):
        return -0.5 * ((log_value - math.log10(low)) / softness) ** 2
    if log_value > math.log10(high):
        return -0.5 * ((log_value - math.log10(high)) / softness) ** 2
    return 0.0


def _window_options():
    options = {}
    for name, (key, low, high) in WINDOWS.items():
        options[f"{name}_min"] = Option(float, low, f"lower edge [cm²/g] at {key} (0: none)",
                                        minimum=0.0)
        options[f"{name}_max"] = Option(float, high, f"upper edge [cm²/g] at {key}",
                                        minimum=0.0, exclusive_minimum=True)
        options[f"{name}_softness"] = Option(float, 0.1, "Gaussian fall-off outside [dex]",
                                             minimum=0.0, exclusive_minimum=True)
    options["use"] = Option(list, list(WINDOWS), "windows applied: any of "
                            + ", ".join(WINDOWS))
    options["upper_limits"] = Option(list, [], "newer cluster upper limits on σ/m added: any "
                                     "of " + ", ".join(UPPER_LIMITS) + f" ({UPPER_LIMITS_FILE})")
    options["upper_limit_softness"] = Option(float, 0.1, "Gaussian fall-off above an upper "
                                             "limit [dex]", minimum=0.0, exclusive_minimum=True)
    options["sagunski_clusters_v_kms"] = Option(
        float, DEFAULT_VELOCITIES_KMS["sagunski_clusters_v_kms"],
        "⟨v⟩ [km/s] of the Sagunski 2021 cluster limit (NOT verified)",
        minimum=0.0, exclusive_minimum=True)
    return options


class SidmTargets(Likelihood):
    """Soft windows on σ_T/M1 at 30, 200 and 1000 km/s (Sec. III B, Fig. 2)."""

    name = "sidm_targets"
    description = "DM self-interaction targets of Sec. III B as soft windows on σ_T/M1"
    options = _window_options()
    requires = ("sigmaT_over_M",)

    def setup(self):
        unknown = sorted(set(self.opts["use"]) - set(WINDOWS))
        if unknown:
            raise ConfigError(f"unknown window {unknown[0]!r} (known: {', '.join(WINDOWS)})",
                              field="use")
        for name in self.opts["use"]:
            if self.opts[f"{name}_min"] >= self.opts[f"{name}_max"]:
                raise ConfigError("window is empty: min must be below max", field=f"{name}_min")
        unknown = sorted(set(self.opts["upper_limits"]) - set(UPPER_LIMITS))
        if unknown:
            raise ConfigError(f"unknown upper limit {unknown[0]!r} (known: "
                              f"{', '.join(UPPER_LIMITS)})", field="upper_limits")
        with open(self.data_path(UPPER_LIMITS_FILE)) as handle:
            table = yaml.safe_load(handle)
        entries = [table[name] for name in self.opts["upper_limits"]]
        self.limit_v_kms = np.array([e["v_kms"] if "v_kms" in e else self.opts[e["v_option"]]
                                     for e in entries], dtype=float)
        self.limits = np.array([e["limit"] for e in entries], dtype=float)

    def loglike(self, point):
        sigma = point["sigmaT_over_M"]
        total = sum(soft_window_loglike(sigma[WINDOWS[name][0]], self.opts[f"{name}_min"],
                                        self.opts[f"{name}_max"], self.opts[f"{name}_softness"])
                    for name in self.opts["use"])
        if self.limits.size:   # σ/m = ⟨σv⟩/M1 ÷ ⟨v⟩, the prediction of sidm_halos
            predicted = sigmav_over_M(point, self.limit_v_kms) / self.limit_v_kms
            total += sum(soft_window_loglike(value, 0.0, limit, self.opts["upper_limit_softness"])
                         for value, limit in zip(predicted, self.limits))
        return total
