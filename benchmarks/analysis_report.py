"""Time the analysis steps of one run directory, as ratios within this one run.

    python benchmarks/analysis_report.py RUN_DIR

Prints seconds for: reading the chain, the summary, the getdist copy, each plot, and the
whole ``lmt-scan report`` page (which redraws every plot), each also relative to reading the
chain; and the page size.  Work happens in a temporary copy, RUN_DIR is not touched.
"""
import shutil
import sys
import tempfile
import time
from pathlib import Path

from lmt_scan import output
from lmt_scan.analysis import (build_summary, corner_plot, marginals_plot, predictive_plot,
                               profile_plot, write_getdist, write_report)


def timed(fn, *args):
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def main(run_dir):
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "run"
        shutil.copytree(run_dir, work, ignore=shutil.ignore_patterns("checkpoint"))
        t_read = timed(output.read_chains, work)
        chains = output.read_chains(work)
        steps = {"summary": (build_summary, chains), "getdist copy": (write_getdist, chains, work),
                 "corner plot": (corner_plot, chains, work),
                 "marginals plot": (marginals_plot, chains, work),
                 "profile plot": (profile_plot, chains, work),
                 "predictive plot": (predictive_plot, chains, work),
                 "report page": (write_report, [work])}
        print(f"{len(chains['weights'])} samples, {len(chains['columns'])} columns")
        print(f"{'read chain':16s} {t_read:7.3f} s   1.0 × read")
        for name, (fn, *args) in steps.items():
            t = timed(fn, *args)
            print(f"{name:16s} {t:7.3f} s  {t / t_read:5.1f} × read")
        size = (work / "report.html").stat().st_size
        print(f"report.html {size / 1e6:.2f} MB")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
