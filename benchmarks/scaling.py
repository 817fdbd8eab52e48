"""Wall time and likelihood evaluations per second for 1 process, a local pool and MPI ranks.

    python benchmarks/scaling.py [RUN.yaml ...]      (default: quickstart, paper_full and
                                                      paper_full + a 5 ms likelihood)

Each configuration runs the card into a temporary directory (same seed) and reads the
sampler's own numbers back from run_info.json.  Parallel efficiency = speed-up / workers.
"""
import json
import shutil
import yaml
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


if __name__ == "__main__":
    if sys.argv[1:]:
        main(sys.argv[1:])
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main([REPO / "runs" / "quickstart.yaml", REPO / "runs" / "paper_full.yaml",
                  slow_card(tmp)])
