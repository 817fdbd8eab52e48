"""Likelihood calls, −∞ reasons and sampling wall time of a whole run, across resumes.

The calls are the ones the Posterior made (every rank and pool worker counts its own;
:meth:`~lmt_scan.parallel.CountingPool.collect_counts` gathers them), not a sampler's own
count (dynesty's includes proposals that never reached the likelihood).  Adapters call
:meth:`RunCounts.save` when they write a checkpoint (before it: no call happens between
the two, so a kill in between loses nothing), and ``--resume`` starts from the saved
record: calls made after the last save of a killed part are not counted (they are
redone).  The record is ``<checkpoint>/counts.json``.
"""
import json
import os
import time
from collections import Counter
from pathlib import Path

COUNTS = "counts.json"


def zero():
    return {"ncall": 0, "reasons": {}, "wall_s": 0.0}


def read(path):
    try:
        data = json.loads(Path(path).read_text())
        return {"ncall": int(data["ncall"]), "reasons": dict(data["reasons"]),
                "wall_s": float(data.get("wall_s", 0.0))}
    except (OSError, ValueError, KeyError, TypeError):
        return zero()


class RunCounts:
    """Counts of the earlier parts of a run (``before``) plus this part's (the Posterior's,
    and the pool workers' once collected)."""

    def __init__(self, workdir, posterior, pool=None, resume=False):
        self.path = Path(workdir) / COUNTS
        self.before = read(self.path) if resume else zero()
        self.posterior, self.pool = posterior, pool
        self.t0 = time.monotonic()
        self.last_save = -float("inf")

    def current(self):
        """Whole-run counts now (collects the pool workers' counters)."""
        if self.pool is not None and hasattr(self.pool, "collect_counts"):
            try:
                self.pool.collect_counts()
            except Exception:   # noqa: BLE001  a broken pool (dead worker: WorkerLost, or
                pass            # BrokenProcessPool on submit) must not stop the checkpoint;
                                # its workers' counts since the last collection are lost
        reasons = Counter(self.before["reasons"])
        reasons.update(self.posterior.reasons)
        return {"ncall": int(self.before["ncall"] + self.posterior.ncall),
                "reasons": dict(reasons),
                "wall_s": self.before["wall_s"] + time.monotonic() - self.t0}

    def save(self, every_s=0.0):
        """Write the whole-run counts (at most once per ``every_s`` seconds); returns them."""
        if time.monotonic() - self.last_save < every_s:
            return None
        self.last_save = time.monotonic()
        counts = self.current()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(counts))
        os.replace(tmp, self.path)
        return counts
