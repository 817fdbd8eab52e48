"""Likelihood evaluations per second and the cost of each derived quantity.

    python benchmarks/likelihood_speed.py [RUN.yaml ...]

Prints, for each run card, the mean wall time per full log L evaluation at prior
draws, and the cost of computing every registered derived quantity at one point.
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


def time_loglike(card, n=2000, seed=0):
    config = load_run_card(card)
    posterior = Posterior.from_config(config)
    rng = np.random.default_rng(seed)
    thetas = [posterior.prior_transform(rng.uniform(size=posterior.ndim)) for _ in range(n)]
    t0 = time.perf_counter()
    for theta in thetas:
        posterior.loglike(theta)
    dt = (time.perf_counter() - t0) / n
    return dt, dict(posterior.reasons)


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
        dt, reasons = time_loglike(card)
        print(f"{card}: {dt * 1e6:8.1f} µs per log L  ({1 / dt:8.0f} evaluations/s)"
              f"  rejections in 2000 prior draws: {reasons or 'none'}")
    print("derived quantities at (m_Zp, g_p, m_phi, M1) = (10 MeV, 5e-4, 20 MeV, 20 GeV), "
          "including their dependencies:")
    for name, cost in time_derived().items():
        print(f"  {name:24s} {cost * 1e6:9.1f} µs")


if __name__ == "__main__":
    main(sys.argv[1:] or [str(REPO / "runs" / "quickstart.yaml"),
                          str(REPO / "runs" / "paper_zprime.yaml")])
