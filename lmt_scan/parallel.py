"""Parallel evaluation: an MPI pool under ``mpiexec``, a local process pool (``--jobs N``),
or nothing.  Samplers get an object with ``map`` (dynesty's and emcee's convention).

Each worker holds its own :class:`~lmt_scan.posterior.Posterior` in this module
(``install``): every rank builds it from the same run card, and forked local workers
inherit it.  What travels per task is then only the parameter vector; the functions
sent are the module-level ``finite_loglike``/``prior_transform``/``log_posterior`` below.
The pool's ``map`` cuts a block of points into one contiguous chunk per worker
(``log_posterior``/``finite_loglike`` chunks are evaluated by one batched Posterior call)
and returns results in input order; samplers propose blocks whose size does not depend on
the number of workers, so a seed gives the same chain serially, with ``--jobs N`` and under
any MPI size.  Local workers ignore SIGINT/SIGTERM (the master stops them), and a worker
that dies ends the run with :class:`WorkerLost` instead of a hang.
Workers count their own calls and −∞ reasons (samplers such as dynesty's random walk
call the likelihood many times inside one task); :meth:`CountingPool.collect_counts`
gathers those counters into the master's Posterior at the end of the run.
"""
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


class WorkerLost(Exception):
    """A pool worker died (killed, out of memory): the run stops, its checkpoint stays."""


def _die_with_parent(master_pid):
    """Linux: SIGKILL this worker when the master dies.  Workers ignore SIGTERM and hold
    their own copy of the task pipe, so a master killed by SIGKILL (or the OOM killer)
    would otherwise leave them waiting for tasks forever."""
    import ctypes
    import signal
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):   # not Linux: no such call, orphans stay possible
        return
    if os.getppid() != master_pid:      # the master died before the call above
        os._exit(1)


def _init_worker(master_pid):
    """Pool-worker initialiser.  Ctrl-C and SIGTERM sent to the whole process group are
    the master's to handle (it checkpoints and stops the workers); a worker that obeyed
    them would die mid-task and leave the master waiting.  Workers are forked on first
    use, so they start from the master's counters: reset them (no double counting)."""
    import signal
    for name in ("SIGINT", "SIGTERM"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    _die_with_parent(master_pid)
    if _POSTERIOR is not None:
        _POSTERIOR.ncall = 0
        _POSTERIOR.reasons.clear()


def _run_chunk(func, chunk):
    return [func(item) for item in chunk]


def _run_batch(method, chunk):
    """One batched call of the worker's Posterior ``method`` on a chunk of points."""
    return getattr(_POSTERIOR, method)(chunk)


# module-level functions whose whole chunk is evaluated in one batched call
BATCHED = {"finite_loglike": "finite_loglike_batch", "log_posterior": "log_posterior_batch"}


def chunks(items, n):
    """``items`` cut into ``n`` contiguous chunks of near-equal size (none empty)."""
    n = max(1, min(n, len(items)))
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for k in range(n):
        stop = start + size + (k < extra)
        out.append(items[start:stop])
        start = stop
    return out


class CountingPool:
    """A pool (``map``, ``size``) whose workers' call and −∞-reason counts can be collected.

    ``map`` sends one chunk per worker (not one task per point) and returns the results in
    input order, so what a sampler sees does not depend on the number of workers.  With
    ``executor`` None the chunks run in this process (the serial "pool").
    """

    def __init__(self, executor, posterior, size):
        self.executor = executor
        self.posterior = posterior
        self.size = size

    def _gather(self, tasks):
        if self.executor is None:
            return [fn(*args) for fn, *args in tasks]
        from concurrent.futures.process import BrokenProcessPool
        futures = [self.executor.submit(*task) for task in tasks]
        try:
            return [f.result() for f in futures]
        except BrokenProcessPool:
            raise WorkerLost("a parallel worker process died (killed or out of memory); "
                             "the run stopped") from None
        except BaseException:
            for f in futures:
                f.cancel()
            raise

    def map(self, func, iterable):
        items = list(iterable)
        if not items:
            return []
        name = getattr(func, "__name__", None)
        if func is globals().get(name) and name in BATCHED:
            tasks = [(_run_batch, BATCHED[name], c) for c in chunks(items, self.size)]
        else:
            tasks = [(_run_chunk, func, c) for c in chunks(items, self.size)]
        return [r for part in self._gather(tasks) for r in part]

    def collect_counts(self, delay=0.05):
        """Add every worker's counters to the master's Posterior (each worker resets on
        its first pop, so a worker reached twice is not counted twice)."""
        if self.executor is None:
            return   # serial: the counts are already the master's
        for calls, reasons in self._gather([(_pop_counts, delay)] * (4 * self.size)):
            self.posterior.ncall += calls
            self.posterior.reasons.update(reasons)


def finite_loglike_batch(thetas, pool=None):
    """finite log L of every row of ``thetas`` through ``pool`` (or in this process)."""
    return pool.map(finite_loglike, list(thetas)) if pool else _POSTERIOR.finite_loglike_batch(
        list(thetas))


def log_posterior_batch(thetas, pool=None):
    """(log posterior, log L) of every row of ``thetas`` through ``pool`` (or here)."""
    return pool.map(log_posterior, list(thetas)) if pool else _POSTERIOR.log_posterior_batch(
        list(thetas))


def mpi_launched():
    """True when started by mpiexec/srun (whether or not mpi4py is installed)."""
    return any(v in os.environ for v in MPI_ENV_VARS)


def mpi_world_size():
    """Number of MPI ranks when launched by mpiexec/srun with mpi4py available, else 1."""
    if not mpi_launched():
        return 1   # not under an MPI launcher: never initialise MPI
    try:
        from mpi4py import MPI
    except ImportError:
        return 1
    return MPI.COMM_WORLD.Get_size()


def mpi4py_installed():
    import importlib.util
    return importlib.util.find_spec("mpi4py") is not None


def launcher_rank():
    """This process's rank as the MPI launcher states it (0 if it does not)."""
    for var in ("OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return 0


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
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        context = multiprocessing.get_context("fork")   # workers inherit the Posterior
        executor = ProcessPoolExecutor(jobs, mp_context=context,
                                       initializer=_init_worker, initargs=(os.getpid(),))
        try:
            yield CountingPool(executor, posterior, jobs), True
        finally:
            # never wait for a dead or busy worker on the way out (Ctrl-C, lost worker)
            executor.shutdown(wait=False, cancel_futures=True)
        return
    yield None, True
