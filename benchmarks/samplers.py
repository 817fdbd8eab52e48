"""Sampler benchmark: ln Z, its quoted error vs the seed-to-seed scatter, likelihood calls and
time per sampler on a shipped run card (default runs/quickstart.yaml), over ≥ 5 seeds.

    python benchmarks/samplers.py [--card runs/quickstart.yaml] [--seeds 5]
                                  [--samplers dynesty,multinest,ultranest,nautilus]

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


def one_run(card, sampler, seed, out):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = subprocess.run([sys.executable, "-m", "lmt_scan", "run", str(card), "--sampler",
                          sampler, "--seed", str(seed), "--output", str(out), "--quiet"],
                         capture_output=True, text=True, timeout=3600, cwd=ROOT)
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
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for sampler in args.samplers.split(","):
            runs = np.array([one_run(args.card, sampler, 1000 + k, Path(tmp) / f"{sampler}{k}")
                             for k in range(args.seeds)], float)
            logz, err, calls, wall, cpu = runs.T
            scatter = float(np.std(logz, ddof=1))
            rows.append((sampler, logz.mean(), err.mean(), scatter, scatter / err.mean(),
                         calls.mean(), wall.mean(), cpu.mean()))
            print(f"# {sampler}: ln Z {np.round(logz, 3).tolist()}", file=sys.stderr, flush=True)
    print(f"card {Path(args.card).name}, {args.seeds} seeds each (means over seeds)\n")
    print("| sampler | ln Z | quoted error | seed scatter | scatter/quoted | calls | "
          "sampler wall [s] | CPU [s] |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.3f} | {r[2]:.3f} | {r[3]:.3f} | {r[4]:.2f} | {r[5]:.0f} | "
              f"{r[6]:.1f} | {r[7]:.1f} |")


if __name__ == "__main__":
    main()
