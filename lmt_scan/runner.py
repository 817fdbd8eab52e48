"""Run one scan: posterior → sampler → derived columns → chain files → summary and plot."""
import pickle
import platform
import shutil
import sys
import time
from importlib import metadata

import numpy as np

from . import analysis, output, rundir
from .errors import ConfigError, RunFailed, short_repr
from .point import PARAMETERS, PARAMETER_LABELS
from .progress import Throttle
from . import parallel
from .parallel import pool_for
from .posterior import LOG_ZERO, Posterior, derived_columns, derived_row
from .samplers import sampler_class
from .samplers.counts import RunCounts


def package_versions():
    """Versions of lmt-scan and the libraries that shape its numbers."""
    versions = {"python": platform.python_version()}
    for name in ("lmt-scan", "numpy", "scipy", "dynesty", "emcee", "pymultinest", "corner"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


def log(message, quiet=False):
    if not quiet:
        print(f"[lmt-scan] {message}", file=sys.stderr, flush=True)


def derived_table(posterior, samples, loglike, quiet=False):
    """Model parameters + derived columns + per-plugin log L for each sample (cached on
    repeats, e.g. MCMC rejections).  Samples the sampler found impossible (log L = −∞,
    zero posterior weight) get NaN columns: their derived physics may be the slowest
    (outside tables) and is never plotted."""
    n_columns = len(derived_columns(list(posterior.likelihoods)))
    cache, rows = {}, []
    throttle = Throttle()
    for i, (theta, logl) in enumerate(zip(samples, loglike)):
        key = tuple(np.asarray(theta, float))
        if key not in cache:
            params = posterior.params(theta)
            head = [params[p] for p in PARAMETERS]
            if logl > LOG_ZERO:
                cache[key] = head + derived_row(params, posterior.likelihoods, posterior.settings)
            else:
                cache[key] = head + [np.nan] * n_columns
        rows.append(cache[key])
        if not quiet:
            throttle(f"derived quantities: {i + 1}/{len(samples)} samples",
                     force=i + 1 == len(samples))
    return np.array(rows, dtype=float)


def run_scan(config, resume=False, quiet=False, jobs=1):
    """Execute the run described by ``config`` (a RunConfig); returns the run directory.

    Under mpiexec every rank calls this; only rank 0 writes output and progress, the
    other ranks evaluate likelihoods and return None.
    """
    adapter = sampler_class(config.sampler_name)(config.sampler_settings)
    try:
        adapter.check_available()
    except ConfigError as err:
        raise err.located(where=config.path) from None
    posterior = Posterior.from_config(config)
    if getattr(adapter, "own_mpi", False) and parallel.mpi_world_size() > 1:
        return _run_own_mpi(config, adapter, posterior, resume, quiet)
    with pool_for(posterior, jobs) as (pool, is_master):
        if not is_master:
            return None
        return _run_master(config, adapter, posterior, pool, resume, quiet)


def _run_own_mpi(config, adapter, posterior, resume, quiet):
    """A sampler with its own MPI parallelism (MultiNest) under mpiexec: every rank runs
    it; rank 0 writes, the others serve it (no Python task pool)."""
    parallel.install(posterior)
    if parallel.mpi_rank() != 0:
        adapter.serve(posterior)
        return None
    try:
        return _run_master(config, adapter, posterior, None, resume, quiet)
    finally:
        adapter.release_workers()    # the ranks still waiting when no run started


def _run_master(config, adapter, posterior, pool, resume, quiet):
    with rundir.run_lock(config.output_dir):
        fresh = not resume and not config.output_dir.exists()
        work = rundir.stage(config.output_dir, config.raw, config.overwrite, resume)
        try:
            _sample_and_write(config, adapter, posterior, pool, resume, quiet, work)
        except (ConfigError, RunFailed):   # nothing worth resuming: leave no half run
            if not resume and (fresh or work != config.output_dir):
                shutil.rmtree(work, ignore_errors=True)
            raise
        out_dir = rundir.commit(work, config.output_dir)
    log(f"wrote {out_dir}/{output.CHAIN}, {output.SUMMARY}, corner.png", quiet)
    return out_dir


def _sample_and_write(config, adapter, posterior, pool, resume, quiet, out_dir):
    workers = f", {pool.size} parallel workers" if pool is not None else (
        f", its own MPI on {parallel.mpi_world_size()} ranks" if parallel.mpi_world_size() > 1
        else "")
    log(f"run '{config.name}': sampler {config.sampler_name}{workers}, free parameters "
        f"{', '.join(posterior.free)}, likelihoods {', '.join(config.likelihoods)} → {out_dir}",
        quiet)
    t0 = time.perf_counter()
    checkpoint = out_dir / output.CHECKPOINT_DIR
    # the whole run's calls, reasons and wall time (adapters save it with their checkpoints)
    adapter.counts = RunCounts(checkpoint, posterior, pool, resume)
    try:
        result, posterior = adapter.run(posterior, checkpoint, config.seed,
                                        resume=resume, progress=not quiet, pool=pool)
    except (EOFError, pickle.UnpicklingError, ValueError) as exc:
        if not resume:
            raise
        raise ConfigError(f"checkpoint unreadable (truncated?): {type(exc).__name__}: "
                          f"{short_repr(str(exc), 80)}; start again without --resume",
                          where=str(checkpoint), field="resume") from None
    except RuntimeError as exc:   # e.g. emcee finds no valid starting point in the prior box
        raise ConfigError(f"{config.sampler_name} cannot run: {short_repr(str(exc), 200)}",
                          where=str(checkpoint) if resume else config.path,
                          field="resume" if resume else "sampler") from None
    adapter.counts.posterior = posterior      # dynesty may return the checkpoint's own
    totals = adapter.counts.save()
    wall = totals["wall_s"]
    posterior.ncall = totals["ncall"]
    posterior.reasons.clear()
    posterior.reasons.update(totals["reasons"])
    if result.ncall is not None and result.ncall != totals["ncall"]:
        # the sampler's own count (dynesty's includes proposals never evaluated)
        result.info["sampler_ncall"] = int(result.ncall)
    result.ncall = totals["ncall"]     # likelihood evaluations actually made, whole run
    part = time.perf_counter() - t0
    whole = f" (whole run; this part {part:.1f} s)" if resume else ""
    log(f"sampling done: {result.ncall} likelihood calls in {wall:.1f} s{whole} "
        f"({result.ncall / max(wall, 1e-9):.0f} calls/s)", quiet)
    counts = dict(posterior.reasons.most_common())
    if not np.any(np.asarray(result.loglike, float) > LOG_ZERO):
        raise RunFailed("every point was rejected, no posterior: rejections by reason "
                        + (", ".join(f"{k}: {v}" for k, v in counts.items()) or "none counted")
                        + "; nothing written")

    table = derived_table(posterior, result.samples, result.loglike, quiet)
    columns = list(PARAMETERS) + derived_columns(list(config.likelihoods))
    labels = [PARAMETER_LABELS[p] for p in PARAMETERS] + columns[len(PARAMETERS):]
    output.write_chains(out_dir, columns, labels, len(PARAMETERS), result.weights,
                        result.loglike, table, config.seed)
    run_info = {
        "name": config.name, "sampler": config.sampler_name, "seed": config.seed,
        "parallel_workers": pool.size if pool is not None else result.info.get("mpi_ranks", 1),
        "free_parameters": posterior.free, "log_axis": {p: config.priors[p].log_axis
                                                         for p in PARAMETERS},
        "logz": result.logz, "logz_err": result.logz_err, "ncall": result.ncall,
        "wall_time_s": wall, "calls_per_s": result.ncall / max(wall, 1e-9),
        "rejections": dict(posterior.reasons.most_common()),   # warnings: summary.json's
        "sampler_info": result.info, "versions": package_versions(),
    }
    output.write_json(out_dir / output.RUN_INFO, run_info)
    summary = analysis.analyze_run(out_dir)
    log(analysis.format_summary(summary), quiet)   # the same text `analyze` and the report show
    return out_dir
