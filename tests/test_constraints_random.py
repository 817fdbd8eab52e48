"""Every constraint of issue 17 on random points of every shipped card's prior box.

limit_curve (each shipped upper-limit curve, hard and smooth), phi_bbn (mass and lifetime),
phi_cmb (hard and smooth), sidm_targets (each window set) and sidm_halos (every data set):
on each card's priors (fixed values kept) and model settings, log L is finite or the point is
rejected with a named reason — never NaN, never an exception, never an unnamed −∞.
"""
import math
import zlib

import numpy as np
import pytest

from likelihoods.limit_curve import LimitCurve, shipped_curves
from likelihoods.phi_bbn import PhiBBN
from likelihoods.phi_cmb import PhiCMB
from likelihoods.sidm_halos import SidmHalos
from likelihoods.sidm_targets import SidmTargets
from lmt_scan.config import load_run_card
from lmt_scan.point import PARAMETERS
from lmt_scan.posterior import evaluate_point

from conftest import REPO

CARDS = sorted((REPO / "runs").glob("*.yaml"))
CURVES = [n for n, e in shipped_curves().items() if e.get("use") != "plot"]
# reasons a point may be rejected with: the model's own (relic density, pseudo-Dirac) and
# each plugin's documented one
NAMED = {"no_relic_solution", "pseudo_dirac_violated", "phi_lighter_than_Zp", "phi_long_lived",
         "phi_cmb_excluded", "sidm_outside_table"} | {f"{shipped_curves()[n]['file'][:-4]}_excluded" for n in CURVES}


def constraints():
    plugins = {f"{n}_{shape}": LimitCurve(file=n, shape=shape)
               for n in CURVES for shape in ("hard", "smooth")}
    plugins.update(
        phi_bbn_mass=PhiBBN(), phi_bbn_lifetime=PhiBBN(criterion="lifetime"),
        phi_bbn_lifetime_1e6=PhiBBN(criterion="lifetime", max_lifetime_s=1e6),
        phi_cmb_hard=PhiCMB(), phi_cmb_smooth=PhiCMB(shape="smooth"),
        sidm_targets=SidmTargets(), sidm_targets_dwarf=SidmTargets(use=["dwarf"]),
        sidm_targets_today=SidmTargets(upper_limits=["andrade2022", "sagunski2021"]),
        sidm_halos=SidmHalos(), sidm_halos_today=SidmHalos(
            datasets=["kty16", "andrade2022", "sagunski2021"], velocity_errors=True),
        sidm_halos_recent=SidmHalos(datasets=["andrade2022", "sagunski2021"]))
    return plugins


@pytest.mark.parametrize("card", CARDS, ids=lambda p: p.stem)
def test_constraints_on_random_prior_points(card):
    # the card's settings, and with require_relic off so that the constraints that do not
    # read y see the whole box too (the relic condition rejects much of it first)
    config = load_run_card(card)
    plugins = constraints()
    rng = np.random.default_rng(zlib.crc32(card.stem.encode()))
    evaluated = {label: 0 for label in plugins}
    reasons = {}
    for i in range(24):
        params = {p: float(config.priors[p].transform(rng.uniform())) for p in PARAMETERS}
        settings = dict(config.settings, require_relic=bool(i % 2))
        for label, plugin in plugins.items():   # each alone: its own reason is the one seen
            _, total, per_plugin, reason = evaluate_point(params, {label: plugin}, settings,
                                                          stop_at_first_rejection=False)
            if reason is None:
                assert math.isfinite(total) and total <= 0.0, (label, params, total)
            else:
                assert reason in NAMED, (label, params, reason)
                assert total == -math.inf
                reasons[reason] = reasons.get(reason, 0) + 1
            if reason not in ("no_relic_solution", "pseudo_dirac_violated"):
                evaluated[label] += 1
    # every constraint was evaluated (not only rejected by the model first) on this card
    assert min(evaluated.values()) >= 3, (evaluated, reasons)
