"""The physical domain on which the σ_T table is validated against the direct solver.

Model points drawn log-uniformly from the priors of ``runs/paper_full.yaml``
(m_Z′, m_ϕ ∈ [1, 300] MeV, g′ ∈ [1e−5, 1e−2], M1 ∈ [1, 100] GeV) with α_X fixed by the
relic density (Eqs. 20–21; draws without a valid relic point are skipped, as the scanner
rejects them), and a relative velocity v log-uniform in [10, 3000] km/s.  For relic
α_X ≈ 7e−5·M1/GeV this spans b = α_X M1/m_ϕ ≈ 3e−4 … 800 and k = M1 v/(2m_ϕ) up to the
table's edge k = 1500 (draws beyond it would be skipped: the table does not claim them).
Used by ``benchmarks/sidm.py`` and ``tests/test_self_scattering.py``.
"""
import math

import numpy as np

from lmt_scan.derived.sidm import dimensionless_variables
from lmt_scan.errors import PointRejected
from lmt_scan.point import ModelPoint

M_ZP_MEV = M_PHI_MEV = (1.0, 300.0)
G_P = (1e-5, 1e-2)
M1_GEV = (1.0, 100.0)
V_KMS = (10.0, 3000.0)
K_TABLE_MAX = 1500.0    # the wide tier's k range


def _log_uniform(rng, bounds):
    return 10.0 ** rng.uniform(math.log10(bounds[0]), math.log10(bounds[1]))


def random_physical_points(n_points, rng):
    """(b, k) arrays of ``n_points`` random points of the physical domain (module doc),
    and the numbers of draws skipped for having no valid relic point and for k > K_TABLE_MAX."""
    b, k, rejected, outside = [], [], 0, 0
    while len(b) < n_points:
        point = ModelPoint(_log_uniform(rng, M_ZP_MEV), _log_uniform(rng, G_P),
                           _log_uniform(rng, M_PHI_MEV), _log_uniform(rng, M1_GEV))
        v_kms = _log_uniform(rng, V_KMS)
        try:
            point_b, point_k = dimensionless_variables(point, v_kms)
        except PointRejected:
            rejected += 1
            continue
        if point_k > K_TABLE_MAX:
            outside += 1
            continue
        b.append(point_b)
        k.append(float(point_k))
    return np.array(b), np.array(k), rejected, outside
