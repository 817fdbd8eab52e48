"""Extra views of a run directory for other tools (written with the chain files).

- ``lmt-stats.dat``: MultiNest's stats layout, so ``pymultinest.Analyzer(n,
  outputfiles_basename=RUN_DIR + "/lmt-").get_stats()`` works for every sampler (ln Z is
  ``nan`` for MCMC);
- ``nested/lmt_dead-birth.txt`` + ``nested/lmt.paramnames``: PolyChord's dead-birth layout
  (columns, ln L, ln L at birth) for nested samplers, so ``anesthetic.read_chains(RUN_DIR +
  "/nested/lmt")`` gives nested samples and recomputes ln Z.

The birth contours come from the adapter (``checkpoint/nested.json``, see
``samplers.base.write_nested_info``); nothing here computes physics.
"""
import json
from pathlib import Path

import numpy as np

from .samplers.base import EVIDENCE, NESTED_INFO

STATS = "lmt-stats.dat"
NESTED_DIR = "nested"
ROOT = "lmt"
LOGL_FLOOR = -1.0e30     # PolyChord's logzero: a birth at or below it is "born in the prior"
LOGL_REJECTED = -1.0e29  # rejected points stay (finite, above logzero) so they keep prior mass


def read_nested_info(out_dir):
    """The adapter's nested-sampling record of this run, or None (MCMC)."""
    return _read_json(Path(out_dir) / "checkpoint" / NESTED_INFO)


def _read_json(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def write_exports(out_dir, columns, labels, n_params, weights, loglike, table, write):
    """Write the stats file and, for nested samplers, the dead-birth file; ``write(path,
    text)`` is the run directory's atomic writer.  Arrays are the sampler's rows, rejected
    points included."""
    out_dir = Path(out_dir)
    info = read_nested_info(out_dir)
    weights = np.asarray(weights, float)
    loglike = np.asarray(loglike, float)
    table = np.asarray(table, float)
    keep = np.isfinite(loglike) & (loglike > LOGL_FLOOR) & (weights > 0)
    evidence = _read_json(out_dir / "checkpoint" / EVIDENCE) or info or {}
    logz = evidence.get("logz")
    logz_err = evidence.get("logz_err")
    logz = float("nan") if logz is None else logz
    logz_err = float("nan") if logz_err is None else logz_err
    write(out_dir / STATS, stats_text(weights[keep], loglike[keep], table[keep], logz, logz_err))
    if info is None or len(info["birth_index"]) != len(loglike):
        return
    # rejected points: distinct ln L just above logzero, in their order of death
    order = np.arange(len(loglike), dtype=float)
    low = ~np.isfinite(loglike) | (loglike <= LOGL_REJECTED)
    logl = np.where(low, LOGL_REJECTED - 1e16 * (len(loglike) - order), loglike)
    index = np.asarray(info["birth_index"], int)       # −1: born in the prior
    birth = np.where(index >= 0, logl[np.clip(index, 0, None)], LOGL_FLOOR)
    cells = np.where(np.isfinite(table), table, 0.0)   # rejected rows: no physics values
    rows = np.column_stack([cells, logl, birth])
    (out_dir / NESTED_DIR).mkdir(exist_ok=True)
    write(out_dir / NESTED_DIR / f"{ROOT}_dead-birth.txt",
          "\n".join(" ".join(f"{v: .15E}" for v in r) for r in rows) + "\n")
    names = "".join(f"{name}{'*' if i >= n_params else ''}\t{label}\n"
                    for i, (name, label) in enumerate(zip(columns, labels)))
    write(out_dir / NESTED_DIR / f"{ROOT}.paramnames", names)


def _fmt(x):
    return f"{x: .18E}"


def stats_text(weights, loglike, table, logz, logz_err):
    """MultiNest's ``stats.dat`` for one mode: evidence, mean/σ, best fit, MAP (= best fit:
    the posterior maximum is not tracked separately) of every chain column."""
    w = weights / weights.sum()
    with np.errstate(invalid="ignore"):      # a column without values stays nan
        mean = w @ table
        sigma = np.sqrt(np.maximum(w @ (table - mean) ** 2, 0.0))
    best = table[int(np.argmax(loglike))]
    lines = [f"Nested Sampling Global Log-Evidence           :  {_fmt(logz)}  +/-  {_fmt(logz_err)}",
             "Total Modes Found:            1", "", "",
             "Mode     1",
             f"Strictly Local Log-Evidence                   :  {_fmt(logz)}  +/-  {_fmt(logz_err)}",
             f"Local Log-Evidence                            :  {_fmt(logz)}  +/-  {_fmt(logz_err)}",
             "", "Dim No.       Mean        Sigma"]
    lines += [f"{i + 1:5d}  {_fmt(m)}  {_fmt(s)}" for i, (m, s) in enumerate(zip(mean, sigma))]
    for title in ("Maximum Likelihood Parameters", "MAP Parameters"):
        lines += ["", title, "Dim No.        Parameter"]
        lines += [f"{i + 1:5d}  {_fmt(v)}" for i, v in enumerate(best)]
    return "\n".join(lines) + "\n"
