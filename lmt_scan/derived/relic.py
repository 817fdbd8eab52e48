"""Batched forms of the relic quantities registered in :mod:`.dark_sector` (Eqs. 20–21).

Each evaluates every row of a ModelBatch with the array physics of
:mod:`lmt_scan.physics.relic` and :mod:`lmt_scan.physics.dark_sector` and gives the
same values and rejection reasons as the one-point providers.
"""
import numpy as np

from ..physics import constants as c
from ..physics import dark_sector, relic
from .registry import batch_form


@batch_form("v_Phi_GeV")
def _v_phi(batch):
    return dark_sector.vev_Phi(batch.m_Zp_GeV, batch.g_p)


@batch_form("y")
def _y(batch):
    s = batch.settings
    target = c.cm3_s_to_GeV_inv2(s["sigmav_target_cm3_s"])
    v_phi = batch["v_Phi_GeV"]
    y = relic.relic_yukawa_array(batch.M1_GeV, v_phi, target, s["x_f"])
    reasons = np.full(batch.n, None, dtype=object)
    reasons[np.isnan(y)] = "no_relic_solution"
    violated = ~np.isnan(y) & (relic.pseudo_dirac_ratio(batch.M1_GeV, y, v_phi)
                               > s["pseudo_dirac_max"])
    reasons[violated] = "pseudo_dirac_violated"
    return y, reasons


@batch_form("alpha_X")
def _alpha_x(batch):
    return batch["y"] ** 2 / (4.0 * np.pi)     # Eq. (22), as the one-point provider
