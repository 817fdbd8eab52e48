"""Sampler benchmark: ln Z, its quoted error vs the seed-to-seed scatter, likelihood calls and
time per sampler on a shipped run card (default runs/quickstart.yaml), over ≥ 5 seeds.

    python benchmarks/samplers.py [--card runs/quickstart.yaml] [--seeds 5]
                                  [--samplers dynesty,multinest,ultranest,nautilus]
                                  [--slow-ms 20] [--mpi 2]

``--slow-ms X`` adds a likelihood costing X ms of CPU per call (benchmarks/slow_likelihood.py,
log L = 0: same posterior); ``--mpi N`` adds rows for ``multinest`` under ``mpiexec -n N``
(MultiNest's own MPI on every rank).  ``calls`` are the likelihood evaluations made.

Each run is a whole `lmt-scan run` (subprocess); time is the sampler's wall time from
run_info.json and the CPU time of the process.  An honest quoted error is close to the
observed scatter (ratio scatter / quoted ≈ 1); ratios ≫ 1 mean the quoted error is too small.
Prints a Markdown table (the README's sampler table).
"""
import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def one_run(card, sampler, seed, out, ranks=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = [sys.executable, "-m", "lmt_scan", "run", str(card), "--sampler", sampler, "--seed",
           str(seed), "--output", str(out), "--quiet"]
    env = None
    if ranks:
        import os
        import shutil
        cmd = [shutil.which("mpiexec"), "--allow-run-as-root", "--oversubscribe", "-n",
               str(ranks)] + cmd
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_", "PMIX_", "PMI_"))}
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, cwd=ROOT, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode:
        raise SystemExit(f"{sampler} seed {seed} failed: {res.stderr.strip()[-300:]}")
    info = json.loads((out / "run_info.json").read_text())
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return info["logz"], info["logz_err"], info["ncall"], info["wall_time_s"], cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--card", default=str(ROOT / "runs" / "quickstart.yaml"))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--samplers", default="dynesty,multinest,ultranest,nautilus")
    parser.add_argument("--slow-ms", type=float, default=0.0,
                        help="add a likelihood costing this many ms of CPU per call")
    parser.add_argument("--mpi", type=int, default=0,
                        help="also run multinest under mpiexec -n N")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        card = Path(args.card)
        if args.slow_ms:
            import yaml
            spec = yaml.safe_load(card.read_text())
            spec["likelihoods"]["slow"] = {
                "plugin": f"{ROOT / 'benchmarks' / 'slow_likelihood.py'}:SlowLikelihood",
                "cost_ms": args.slow_ms}
            card = Path(tmp) / f"slow_{card.name}"
            card.write_text(yaml.safe_dump(spec, sort_keys=False))
        configs = [(s, None) for s in args.samplers.split(",")]
        if args.mpi:
            configs.append(("multinest", args.mpi))
        for sampler, ranks in configs:
            label = f"{sampler} (mpiexec -n {ranks})" if ranks else sampler
            runs = np.array([one_run(card, sampler, 1000 + k, Path(tmp) / f"{sampler}{ranks}{k}",
                                     ranks) for k in range(args.seeds)], float)
            logz, err, calls, wall, cpu = runs.T
            scatter = float(np.std(logz, ddof=1))
            rows.append((label, logz.mean(), err.mean(), scatter, scatter / err.mean(),
                         calls.mean(), wall.mean(), cpu.mean()))
            print(f"# {label}: ln Z {np.round(logz, 3).tolist()}", file=sys.stderr, flush=True)
    slow = f", + {args.slow_ms:g} ms/call likelihood" if args.slow_ms else ""
    print(f"card {Path(args.card).name}{slow}, {args.seeds} seeds each (means over seeds)\n")
    print("| sampler | ln Z | quoted error | seed scatter | scatter/quoted | calls | "
          "sampler wall [s] | CPU [s] |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.3f} | {r[2]:.3f} | {r[3]:.3f} | {r[4]:.2f} | {r[5]:.0f} | "
              f"{r[6]:.1f} | {r[7]:.1f} |")


if __name__ == "__main__":
    main()
