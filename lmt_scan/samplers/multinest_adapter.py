"""MultiNest through pymultinest, run in a child process.

MultiNest's Fortran ``stop`` (bad settings, unwritable directory, …) ends the whole
process, so the sampler runs in a forked child: the parent checks the child's exit code
and its output files and turns any failure into one line (RunFailed), never a silent
success.  libmultinest is loaded by absolute path (:mod:`lmt_scan.multinest_build`)
before pymultinest looks for it.  MultiNest's own resume files live in
``<workdir>/multinest/``; the likelihood-call counts of every part of the run are kept
beside them (``counts.json``, rewritten at each MultiNest update) so a resumed run
reports the calls of the whole run.
"""
import contextlib
import io
import json
import re
import multiprocessing
import os
import sys

import numpy as np

from .. import multinest_build
from ..errors import RunFailed
from ..options import Option
from ..progress import Throttle
from .base import (SamplerAdapter, SamplerResult, SamplerUnavailable, constant_nlive_births,
                   write_nested_info)

INSTALL_HINT = ("MultiNest's shared library (libmultinest) was not found: build it with "
                "`lmt-scan build-multinest [CHECKOUT_OR_TARBALL]` (needs gfortran, cmake, "
                "liblapack-dev), or use sampler 'dynesty' (the default).")
# Fortran's stdout unbuffered (read when libgfortran loads): the child ends with os._exit,
# which would drop a buffered error message
os.environ.setdefault("GFORTRAN_UNBUFFERED_PRECONNECTED", "y")
SEED_RANGE = 31328        # MultiNest's first random-number seed must be in 0 … 31328
ROOT = "lmt-"


def multinest_available():
    """True when libmultinest can be found (the built prefix or the loader's path)."""
    return multinest_build.library_path() is not None


def multinest_seed(seed):
    """Map any run seed (int ≥ 0) into MultiNest's accepted seed range 0 … 31328."""
    return int(np.random.SeedSequence(seed).generate_state(1)[0] % (SEED_RANGE + 1))


def import_pymultinest():
    """Load libmultinest by absolute path, then import pymultinest (which exits the
    process when it cannot load the library itself)."""
    if not multinest_build.preload():
        raise SamplerUnavailable(INSTALL_HINT, field="sampler.name")
    multinest_build.preload(mpi=True)   # pymultinest loads it too when under mpiexec
    try:
        import pymultinest   # noqa: F401
    except SystemExit:
        raise SamplerUnavailable(INSTALL_HINT, field="sampler.name") from None


class MultiNestAdapter(SamplerAdapter):
    name = "multinest"
    description = "MultiNest nested sampling (pymultinest; needs libmultinest); gives ln Z"
    options = {
        "nlive": Option(int, 400, "live points", minimum=10),
        "evidence_tolerance": Option(float, 0.5, "stop tolerance on ln Z", minimum=0.0,
                                     exclusive_minimum=True),
        "sampling_efficiency": Option(float, 0.8, "MultiNest efficiency (0.8 for parameter "
                                      "estimation, 0.3 for evidence)", minimum=0.0,
                                      exclusive_minimum=True),
        "importance_nested_sampling": Option(bool, False, "MultiNest's INS mode"),
        "max_iter": Option(int, 0, "stop after this many iterations (0: no limit)", minimum=0),
    }

    def check_available(self):
        if not multinest_available():
            raise SamplerUnavailable(INSTALL_HINT, field="sampler.name")

    def run(self, posterior, workdir, seed, resume=False, progress=True, pool=None):
        """Serial MultiNest in a child process (a Python pool is not used)."""
        self.check_available()
        base = workdir / "multinest"
        base.mkdir(parents=True, exist_ok=True)
        counts_file = base / "counts.json"
        before = _read_counts(counts_file) if resume else {"ncall": 0, "reasons": {}}
        if not resume:
            for old in base.glob(ROOT + "*"):
                old.unlink()
        child = multiprocessing.get_context("fork").Process(
            target=_child, args=(posterior, str(base / ROOT), seed, self.settings, resume,
                                 progress, str(counts_file), before))
        child.start()
        try:
            child.join()
        except KeyboardInterrupt:
            child.join(timeout=30)
            raise
        log = base / "fortran.log"
        if child.exitcode != 0 or not (base / f"{ROOT}.txt").is_file() \
                or not (base / f"{ROOT}stats.dat").is_file():
            raise RunFailed(f"MultiNest stopped (exit code {child.exitcode}) without chains: "
                            f"{_last_message(log)}")
        counts = _read_counts(counts_file)
        posterior.ncall = counts["ncall"]
        posterior.reasons.clear()
        posterior.reasons.update(counts["reasons"])
        result = _result(base, posterior.ndim, self.settings, workdir, counts)
        result.info["multinest_seed"] = multinest_seed(seed)
        return result, posterior


def _child(posterior, basename, seed, settings, resume, progress, counts_file, before):
    """Run pymultinest (the child process); exit code 0 only after MultiNest returned."""
    log = os.open(os.path.join(os.path.dirname(basename), "fortran.log"),
                  os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)          # MultiNest's Fortran prints to stdout: keep it for the message
    import_pymultinest()
    import pymultinest

    throttle = Throttle()
    state = {"best": -np.inf}

    def prior(cube, ndim, nparams):
        theta = posterior.prior_transform([cube[i] for i in range(ndim)])
        for i in range(ndim):
            cube[i] = theta[i]

    def loglike(cube, ndim, nparams):
        value = posterior.finite_loglike([cube[i] for i in range(ndim)])
        state["best"] = max(state["best"], value)
        if progress:
            throttle(f"multinest: {before['ncall'] + posterior.ncall} calls, "
                     f"max ln L {state['best']:.3f}")
        return value

    def dump(*args):       # at each MultiNest update: counts match the resume files
        _write_counts(counts_file, before, posterior)

    pymultinest.run(loglike, prior, posterior.ndim, outputfiles_basename=basename,
                    n_live_points=settings["nlive"],
                    evidence_tolerance=settings["evidence_tolerance"],
                    sampling_efficiency=settings["sampling_efficiency"],
                    importance_nested_sampling=settings["importance_nested_sampling"],
                    max_iter=settings["max_iter"], seed=multinest_seed(seed), resume=resume,
                    verbose=True, init_MPI=False, dump_callback=dump,
                    log_zero=-1e300,
                    use_MPI=False)   # under mpiexec the other ranks serve lmt-scan's pool   # rejected points (LOG_ZERO) keep their prior mass
    _write_counts(counts_file, before, posterior)
    sys.stdout.flush()
    os._exit(0)        # skip the parent's atexit handlers (we are a fork)


def _write_counts(path, before, posterior):
    reasons = dict(before["reasons"])
    for reason, n in posterior.reasons.items():
        reasons[reason] = reasons.get(reason, 0) + n
    tmp = f"{path}.tmp"
    with open(tmp, "w") as fh:
        json.dump({"ncall": before["ncall"] + posterior.ncall, "reasons": reasons}, fh)
    os.replace(tmp, path)


def _read_counts(path):
    try:
        with open(path) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {"ncall": 0, "reasons": {}}


def _load_fortran(path):
    """Table written by Fortran (``0.1E-101`` without the E for 3-digit exponents)."""
    text = re.sub(r"(\d)([+-]\d{3})\b", r"\1E\2", path.read_text())
    return np.loadtxt(io.StringIO(text), ndmin=2)


def _last_message(log):
    """The last non-empty line MultiNest printed (its error message), one line."""
    try:
        lines = [ln.strip() for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return "no output"
    return lines[-1][:200] if lines else "no output"


def _result(base, ndim, settings, workdir, counts):
    """SamplerResult from MultiNest's files: dead points (ev.dat) then the final live
    points, in order of death, with the nested-sampling weights and birth contours."""
    import_pymultinest()
    import pymultinest
    with contextlib.redirect_stdout(io.StringIO()):     # Analyzer prints its file name
        analyzer = pymultinest.Analyzer(ndim, outputfiles_basename=str(base / ROOT))
        stats = analyzer.get_mode_stats()   # MultiNest's own ln Z ± error
    logz = float(stats["global evidence"])
    logz_err = float(stats["global evidence error"])
    nlive = settings["nlive"]
    dead = _load_fortran(base / f"{ROOT}ev.dat")          # θ, ln L, ln ΔX (prior mass), mode
    live = _load_fortran(base / f"{ROOT}phys_live.points")  # θ, ln L, mode
    live = live[np.argsort(live[:, ndim], kind="stable")]
    samples = np.vstack([dead[:, :ndim], live[:, :ndim]])
    loglike = np.concatenate([dead[:, ndim], live[:, ndim]])
    # w_i = L_i ΔX_i for the dead points, L_j X_N / nlive for the final live ones
    log_x_end = -len(dead) / nlive
    log_w = np.concatenate([loglike[:len(dead)] + dead[:, ndim + 1],
                            loglike[len(dead):] + log_x_end - np.log(len(live))])
    weights = np.exp(log_w - np.max(log_w))
    # constant nlive (MultiNest without INS); negative index: drawn from the prior
    write_nested_info(workdir, np.maximum(constant_nlive_births(len(loglike), nlive), -1),
                      logz, logz_err, nlive)
    return SamplerResult(samples=samples, weights=weights / weights.sum(),
                         loglike=loglike, logz=logz, logz_err=logz_err,
                         ncall=int(counts["ncall"]),
                         info={"nlive": nlive})
