"""Random model points of the whole prior box and a direct reference for the σ_T table.

Used by ``benchmarks/sidm_accuracy.py`` and ``tests/test_sigma_random.py``.  Model points
are drawn log-uniformly from the box of the shipped cards (m_Z′, m_ϕ 1–300 MeV, g′
1e−5–1e−2, M1 1–100 GeV) with α_X from the relic condition and no other cut (m_ϕ < m_Z′
included), an equal number in each b = α_X M1/m_ϕ region (random within the region).
:func:`compare` evaluates the table at the three standard velocities and the 18 KTY16 ⟨v⟩
(fixed-v σ_T m² and the Maxwell–Boltzmann ⟨σ_T m² k⟩/k̄) against the direct solver: σ_T
solved on one log-k grid per point, every average integrated over it (trapezoid in ln k).
"""
import csv
import math
from pathlib import Path

import numpy as np

from lmt_scan.derived import sidm
from lmt_scan.errors import PointRejected
from lmt_scan.physics import self_scattering as ss
from lmt_scan.point import ModelPoint

ROOT = Path(__file__).resolve().parents[3]   # the repository
BOX = {"m_Zp": (1.0, 300.0), "g_p": (1e-5, 1e-2), "m_phi": (1.0, 300.0), "M1": (1.0, 100.0)}
REGIONS = (("b < 1", 0.0, 1.0), ("1 ≤ b < 10", 1.0, 10.0), ("10 ≤ b < 100", 10.0, 100.0),
           ("b ≥ 100", 100.0, math.inf))


def velocities_kms():
    """The three standard velocities and the 18 KTY16 ⟨v⟩ [km/s]."""
    with open(ROOT / "likelihoods" / "data" / "sidm_kty16.csv", newline="") as handle:
        kty = [10.0 ** float(row["log10_v_mean_kms"]) for row in csv.DictReader(handle)]
    return np.array(list(sidm.VELOCITIES_KMS.values()) + kty)


def _b_of(point):
    return point["alpha_X"] * point.M1_GeV / point.m_phi_GeV


def box_points(n_per_region, rng):
    """``n_per_region`` random box points (m_Z′, g′, m_ϕ, M1) in each b region."""
    chosen = {label: [] for label, _, _ in REGIONS}
    while min(map(len, chosen.values())) < n_per_region:
        params = tuple(10.0 ** rng.uniform(*np.log10(BOX[name])) for name in BOX)
        try:
            b = _b_of(ModelPoint(*params))
        except PointRejected:
            continue
        for label, low, high in REGIONS:
            if low <= b < high and len(chosen[label]) < n_per_region:
                chosen[label].append(params)
    return [p for label, _, _ in REGIONS for p in chosen[label]]


def posterior_points(n_per_run, rng):
    """(run, params) drawn by weight from each shipped posterior ``docs/runs/*/lmt-.txt``."""
    out = []
    for chain in sorted((ROOT / "docs" / "runs").glob("*/lmt-.txt")):
        names = [line.split()[0] for line in open(chain.with_suffix(".paramnames"))]
        rows = np.loadtxt(chain, ndmin=2)
        weight = rows[:, 0] / rows[:, 0].sum()
        for i in rng.choice(len(rows), n_per_run, p=weight):
            values = dict(zip(names, rows[i, 2:]))
            out.append((chain.parent.name, tuple(values[n] for n in BOX)))
    return out


def direct_sigma(b, k):
    """σ_T m² by the direct solver at increasing ``k`` (array) for one b."""
    out = np.empty(k.size)
    born = ss.born_applies(k / b, b)
    out[born] = ss.sigmaT_born_m2(k[born] / b, b)
    low = ~born & (k <= 3.0)
    if low.any():
        out[low] = ss.sigmaT_m2_batch(k[low] / b, b)
    middle = np.flatnonzero(~born & (k > 3.0) & (k <= ss.K_SEMICLASSICAL))
    for chunk in np.array_split(middle, max(1, math.ceil(middle.size / 12))):
        if chunk.size:
            out[chunk] = ss.sigmaT_m2_batch(k[chunk] / b, b)
    for i in np.flatnonzero(~born & (k > ss.K_SEMICLASSICAL)):
        out[i] = ss.sigmaT_m2(k[i] / b, b, method="semiclassical")
    return out


def compare(task):
    """Relative errors table/direct − 1 at one model point: (b, fixed-v errors, average errors)."""
    params, velocities, nodes = task
    point = ModelPoint(*params)
    b, k = sidm.dimensionless_variables(point, velocities)
    grid = np.logspace(math.log10(k.min() / 500.0), math.log10(5.0 * k.max()),
                       int(math.log10(2500.0 * k.max() / k.min()) * nodes) + 1)
    sigma_grid, sigma_fixed = direct_sigma(b, grid), direct_sigma(b, np.sort(k))
    sigma_fixed = sigma_fixed[np.argsort(np.argsort(k))]
    k0 = ss.mean_to_mode_scale(k)[:, None]
    weight = ss.maxwell_boltzmann(grid[None, :], k0) * grid[None, :] ** 2
    average = np.trapezoid(weight * sigma_grid, np.log(grid), axis=1) / k
    return (b, sidm.sigmaT_m2(b, k) / sigma_fixed - 1.0, sidm.sigmav_m2(b, k) / average - 1.0)


