"""Copy a finished run directory into ``docs/runs/<name>/`` in compact form.

The shipped runs are what the README's corner plots show and what ``tests/test_headline_runs.py``
reads; ``lmt-scan analyze docs/runs/paper_full`` and ``lmt-scan compare docs/runs/*/`` work on
them from a clean clone.  Kept: run.yaml, run_info.json, summary.json, the parameter names and
the samples whose weight is at least ``--min-weight`` of the largest (7 significant digits).

    python docs/runs/ship.py chains/paper_full            # → docs/runs/paper_full/
"""
import argparse
import shutil
from pathlib import Path

import numpy as np

from lmt_scan import output
from lmt_scan.point import PARAMETERS


def ship(run_dir, dest_root, min_weight=1e-4):
    run_dir = Path(run_dir)
    dest = Path(dest_root) / run_dir.name
    dest.mkdir(parents=True, exist_ok=True)
    for name in (output.RUN_CARD, output.RUN_INFO, output.SUMMARY, output.PARAMNAMES,
                 "params.json"):
        shutil.copy(run_dir / name, dest / name)
    chain = np.loadtxt(run_dir / output.CHAIN)
    keep = chain[:, 0] >= min_weight * chain[:, 0].max()
    rows = chain[keep]
    rows[:, 0] /= rows[:, 0].sum()
    # weight, −2 ln L and the parameters keep 12 digits: re-evaluating a sample near a threshold
    # (Γ_ϕ at m_ϕ ≈ m_Z′) from 7-digit parameters moved it by 3e-4; derived columns keep 7
    lead = 2 + len(PARAMETERS)
    text = "\n".join(" ".join([f"{v:.12g}" for v in row[:lead]] + [f"{v:.7g}" for v in row[lead:]])
                      for row in rows) + "\n"
    output.atomic_write(dest / output.CHAIN, text)
    print(f"{dest}: {keep.sum()} of {len(chain)} samples "
          f"(weight kept {chain[keep, 0].sum() / chain[:, 0].sum():.5f})")
    return dest


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dirs", nargs="+")
    parser.add_argument("--min-weight", type=float, default=1e-4)
    args = parser.parse_args()
    for run in args.run_dirs:
        ship(run, Path(__file__).resolve().parent, args.min_weight)
