"""Wall time and likelihood evaluations per second for 1 process, a local pool and MPI ranks.

    python benchmarks/scaling.py [RUN.yaml ...]      (default: quickstart, paper_full and
                                                      paper_full + a 5 ms likelihood)
    python benchmarks/scaling.py --dispatch          the master's cost per dispatched chunk:
                                                      local pool (2 workers) and mpiexec -n 3

Each configuration runs the card into a temporary directory (same seed) and reads the
sampler's own numbers back from run_info.json.  Parallel efficiency = speed-up / workers.
``--dispatch`` times ``CountingPool.map`` round trips of a no-op and of a one-point batched
log L (what a chunk costs the master besides the work itself) — the numbers behind the
README's cluster guidance.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parent.parent


def run(card, out, extra=(), ranks=None):
    cmd = [sys.executable, "-m", "lmt_scan", "run", str(card), "--output", str(out), "--quiet",
           *extra]
    if ranks:
        cmd = [shutil.which("mpiexec"), "--allow-run-as-root", "--oversubscribe", "-n",
               str(ranks), *cmd]
    t0 = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    total = time.perf_counter() - t0
    if result.returncode != 0:
        return None, total, result.stderr.strip().splitlines()[-1:]
    return json.loads((Path(out) / "run_info.json").read_text()), total, None


def main(cards):
    configs = [("serial", {}), ("--jobs 2", {"extra": ("--jobs", "2")})]
    if shutil.which("mpiexec"):
        configs += [("mpiexec -n 2", {"ranks": 2}), ("mpiexec -n 3", {"ranks": 3})]
    for card in cards:
        print(f"== {card}")
        base = None
        for label, kw in configs:
            with tempfile.TemporaryDirectory() as tmp:
                info, total, err = run(card, Path(tmp) / "out", **kw)
            if info is None:
                print(f"  {label:14s} failed: {err}")
                continue
            base = base or info["wall_time_s"]
            speedup = base / info["wall_time_s"]
            workers = info.get("parallel_workers", 1)
            print(f"  {label:14s} sampling {info['wall_time_s']:7.1f} s, whole command {total:6.1f} s, "
                  f"{info['ncall']:7d} calls, {info['calls_per_s']:7.0f} calls/s, "
                  f"speed-up {speedup:4.2f}, efficiency {speedup / workers:4.2f} "
                  f"({workers} worker{'s' if workers > 1 else ''})")


def slow_card(directory, cost_ms=5.0):
    """paper_full plus the benchmark-only SlowLikelihood (an expensive observable)."""
    card = yaml.safe_load((REPO / "runs" / "paper_full.yaml").read_text())
    card["name"] = "paper_full_slow"
    card["likelihoods"]["slow"] = {
        "plugin": f"{REPO / 'benchmarks' / 'slow_likelihood.py'}:SlowLikelihood",
        "cost_ms": cost_ms}
    path = Path(directory) / "paper_full_slow.yaml"
    path.write_text(yaml.safe_dump(card, sort_keys=False))
    return path


def _noop(x):
    return x


def dispatch_costs(pool, posterior, repeat=200):
    """(µs per map round trip of one no-op item per worker, µs per map of one batched
    log L per worker) through ``pool``."""
    from lmt_scan import parallel
    items = [np.zeros(posterior.ndim)] * pool.size
    point = [posterior.prior_transform(np.full(posterior.ndim, 0.5))] * pool.size
    pool.map(_noop, items)
    t0 = time.perf_counter()
    for _ in range(repeat):
        pool.map(_noop, items)
    noop = (time.perf_counter() - t0) / repeat
    pool.map(parallel.finite_loglike, point)
    t0 = time.perf_counter()
    for _ in range(repeat):
        pool.map(parallel.finite_loglike, point)
    return noop * 1e6, (time.perf_counter() - t0) / repeat * 1e6


def master_share(card=REPO / "runs" / "paper_full.yaml", nlive=400):
    """(master ms per dynesty task, worker ms per task) of a serial run: time spent inside
    ``CountingPool.map`` (the tasks: random walks) and outside it (the master's own work).
    T/m is how many workers the master can keep busy."""
    from lmt_scan import parallel
    from lmt_scan.cli import main as cli_main
    spent = [0.0, 0]
    original = parallel.CountingPool.map

    def timed(self, func, iterable):
        items = list(iterable)
        t0 = time.perf_counter()
        try:
            return original(self, func, items)
        finally:
            spent[0] += time.perf_counter() - t0
            spent[1] += len(items)
    parallel.CountingPool.map = timed
    with tempfile.TemporaryDirectory() as tmp:
        try:
            cli_main(["run", str(card), "--output", f"{tmp}/out", "--quiet",
                      "--set", f"sampler.nlive={nlive}"])
        except SystemExit:
            pass
        info = json.loads((Path(tmp) / "out" / "run_info.json").read_text())
    parallel.CountingPool.map = original
    master = (info["wall_time_s"] - spent[0]) / spent[1] * 1e3
    task = spent[0] / spent[1] * 1e3
    print(f"  dynesty serial, nlive {nlive}: {info['wall_time_s']:.1f} s, {spent[1]} tasks, "
          f"{info['ncall'] / spent[1]:.1f} calls per task; master {master:.2f} ms per task "
          f"outside the pool, a task {task:.2f} ms: the master keeps ≈ {task / master:.0f} "
          "workers busy")


def dispatch(card=REPO / "runs" / "paper_full.yaml"):
    from lmt_scan import parallel
    from lmt_scan.config import load_run_card
    from lmt_scan.posterior import Posterior
    posterior = Posterior.from_config(load_run_card(card))
    if parallel.mpi_world_size() > 1:
        with parallel.pool_for(posterior) as (pool, master):
            if master:
                noop, one = dispatch_costs(pool, posterior)
                print(f"  mpiexec -n {pool.size + 1}: {noop:7.0f} µs per map of a no-op chunk "
                      f"per worker, {one:7.0f} µs with a one-point log L per worker")
        return
    one_point = posterior.prior_transform(np.full(posterior.ndim, 0.5))
    posterior.loglike_batch([one_point])
    t0 = time.perf_counter()
    for _ in range(200):
        posterior.loglike_batch([one_point])
    print(f"load average {os.getloadavg()[0]:.2f}; {card.name}")
    print(f"  in process: {(time.perf_counter() - t0) / 200 * 1e6:7.0f} µs per one-point batch")
    with parallel.pool_for(posterior, jobs=2) as (pool, _):
        noop, one = dispatch_costs(pool, posterior)
    print(f"  --jobs 2:     {noop:7.0f} µs per map of a no-op chunk per worker, "
          f"{one:7.0f} µs with a one-point log L per worker")
    if shutil.which("mpiexec"):
        out = subprocess.run([shutil.which("mpiexec"), "--allow-run-as-root", "--oversubscribe",
                              "-n", "3", sys.executable, __file__, "--dispatch"],
                             capture_output=True, text=True, cwd=REPO, timeout=600)
        print(out.stdout.rstrip() or f"  mpiexec failed: {out.stderr.strip()[-300:]}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--dispatch"]:
        dispatch()
        if os.environ.get("OMPI_COMM_WORLD_RANK") is None:   # not under mpiexec
            master_share()
    elif sys.argv[1:]:
        main(sys.argv[1:])
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main([REPO / "runs" / "quickstart.yaml", REPO / "runs" / "paper_full.yaml",
                  slow_card(tmp)])
