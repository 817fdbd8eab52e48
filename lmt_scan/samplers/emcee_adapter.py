"""emcee affine-invariant ensemble MCMC.

Checkpoints into emcee's HDF5 backend ``<workdir>/emcee.h5`` (every step); ``resume``
continues the chain to ``nsteps``.  The first ``burn_fraction`` of steps is discarded.
"""
import math

import numpy as np

from .. import parallel
from ..errors import ConfigError
from ..options import Option
from ..progress import DeferredInterrupt
from .base import SamplerAdapter, SamplerResult


def initial_walkers(posterior, nwalkers, rng, max_tries=None):
    """Prior draws with finite log posterior, one per walker."""
    max_tries = max(10000, 10 * nwalkers) if max_tries is None else max_tries
    start = []
    for _ in range(max_tries):
        theta = posterior.prior_transform(rng.uniform(size=posterior.ndim))
        if math.isfinite(posterior.log_posterior(theta)[0]):
            start.append(theta)
            if len(start) == nwalkers:
                return np.array(start)
    raise RuntimeError(f"only {len(start)} of {nwalkers} prior draws have a finite likelihood "
                       f"after {max_tries} tries: is the prior box inside the allowed region?")


class EmceeAdapter(SamplerAdapter):
    name = "emcee"
    description = "ensemble MCMC (emcee); no evidence"
    options = {
        "nwalkers": Option(int, 32, "number of walkers (≥ 2 × free parameters)", minimum=2),
        "nsteps": Option(int, 2000, "steps per walker", minimum=1),
        "burn_fraction": Option(float, 0.3, "fraction of steps discarded as burn-in",
                                minimum=0.0, maximum=0.95),
        "thin": Option(int, 1, "keep every thin-th step", minimum=1),
    }

    @classmethod
    def validate(cls, given):
        s = super().validate(given)
        if kept_steps(s) < 1:
            raise ConfigError(f"keeps no step: {s['nsteps']} steps, the first "
                              f"{burn_steps(s)} discarded as burn-in, every {s['thin']}th kept",
                              field="thin")
        return s

    @classmethod
    def resource_needs(cls, settings, ndim, row_bytes):
        walkers, steps = max(settings["nwalkers"], 2 * ndim + 2), settings["nsteps"]
        # the field further above its default is the one to lower
        field = ("nsteps" if steps / cls.options["nsteps"].default
                 >= walkers / cls.options["nwalkers"].default else "nwalkers")
        what = f"{walkers} walkers x {steps} steps"
        # every step in the HDF5 checkpoint (position, ln posterior, ln L blob); the kept
        # ones read back with their chain-table rows
        return [(field, "disk", walkers * steps * (ndim + 2) * 8, what),
                (field, "memory", walkers * kept_steps(settings) * ((ndim + 1) * 8 + row_bytes),
                 what)]

    def run(self, posterior, workdir, seed, resume=False, progress=True, pool=None):
        import emcee

        s = self.settings
        nwalkers = max(s["nwalkers"], 2 * posterior.ndim + 2)
        backend = emcee.backends.HDFBackend(str(workdir / "emcee.h5"))
        done = backend.iteration if resume and (workdir / "emcee.h5").exists() else 0
        rng_start, rng_moves = (np.random.default_rng(c)
                                for c in np.random.SeedSequence(seed).spawn(2))
        if done == 0:
            backend.reset(nwalkers, posterior.ndim)
            start = initial_walkers(posterior, nwalkers, rng_start)
        else:
            start = backend.get_last_sample()   # continue from the last stored step
        # vectorised: each half-ensemble is one block, cut into one chunk per worker
        def log_prob(thetas):
            return (posterior.log_posterior_batch(list(thetas)) if pool is None
                    else parallel.log_posterior_batch(thetas, pool))
        sampler = emcee.EnsembleSampler(nwalkers, posterior.ndim, log_prob, backend=backend,
                                        vectorize=True)
        # emcee draws from numpy's global RandomState: seed it from our SeedSequence
        sampler.random_state = np.random.RandomState(rng_moves.integers(2**32 - 1)).get_state()
        remaining = s["nsteps"] - done
        if remaining > 0:
            # step by step so that Ctrl-C stops between steps (the HDF5 backend has
            # stored every finished step) instead of inside emcee's likelihood wrapper
            with DeferredInterrupt() as interrupt:
                for _ in sampler.sample(start, iterations=remaining, progress=progress,
                                        store=True):
                    # the step is in the HDF5 file: the counts go with it (with a pool,
                    # every 5 s: collecting the workers' counters takes a round trip)
                    self.save_counts(every_s=0.0 if pool is None else 5.0)
                    interrupt.check()
        burn = burn_steps(s)
        chain = backend.get_chain(discard=burn, thin=s["thin"], flat=True)
        loglike = backend.get_blobs(discard=burn, thin=s["thin"], flat=True)
        try:
            tau = backend.get_autocorr_time(discard=burn, tol=0)
            tau = [float(t) for t in tau]
        except Exception:   # too short a chain: report nothing rather than fail
            tau = None
        weights = np.full(len(chain), 1.0 / len(chain))
        ess = chain_ess(nwalkers, s["nsteps"] - burn, tau)
        return SamplerResult(samples=chain, weights=weights, loglike=np.asarray(loglike, float),
                             info={"nwalkers": nwalkers, "burn_in_steps": burn,
                                   "acceptance_fraction": float(np.mean(
                                       sampler.acceptance_fraction)) if remaining > 0 else None,
                                   "autocorr_time": tau, **ess}), posterior


def burn_steps(settings):
    return int(settings["burn_fraction"] * settings["nsteps"])


def kept_steps(settings):
    """Steps per walker emcee's get_chain(discard=burn, thin=thin) returns."""
    after = settings["nsteps"] - burn_steps(settings)
    return (after - settings["thin"]) // settings["thin"] + 1 if after >= settings["thin"] else 0


MIN_TAUS = 50     # a chain shorter than ~50 τ gives unreliable τ and intervals (emcee docs)


def chain_ess(nwalkers, kept_steps, tau):
    """Effective sample size from the integrated autocorrelation time τ [steps]:
    walkers × kept steps / max τ (the slowest parameter); warns when kept < 50 τ."""
    if not tau or not np.all(np.isfinite(tau)):
        return {"effective_sample_size": None, "chain_over_tau": None}
    worst = max(tau)
    ratio = kept_steps / worst
    if ratio < MIN_TAUS:
        import sys
        print(f"[lmt-scan] warning: emcee chain after burn-in is {kept_steps} steps = "
              f"{ratio:.0f} τ (τ = {worst:.0f} steps), shorter than {MIN_TAUS} τ: raise "
              "sampler.nsteps", file=sys.stderr, flush=True)
    return {"effective_sample_size": float(nwalkers * kept_steps / worst),
            "chain_over_tau": float(ratio)}
