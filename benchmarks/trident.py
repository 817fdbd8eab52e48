"""Trident: cost of the direct Monte Carlo vs the table interpolation, and accuracy.

    python benchmarks/trident.py [--events 100000]

Prints: direct-calculation time per mass (event generation dominates; X, Y at further
masses from the same events are cheap), the per-point cost of the derived quantity
(table interpolation), the MC error of x = X/σ_SM at the event count used, the
interpolation error of the table (nodes vs mid-points, same events), and the physics
figures of the issue (contact check, heavy-mass and light-mass CCFR limits).
"""
import argparse
import math
import time

import numpy as np

from lmt_scan.derived.trident import load_trident_table, trident_ratio
from lmt_scan.physics import constants as c
from lmt_scan.physics import trident as t

CCFR_R95 = 0.82 + 1.96 * 0.28


def direct_cost(experiment, n_events):
    start = time.perf_counter()
    events = t.trident_events(experiment, n_events, seed=3)
    generate = time.perf_counter() - start
    start = time.perf_counter()
    masses = np.geomspace(1e-3, 10.0, 50)
    sm, X, Y = t.decomposition(events, masses)
    per_mass = (time.perf_counter() - start) / masses.size
    batches = np.array([t.decomposition(tuple(a[i::10] for a in events), 0.05)[1:2]
                        for i in range(10)]).ravel()
    sm_b = np.array([t.decomposition(tuple(a[i::10] for a in events), 0.05)[0]
                     for i in range(10)])
    x_err = np.std(batches / sm_b, ddof=1) / math.sqrt(10) / np.mean(batches / sm_b)
    print(f"{experiment}: direct MC {n_events} events: {generate:.1f} s "
          f"({1e6 * generate / n_events:.0f} µs/event); x,y at one more mass from the "
          f"same events: {1e3 * per_mass:.1f} ms; MC error of x(50 MeV): {100 * x_err:.2f} %; "
          f"σ_SM = {sm * c.GeV_inv2_in_cm2:.3e} cm² per target unit")
    return events


def table_cost(experiment, n_calls=20000):
    load_trident_table(experiment)
    rng = np.random.default_rng(0)
    m = np.exp(rng.uniform(math.log(1e-3), math.log(10.0), n_calls))
    g = np.exp(rng.uniform(math.log(1e-4), math.log(1e-1), n_calls))
    start = time.perf_counter()
    for mi, gi in zip(m, g):
        trident_ratio(experiment, mi, gi)
    per_call = (time.perf_counter() - start) / n_calls
    print(f"{experiment}: table interpolation {1e6 * per_call:.1f} µs per point")


def interpolation_error(events, experiment):
    """Linear ln-ln interpolation between nodes vs the same events evaluated at mid-points."""
    log_m, log_x, log_y = load_trident_table(experiment)
    nodes = np.exp(log_m[::10])
    sm, Xn, Yn = t.decomposition(events, nodes)
    step = log_m[1] - log_m[0]
    mids = nodes * math.exp(0.5 * step)
    _, Xm, Ym = t.decomposition(events, mids)
    _, Xr, Yr = t.decomposition(events, nodes * math.exp(step))
    interp_x = np.sqrt(Xn * Xr)          # ln-linear mid-point of the two nodes
    interp_y = np.sqrt(Yn * Yr)
    print(f"{experiment}: ln-ln interpolation error at mid-nodes: x {np.max(abs(interp_x / Xm - 1)):.1e}, "
          f"y {np.max(abs(interp_y / Ym - 1)):.1e}")


def physics_figures(events):
    sm, Xc, Yc = t.decomposition(events, 10.0, q2_dependence=False)
    g = 10.0 / 545.0
    print(f"contact check (q² off) at R≈1.37: MC {t.ratio_from_coefficients(g, Xc / sm, Yc / sm):.4f} "
          f"vs formula {t.contact_ratio(10.0, g):.4f}")
    table = load_trident_table("ccfr")
    for m in (5.0, 10.0):
        gm = m / 545.0
        full, contact = trident_ratio("ccfr", m, gm), trident_ratio("ccfr", 1000.0, gm * 1000 / m)
        print(f"m_Z′ = {m} GeV, g′ = {gm:.4f}: R = {full:.4f}, contact {contact:.4f} "
              f"({100 * (1 - full / contact):.1f} % lower; R−1 {100 * (1 - (full - 1) / (contact - 1)):.1f} % lower)")
    for m in (1000.0,):
        x, y = t.interpolate_coefficients(m, *table)
        print(f"CCFR 95 % CL (R < {CCFR_R95:.3f}) heavy Z′: m_Z′/g′ > {m / t.coupling_for_ratio(CCFR_R95, x, y):.0f} GeV")
    for m in (0.001, 0.01, 0.05, 0.1, 0.3, 1.0):
        x, y = t.interpolate_coefficients(m, *table)
        print(f"CCFR 95 % CL: g′ < {t.coupling_for_ratio(CCFR_R95, x, y):.3e} at m_Z′ = {1e3 * m:.0f} MeV")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    for experiment in ("ccfr", "charm2"):
        events = direct_cost(experiment, args.events)
        table_cost(experiment)
        interpolation_error(events, experiment)
        if experiment == "ccfr":
            physics_figures(events)


if __name__ == "__main__":
    main()
