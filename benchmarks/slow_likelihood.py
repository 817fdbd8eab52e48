"""A benchmark-only likelihood that costs a fixed CPU time per call (no physics).

    likelihoods:
      slow: {plugin: benchmarks/slow_likelihood.py:SlowLikelihood, cost_ms: 2}

Stands for an expensive observable (a direct σ_T solve, a Boltzmann code) when measuring
how a run scales with workers (``benchmarks/scaling.py``) and in the worker-fault tests;
log L is 0, so the posterior is the card's other likelihoods.
"""
import time

from lmt_scan.options import Option
from lmt_scan.plugins import Likelihood


class SlowLikelihood(Likelihood):
    name = "slow"
    description = "benchmark only: burns cost_ms of CPU per call, log L = 0"
    options = {"cost_ms": Option(float, 2.0, "CPU time per call [ms]", minimum=0.0)}

    def loglike(self, point):
        # busy loop, not sleep: the cost must occupy a core as real physics would
        end = time.process_time() + self.opts["cost_ms"] * 1e-3
        while time.process_time() < end:
            pass
        return 0.0
