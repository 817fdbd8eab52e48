"""Parallel evaluation: an MPI pool under ``mpiexec``, a local process pool (``--jobs N``),
or nothing.  Samplers get an object with ``map`` (dynesty's and emcee's convention).

Each worker holds its own :class:`~lmt_scan.posterior.Posterior` in this module
(``install``): every rank builds it from the same run card, and forked local workers
inherit it.  What travels per task is then only the parameter vector; the functions
sent are the module-level ``finite_loglike``/``prior_transform``/``log_posterior`` below.
Workers count their own calls and −∞ reasons (samplers such as dynesty's random walk
call the likelihood many times inside one task); :meth:`CountingPool.collect_counts`
gathers those counters into the master's Posterior at the end of the run.
"""
import multiprocessing
import os
import time
from collections import Counter
from contextlib import contextmanager

_POSTERIOR = None   # this process's Posterior (set by ``install``)

MPI_ENV_VARS = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS")


def install(posterior):
    """Make ``posterior`` the one the module-level functions evaluate in this process."""
    global _POSTERIOR
    _POSTERIOR = posterior


# Module-level twins of the Posterior's methods: only these names travel to workers.
def finite_loglike(theta):
    return _POSTERIOR.finite_loglike(theta)


def prior_transform(u):
    return _POSTERIOR.prior_transform(u)


def log_posterior(theta):
    return _POSTERIOR.log_posterior(theta)


def _pop_counts(delay):
    """This worker's (calls, reasons) since the last pop; resets them.  The short sleep
    spreads the collection tasks over every worker."""
    time.sleep(delay)
    calls, reasons = _POSTERIOR.ncall, Counter(_POSTERIOR.reasons)
    _POSTERIOR.ncall = 0
    _POSTERIOR.reasons.clear()
    return calls, reasons


class CountingPool:
    """A pool (``map``, ``size``) whose workers' call and −∞-reason counts can be collected."""

    def __init__(self, inner, posterior, size):
        self.inner = inner
        self.posterior = posterior
        self.size = size

    def map(self, func, iterable):
        return list(self.inner.map(func, iterable))

    def collect_counts(self, delay=0.05):
        """Add every worker's counters to the master's Posterior (each worker resets on
        its first pop, so a worker reached twice is not counted twice)."""
        for calls, reasons in self.inner.map(_pop_counts, [delay] * (4 * self.size)):
            self.posterior.ncall += calls
            self.posterior.reasons.update(reasons)


def mpi_world_size():
    """Number of MPI ranks when launched by mpiexec/srun with mpi4py available, else 1."""
    if not any(v in os.environ for v in MPI_ENV_VARS):
        return 1   # not under an MPI launcher: never initialise MPI
    try:
        from mpi4py import MPI
    except ImportError:
        return 1
    return MPI.COMM_WORLD.Get_size()


def mpi_rank():
    if mpi_world_size() == 1:
        return 0
    from mpi4py import MPI
    return MPI.COMM_WORLD.Get_rank()


@contextmanager
def pool_for(posterior, jobs=1):
    """Yield ``(pool, is_master)``.

    Under MPI with > 1 rank: rank 0 gets a pool over the other ranks, the others serve
    tasks inside this context and get ``(None, False)`` when the master is done.  With
    ``jobs`` > 1: a local process pool.  Otherwise ``(None, True)`` (serial).
    """
    install(posterior)
    if mpi_world_size() > 1:
        from mpi4py import MPI
        from mpi4py.futures import MPICommExecutor
        with MPICommExecutor(MPI.COMM_WORLD, root=0) as executor:
            if executor is None:      # a worker rank: it served tasks until here
                yield None, False
                return
            workers = MPI.COMM_WORLD.Get_size() - 1
            yield CountingPool(executor, posterior, workers), True
        return
    if jobs > 1:
        context = multiprocessing.get_context("fork")   # workers inherit the Posterior
        with context.Pool(jobs) as pool:
            yield CountingPool(pool, posterior, jobs), True
        return
    yield None, True
