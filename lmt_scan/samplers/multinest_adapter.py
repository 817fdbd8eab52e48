"""MultiNest through pymultinest: serially in a child process, or on every MPI rank.

MultiNest's Fortran ``stop`` (bad settings, unwritable directory, unreadable resume
files, …) ends the whole process with exit code 0, so a serial run samples in a forked
child: the parent accepts the result only when the child wrote ``finished.json`` after
pymultinest returned, and turns anything else into one line (RunFailed), never a silent
success.  Under ``mpiexec`` every rank calls MultiNest's MPI library itself (a fork of an
MPI process cannot take part in MPI): rank 0 samples and writes, the others receive the
job by broadcast (:meth:`serve`); a Fortran ``stop`` there is caught by a C ``atexit``
hook (glibc ``on_exit``) that prints one line and exits 1.  libmultinest is loaded by absolute path
(:mod:`lmt_scan.multinest_build`) before pymultinest looks for it.  Checkpoint and call
counts: :mod:`.multinest_files`.
"""
import contextlib
import ctypes
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from .. import multinest_build
from ..errors import RunFailed
from ..options import Option
from ..progress import Throttle
from . import multinest_files as files
from .base import SamplerAdapter, SamplerUnavailable

INSTALL_HINT = ("MultiNest's shared library (libmultinest) was not found: build it with "
                "`lmt-scan build-multinest [CHECKOUT_OR_TARBALL]` (needs gfortran, cmake, "
                "liblapack-dev), or use sampler 'dynesty' (the default).")
# Fortran's stdout unbuffered (read when libgfortran loads): the child ends with os._exit,
# which would drop a buffered error message
os.environ.setdefault("GFORTRAN_UNBUFFERED_PRECONNECTED", "y")
SEED_RANGE = 31328        # MultiNest's first random-number seed must be in 0 … 31328
ROOT = files.ROOT
RANK_COUNT_EVERY_S = 1.0  # MPI ranks > 0 record their call counts this often


def multinest_available():
    """True when libmultinest can be found (the built prefix or the loader's path)."""
    return multinest_build.library_path() is not None


def multinest_seed(seed):
    """Map any run seed (int ≥ 0) into MultiNest's accepted seed range 0 … 31328."""
    return int(np.random.SeedSequence(seed).generate_state(1)[0] % (SEED_RANGE + 1))


def import_pymultinest():
    """Load libmultinest by absolute path, then import pymultinest (which exits the
    process when it cannot load the library itself).  Not under mpiexec, pymultinest's own
    ``from mpi4py import MPI`` is made to fail: it would start an MPI singleton (an
    ``orted`` daemon) in every serial run for nothing."""
    from .. import parallel
    if not multinest_build.preload():
        raise SamplerUnavailable(INSTALL_HINT, field="sampler.name")
    multinest_build.preload(mpi=True)   # pymultinest loads it too when under mpiexec
    if not parallel.mpi_launched() and "mpi4py.MPI" not in sys.modules:
        sys.modules.setdefault("mpi4py.MPI", None)    # import → ImportError, caught there
    try:
        import pymultinest   # noqa: F401
    except SystemExit:
        raise SamplerUnavailable(INSTALL_HINT, field="sampler.name") from None


def _comm():
    """MPI.COMM_WORLD when under mpiexec with > 1 rank, else None."""
    from .. import parallel
    if parallel.mpi_world_size() <= 1:
        return None
    from mpi4py import MPI
    return MPI.COMM_WORLD


class MultiNestAdapter(SamplerAdapter):
    name = "multinest"
    description = "MultiNest nested sampling (pymultinest; needs libmultinest); gives ln Z"
    options = {
        "nlive": Option(int, 400, "live points", minimum=10),
        "evidence_tolerance": Option(float, 0.5, "stop tolerance on ln Z", minimum=0.0,
                                     exclusive_minimum=True, maximum=1000.0),
        # > 1 would shrink the ellipsoids inside the live points (a biased posterior)
        "sampling_efficiency": Option(float, 0.8, "MultiNest efficiency (0.8 for parameter "
                                      "estimation, 0.3 for evidence)", minimum=0.0,
                                      exclusive_minimum=True, maximum=1.0),
        "importance_nested_sampling": Option(bool, False, "MultiNest's INS mode"),
        "max_iter": Option(int, 0, "stop after this many iterations (0: no limit)", minimum=0),
    }
    own_mpi = True     # under mpiexec every rank runs MultiNest (runner calls serve)

    @classmethod
    def resource_needs(cls, settings, ndim, row_bytes):
        # live points in the unit cube and physical (Fortran float64), ln L, and at least as
        # many posterior rows read back with their chain-table rows
        n = settings["nlive"]
        return [("nlive", "memory", n * ((2 * ndim + 1) * 8 + row_bytes), f"{n} live points")]

    def check_available(self):
        if not multinest_available():
            raise SamplerUnavailable(INSTALL_HINT, field="sampler.name")

    def run(self, posterior, workdir, seed, resume=False, progress=True, pool=None):
        """MultiNest on this process's ranks (a Python pool is not used)."""
        self.check_available()
        base = workdir / "multinest"
        resume, before = files.prepare(base, resume, self.settings["nlive"], str(workdir))
        job = {"base": str(base), "seed": seed, "resume": resume}
        comm = _comm()
        if comm is not None:        # rank 0 under mpiexec: the workers join in
            self._released = True
            comm.bcast(job, root=0)
            with _fortran_exit_guard(comm, base):
                counts = _sample(posterior, job, self.settings, progress, before, comm)
        else:
            counts = _in_child(posterior, job, self.settings, progress, before)
        # this part's calls on the Posterior, the earlier parts' (the snapshot) as `before`
        posterior.ncall = counts["ncall"] - before["ncall"]
        posterior.reasons.clear()
        posterior.reasons.update(counts["reasons"])
        posterior.reasons.subtract(before["reasons"])
        for reason in [r for r, n in posterior.reasons.items() if n <= 0]:
            del posterior.reasons[reason]
        if self.counts is not None:
            self.counts.before = {"ncall": before["ncall"], "reasons": before["reasons"],
                                  "wall_s": before.get("wall_s", 0.0)}
        result = files.result(base, posterior.ndim, self.settings["nlive"], workdir, counts)
        result.info["multinest_seed"] = multinest_seed(seed)
        result.info["mpi_ranks"] = comm.Get_size() if comm is not None else 1
        if "per_rank" in counts:    # this part's likelihood calls made by each rank
            result.info["calls_per_rank"] = counts["per_rank"]
        result.info["resumed_from_checkpoint"] = resume
        return result, posterior

    def serve(self, posterior):
        """An MPI rank > 0: take part in rank 0's MultiNest runs until it is done."""
        comm = _comm()
        job = comm.bcast(None, root=0)
        if job is None:
            return
        with _fortran_exit_guard(comm, None):
            _sample(posterior, job, self.settings, False, None, comm)

    def release_workers(self):
        """Rank 0: tell ranks still waiting in :meth:`serve` that no run comes (the run
        failed before sampling)."""
        comm = _comm()
        if comm is not None and not getattr(self, "_released", False):
            self._released = True
            comm.bcast(None, root=0)


def _in_child(posterior, job, settings, progress, before):
    """Run :func:`_sample` in a forked child; its counts once it finished, else RunFailed."""
    import multiprocessing
    base = Path(job["base"])
    child = multiprocessing.get_context("fork").Process(
        target=_child, args=(posterior, job, settings, progress, before))
    child.start()
    try:
        child.join()
    except KeyboardInterrupt:
        child.join(timeout=30)
        raise
    finished = files.read_json(base / files.FINISHED)
    if child.exitcode != 0 or finished is None or not (base / f"{ROOT}stats.dat").is_file():
        raise RunFailed(f"MultiNest stopped (exit code {child.exitcode}) without chains: "
                        f"{files.last_message(base / 'fortran.log')}")
    return finished


def _child(posterior, job, settings, progress, before):
    """The forked child: exit code 0 and finished.json only after MultiNest returned."""
    log = os.open(os.path.join(job["base"], "fortran.log"),
                  os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)          # MultiNest's Fortran prints to stdout: keep it for the message
    counts = _sample(posterior, job, settings, progress, before, None)
    files.write_atomic(Path(job["base"]) / files.FINISHED,
                       json.dumps(counts).encode())
    sys.stdout.flush()
    os._exit(0)        # skip the parent's atexit handlers (we are a fork)


def _sample(posterior, job, settings, progress, before, comm):
    """Call pymultinest.run on this rank; returns the whole run's counts (rank 0; under
    MPI gathered from every rank), None on other ranks."""
    import_pymultinest()
    import pymultinest
    rank = comm.Get_rank() if comm is not None else 0
    base = Path(job["base"])
    posterior.ncall = 0            # this part's calls (a fork starts from the parent's)
    posterior.reasons.clear()
    throttle, state = Throttle(), {"best": -np.inf, "saved": time.monotonic()}
    start = time.monotonic()

    def others():
        if comm is None:
            return []
        return [files.read_json(files.rank_counts_path(base, r), files.ZERO)
                for r in range(1, comm.Get_size())]

    def prior(cube, ndim, nparams):
        theta = posterior.prior_transform([cube[i] for i in range(ndim)])
        for i in range(ndim):
            cube[i] = theta[i]

    def loglike(cube, ndim, nparams):
        value = posterior.finite_loglike([cube[i] for i in range(ndim)])
        if rank > 0 and time.monotonic() - state["saved"] > RANK_COUNT_EVERY_S:
            state["saved"] = time.monotonic()
            files.write_atomic(files.rank_counts_path(base, rank),
                               json.dumps(files.own_counts(posterior)).encode())
        state["best"] = max(state["best"], value)
        if progress:
            throttle(f"multinest: {before['ncall'] + posterior.ncall} calls"
                     f"{' on rank 0' if comm is not None else ''}, "
                     f"max ln L {state['best']:.3f}")
        return value

    def dump(*args):
        # MultiNest wrote its resume files just before and waits for us: a consistent
        # checkpoint (other MPI ranks' counts as of their last record, ≤ 1 s old)
        counts = files.add_counts(before, files.own_counts(posterior), *others())
        counts["wall_s"] = before.get("wall_s", 0.0) + time.monotonic() - start
        files.write_snapshot(base, counts)

    nlive = settings["nlive"]
    pymultinest.run(loglike, prior, posterior.ndim, outputfiles_basename=str(base / ROOT),
                    n_live_points=nlive,
                    evidence_tolerance=settings["evidence_tolerance"],
                    sampling_efficiency=settings["sampling_efficiency"],
                    importance_nested_sampling=settings["importance_nested_sampling"],
                    max_iter=settings["max_iter"], seed=multinest_seed(job["seed"]),
                    resume=job["resume"], verbose=rank == 0, init_MPI=False,
                    dump_callback=dump if rank == 0 else None,
                    # resume files every nlive/10 iterations, a dump (checkpoint) every nlive
                    n_iter_before_update=max(10, nlive // 10),
                    log_zero=-1e300,   # rejected points (LOG_ZERO) keep their prior mass
                    use_MPI=comm is not None)
    if comm is None:
        return files.add_counts(before, files.own_counts(posterior))
    parts = comm.gather(files.own_counts(posterior), root=0)
    if rank > 0:
        return None
    return dict(files.add_counts(before, *parts), per_rank=[p["ncall"] for p in parts])


_GUARD = {"active": False, "rank": 0, "log": None}


def _on_exit(status, arg):
    """C exit hook (glibc ``on_exit``): the process is exiting while MultiNest runs (a
    Fortran ``stop``)."""
    if _GUARD["active"]:
        if _GUARD["log"]:       # rank 0 (the others exit silently: one line in all)
            sys.stderr.write("lmt-scan: error: MultiNest stopped without chains: "
                             f"{files.last_message(_GUARD['log'])}\n")
            sys.stderr.flush()
        os._exit(1)


_ON_EXIT = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_void_p)(_on_exit)
_HOOKED = []


def _disarm():
    """The hook above is Python: called by the normal ``exit`` after the interpreter was
    finalised it would crash (segfault).  Exit handlers run in reverse order of
    registration, so one more, glibc's ``_exit``, registered after it, ends the process
    with its exit status before the hook is reached (Python has flushed its streams and
    mpi4py finalised MPI by then)."""
    if len(_HOOKED) == 1:
        libc = ctypes.CDLL(None)
        libc.on_exit(ctypes.cast(libc._exit, ctypes.c_void_p), None)
        _HOOKED.append(True)


@contextlib.contextmanager
def _fortran_exit_guard(comm, base):
    """While MultiNest runs in this process: a Fortran ``stop`` → one line, exit 1 (which
    makes mpiexec end the other ranks); rank 0's Fortran output goes to fortran.log."""
    if not _HOOKED:
        ctypes.CDLL(None).on_exit(_ON_EXIT, None)
        _HOOKED.append(True)
    _GUARD.update(active=True, rank=comm.Get_rank(),
                  log=str(Path(base) / "fortran.log") if base else None)
    sys.stdout.flush()
    saved = os.dup(1)       # Fortran prints to stdout: rank 0's to the log, others' nowhere
    log = os.open(_GUARD["log"] or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.close(log)
    try:
        yield
    finally:
        _GUARD["active"] = False
        _disarm()
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
