"""Likelihood evaluations per second and the cost of each derived quantity.

    python benchmarks/likelihood_speed.py [RUN.yaml ...]

Prints, for each run card, the one-off cost of loading its tables (first evaluation),
the mean wall time per full log L evaluation at prior draws on the scalar path and on the
batched path (``Posterior.loglike_batch``, blocks of 1000) with their ratio, and the cost
of computing every registered derived quantity at one point.
"""
import sys
import time
from pathlib import Path

import numpy as np

from lmt_scan.config import load_run_card
from lmt_scan.derived import DERIVED
from lmt_scan.point import ModelPoint
from lmt_scan.posterior import Posterior

REPO = Path(__file__).resolve().parent.parent


def time_loglike(card, n=2000, seed=0, block=1000):
    """(table loading [s], scalar [s/point], batched [s/point], reasons) at n prior draws."""
    t0 = time.perf_counter()
    config = load_run_card(card)
    posterior = Posterior.from_config(config)
    rng = np.random.default_rng(seed)
    thetas = [posterior.prior_transform(rng.uniform(size=posterior.ndim)) for _ in range(n)]
    posterior.loglike_batch(thetas[:50])       # first calls load every table once
    setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    for theta in thetas:
        posterior.loglike(theta)
    scalar = (time.perf_counter() - t0) / n
    reasons = dict(posterior.reasons)
    t0 = time.perf_counter()
    for start in range(0, n, block):
        posterior.loglike_batch(thetas[start:start + block])
    batched = (time.perf_counter() - t0) / n
    return setup, scalar, batched, reasons


def time_derived(params=(10.0, 5e-4, 20.0, 20.0), repeat=200):
    costs = {}
    for name in DERIVED:
        t0 = time.perf_counter()
        for _ in range(repeat):
            point = ModelPoint(*params)
            try:
                point[name]
            except Exception:
                pass
        costs[name] = (time.perf_counter() - t0) / repeat
    return costs


def main(cards):
    for card in cards:
        setup, dt, batched, reasons = time_loglike(card)
        print(f"{card}: tables and setup {setup:6.2f} s once; {dt * 1e6:8.1f} µs per log L "
              f"scalar, {batched * 1e6:8.1f} µs batched (ratio {dt / batched:5.2f})"
              f"  rejections in 2000 prior draws: {reasons or 'none'}")
    print("derived quantities at (m_Zp, g_p, m_phi, M1) = (10 MeV, 5e-4, 20 MeV, 20 GeV), "
          "including their dependencies:")
    for name, cost in time_derived().items():
        print(f"  {name:24s} {cost * 1e6:9.1f} µs")


if __name__ == "__main__":
    main(sys.argv[1:] or [str(REPO / "runs" / "quickstart.yaml"),
                          str(REPO / "runs" / "paper_zprime.yaml"),
                          str(REPO / "runs" / "paper_full.yaml")])
