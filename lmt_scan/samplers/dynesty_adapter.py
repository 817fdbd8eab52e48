"""dynesty static nested sampling, configured MultiNest-like (multi-ellipsoid bounds).

Checkpoints to ``<workdir>/dynesty.save`` (dynesty's own format) every
``checkpoint_every`` seconds; ``resume`` restores from it.
"""
import sys
import warnings

import numpy as np

from ..errors import ConfigError
from ..options import Option
from .. import parallel
from ..progress import DeferredInterrupt, dynesty_printer
from .base import (SamplerAdapter, SamplerResult, births_from_nlive,
                   nlive_from_logvol, write_nested_info)


class DynestyAdapter(SamplerAdapter):
    name = "dynesty"
    description = "nested sampling (dynesty, multi-ellipsoid bounds as MultiNest); gives ln Z"
    options = {
        "nlive": Option(int, 400, "live points", minimum=10),
        "dlogz": Option(float, 0.5, "stop when the remaining evidence is below this (ln units)",
                        minimum=0.0, exclusive_minimum=True, maximum=1000.0),
        "bound": Option(str, "multi", "bounding method", choices=("multi", "single", "balls",
                                                                     "cubes", "none")),
        "sample": Option(str, "rwalk", "sampling method inside the bounds",
                         choices=("auto", "unif", "rwalk", "slice", "rslice")),
        "maxcall": Option(int, 2_000_000, "hard cap on likelihood calls", minimum=1),
        "checkpoint_every": Option(float, 30.0, "seconds between checkpoints", minimum=1.0,
                                   maximum=1.0e6),
        "queue_size": Option(int, 8, "proposals evolved in one batch, whatever the number of "
                             "workers (so a seed gives the same chain on any worker count); "
                             "use ≥ the number of workers", minimum=1),
        "queue_per_worker": Option(int, 4, "deprecated, ignored (a warning says so): the "
                                   "queue is queue_size whatever the worker count; accepted so "
                                   "older run cards still load", minimum=1),
    }

    @classmethod
    def validate(cls, given):
        s = super().validate(given)
        if "queue_per_worker" in (given or {}):
            print("lmt-scan: warning: sampler: queue_per_worker is deprecated and ignored — "
                  f"dynesty evolves queue_size = {s['queue_size']} proposals whatever the "
                  "number of workers (same chain on any worker count); remove it from the card",
                  file=sys.stderr)
        if s["nlive"] > s["maxcall"]:    # the first live points alone would exhaust maxcall
            raise ConfigError(f"{s['nlive']} live points take {s['nlive']} likelihood calls "
                              f"to start, more than maxcall = {s['maxcall']}", field="nlive")
        if s["queue_size"] > s["nlive"]:   # one batch would replace every live point
            raise ConfigError(f"a batch of {s['queue_size']} proposals is more than the "
                              f"{s['nlive']} live points: use queue_size <= nlive",
                              field="queue_size")
        return s

    @classmethod
    def resource_needs(cls, settings, ndim, row_bytes):
        # live u, v, ln L, bound, birth (float64 each), again in the results (the final
        # live points), and at least those rows in the chain table
        n = settings["nlive"]
        return [("nlive", "memory", n * (2 * (2 * ndim + 3) * 8 + row_bytes),
                 f"{n} live points")]

    def run(self, posterior, workdir, seed, resume=False, progress=True, pool=None):
        import dynesty   # imported here: only runs that use it pay for it

        checkpoint = workdir / "dynesty.save"
        s = self.settings
        # always a pool (in-process when serial) and module-level functions: the fixed
        # queue and the checkpoint are then the same for every worker count
        pool = pool or parallel.CountingPool(None, posterior, 1)
        if resume and checkpoint.exists():
            with warnings.catch_warnings():   # "restoring with the original queue_size": intended
                warnings.simplefilter("ignore", UserWarning)
                sampler = dynesty.NestedSampler.restore(str(checkpoint), pool=pool)
            try:    # a checkpoint of an older serial run holds its own Posterior
                posterior = _restored_posterior(sampler, type(posterior))
            except RuntimeError:
                pass
            resume_run = True
        else:
            rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
            # module-level functions: only parameter vectors travel to the workers
            functions = (parallel.finite_loglike, parallel.prior_transform)
            parallel_args = {"pool": pool, "queue_size": s["queue_size"]}
            # the first live points are evaluated here, inside dynesty's wrapper that prints
            # a traceback for any exception: a signal stops once they are done instead
            with DeferredInterrupt() as interrupt:
                sampler = dynesty.NestedSampler(*functions, posterior.ndim, nlive=s["nlive"],
                                                bound=s["bound"], sample=s["sample"],
                                                rstate=rng, **parallel_args)
            resume_run = False
        sampler.save = _CountsThenSave(sampler, self)   # counts beside every checkpoint
        if not resume_run and interrupt.requested:   # the first live points are worth keeping
            sampler.save(str(checkpoint))
            interrupt.check()
        try:
            with DeferredInterrupt() as interrupt:
                sampler.run_nested(dlogz=s["dlogz"], maxcall=s["maxcall"], print_progress=True,
                                   print_func=dynesty_printer(interrupt, quiet=not progress),
                                   checkpoint_file=str(checkpoint),
                                   checkpoint_every=s["checkpoint_every"], resume=resume_run)
        except (KeyboardInterrupt, parallel.WorkerLost) as stop:
            if isinstance(stop, parallel.WorkerLost):   # the batch being evolved is lost:
                sampler.queue, sampler.nqueue = [], 0     # resume proposes a fresh one
            sampler.save(str(checkpoint))    # Ctrl-C, lost worker: keep everything done so far
            raise
        res = sampler.results
        # dead points then the final live points; nlive drops at ln L plateaus
        write_nested_info(workdir, births_from_nlive(nlive_from_logvol(res["logvol"])),
                          float(res["logz"][-1]), float(res["logzerr"][-1]), s["nlive"])
        weights = np.exp(res["logwt"] - res["logz"][-1])
        return SamplerResult(
            samples=np.asarray(res["samples"]), weights=weights / weights.sum(),
            loglike=np.asarray(res["logl"]), logz=float(res["logz"][-1]),
            logz_err=float(res["logzerr"][-1]), ncall=int(np.sum(res["ncall"])),
            info={"niter": int(res["niter"]), "efficiency_percent": float(res["eff"])},
            ), posterior


class _CountsThenSave:
    """``sampler.save`` for dynesty's checkpoints: the whole run's call counts first (no
    call happens between the two), then dynesty's own save, with this hook taken out of
    the sampler while it is pickled."""

    def __init__(self, sampler, adapter):
        self.sampler, self.adapter = sampler, adapter

    def __call__(self, fname):
        self.adapter.save_counts()
        del self.sampler.save
        try:
            self.sampler.save(fname)
        finally:
            self.sampler.save = self


def _restored_posterior(sampler, posterior_type):
    """The Posterior object inside a restored dynesty sampler (wrapped by dynesty)."""
    obj = sampler.loglikelihood
    for _ in range(6):
        if isinstance(obj, posterior_type):
            return obj
        obj = next((getattr(obj, a) for a in ("loglikelihood", "func", "__self__")
                    if hasattr(obj, a)), None)
    raise RuntimeError("cannot find the likelihood object in the dynesty checkpoint")
