"""Batched forms of the self-scattering quantities of :mod:`.sidm` (Sec. III B).

Both call the σ_T engineer's array API (``sigmaT_over_M_arrays``, ``sigmav_over_M_arrays``,
documented in that module), whose one-point call is the ModelPoint provider: one code
path.  A row outside the table is NaN there; it is rejected with ``sidm_outside_table``
as the one-point provider does.
"""
import numpy as np

from . import sidm
from .registry import batch_form


def _standard_velocities(function):
    def compute_batch(batch):
        alpha = batch["alpha_X"]
        ok = np.isfinite(alpha)          # rows whose relic y is rejected are not looked up
        values = np.full((batch.n, len(sidm.VELOCITIES_KMS)), np.nan)
        if ok.any():
            values[ok] = function(alpha[ok], batch.M1_GeV[ok], batch.m_phi_GeV[ok],
                                  np.array(list(sidm.VELOCITIES_KMS.values())),
                                  batch.settings["sidm_outside_table"] == "direct")
        reasons = np.full(batch.n, None, dtype=object)
        reasons[ok & np.isnan(values).any(axis=1)] = "sidm_outside_table"
        return dict(zip(sidm.VELOCITIES_KMS, values.T)), reasons
    return compute_batch


batch_form("sigmaT_over_M")(_standard_velocities(sidm.sigmaT_over_M_arrays))
batch_form("sigmav_over_M")(_standard_velocities(sidm.sigmav_over_M_arrays))
