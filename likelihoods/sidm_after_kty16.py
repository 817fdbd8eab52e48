"""Halo σ/m data newer than KTY16 (Andrade et al. 2022, Sagunski et al. 2021) for ``sidm_halos``.

Data: ``likelihoods/data/sidm_after_kty16.yaml`` (sources inside).  Each constraint is
σ/m [cm²/g] with upper/lower 1σ errors at a characteristic mean velocity ⟨v⟩ [km/s]; the
prediction is the one the KTY16 points use, ⟨σ_T v⟩/M1 ÷ ⟨v⟩ with the Maxwell–Boltzmann
average.  The comparison is a split Gaussian in σ/m (the errors as published, linear).
Velocities the abstracts do not give are options of ``sidm_halos`` (defaults documented
there, not verified).
"""
import numpy as np
import yaml

from lmt_scan.errors import ConfigError, PointRejected

DATA_FILE = "sidm_after_kty16.yaml"
DATASETS = ("andrade2022", "sagunski2021")
DEFAULT_VELOCITIES_KMS = {   # mid-points of the ranges in the data README, NOT verified
    "sagunski_groups_v_kms": 1100.0,
    "sagunski_clusters_v_kms": 1750.0,
}


def load_constraints(path, datasets, velocities, with_kty16=True):
    """Arrays (v [km/s], σ/m, err_plus, err_minus) of the chosen data sets."""
    with open(path) as handle:
        table = yaml.safe_load(handle)
    rows = []
    if not datasets and not with_kty16:
        raise ConfigError("needs at least one data set", field="datasets")
    for name in datasets:
        if name not in table:
            raise ConfigError(f"unknown halo data set {name!r} (known: kty16, "
                              f"{', '.join(DATASETS)})", field="datasets")
        for entry in table[name]:
            v = entry["v_kms"] if "v_kms" in entry else velocities[entry["v_option"]]
            rows.append((v, entry["sigma_over_m"], entry["err_plus"], entry["err_minus"]))
    return tuple(np.array(col, dtype=float) for col in zip(*rows)) if rows else \
        tuple(np.zeros(0) for _ in range(4))


def split_gaussian_loglike(predicted, value, err_plus, err_minus):
    """Σ −½((pred − value)/σ)², σ = err_plus above the value and err_minus below."""
    if not np.all(np.isfinite(predicted)):
        raise PointRejected("sidm_prediction_failed")
    sigma = np.where(predicted >= value, err_plus, err_minus)
    return float(-0.5 * np.sum(((predicted - value) / sigma) ** 2))
