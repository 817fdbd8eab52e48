"""MultiNest's files: the consistent checkpoint, call counts, and the result.

MultiNest rewrites its resume files (``ev.dat`` appended, ``live.points`` and
``phys_live.points`` truncated and rewritten, ``resume.dat``) one after the other, every
``n_iter_before_update`` iterations and without an atomic step: a SIGKILL in between
leaves files MultiNest cannot resume from (it ``stop``s, exit code 0), or resumes from
silently wrong ones.  So at every dump callback — MultiNest calls it right after writing
those files, while it waits for the callback — the resume files and the likelihood-call
counts of that moment are copied into one file, ``snapshot.pkl``, replaced atomically.
``--resume`` restores MultiNest's files from it (and counts from it); with no snapshot
yet the run starts again from the beginning.
"""
import contextlib
import io
import json
import os
import pickle
import re
from collections import Counter
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from .base import SamplerResult, constant_nlive_births, write_nested_info

ROOT = "lmt-"
SNAPSHOT = "snapshot.pkl"
FINISHED = "finished.json"   # written by the sampling process once pymultinest.run returned
# what MultiNest reads when resuming (IS.*: importance nested sampling only)
RESUME_FILES = ("resume.dat", "ev.dat", "live.points", "phys_live.points",
                "IS.points", "IS.ptprob", "IS.iterinfo")
ZERO = {"ncall": 0, "reasons": {}}


def write_atomic(path, data):
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def add_counts(*parts):
    """Sum of {"ncall", "reasons"} records."""
    reasons = Counter()
    for part in parts:
        reasons.update(part["reasons"])
    return {"ncall": int(sum(p["ncall"] for p in parts)), "reasons": dict(reasons)}


def own_counts(posterior):
    return {"ncall": int(posterior.ncall), "reasons": dict(posterior.reasons)}


def rank_counts_path(base, rank):
    """Where MPI rank ``rank`` (> 0) keeps its own running call count."""
    return Path(base) / f"counts.rank{rank}.json"


def read_json(path, default=None):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return default


def write_snapshot(base, counts):
    """Copy MultiNest's resume files (consistent at a dump) and ``counts`` into one file."""
    base = Path(base)
    files = {}
    for name in RESUME_FILES:
        path = base / (ROOT + name)
        if path.is_file():
            files[name] = path.read_bytes()
    write_atomic(base / SNAPSHOT, pickle.dumps({"files": files, "counts": counts}))


def read_snapshot(base):
    try:
        with open(Path(base) / SNAPSHOT, "rb") as fh:
            snap = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError):
        return None
    return snap if "resume.dat" in snap.get("files", {}) else None


def clear(base):
    """Remove MultiNest's files, the snapshot and the counters of an earlier run."""
    base = Path(base)
    for old in list(base.glob(ROOT + "*")) + list(base.glob("counts*.json")) + [
            base / SNAPSHOT, base / FINISHED]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()


def prepare(base, resume, nlive, where):
    """Lay MultiNest's files for this run; returns (resume?, counts of earlier parts).

    A resume restores the last snapshot (MultiNest's files written after it, possibly
    half-written by a kill, are dropped); without a snapshot the run starts afresh."""
    base = Path(base)
    base.mkdir(parents=True, exist_ok=True)
    snap = read_snapshot(base) if resume else None
    clear(base)
    if snap is None:
        return False, dict(ZERO)
    header = snap["files"]["resume.dat"].decode(errors="replace").split()
    if len(header) >= 5 and header[0] == "F" and int(header[4]) != nlive:
        raise ConfigError(f"the MultiNest checkpoint has nlive {header[4]}, the card asks for "
                          f"{nlive}: resume with the same nlive or start again without "
                          "--resume", where=where, field="resume")
    for name, data in snap["files"].items():
        write_atomic(base / (ROOT + name), data)
    return True, snap["counts"]


def load_fortran(path):
    """Table written by Fortran (``0.1E-101`` without the E for 3-digit exponents)."""
    text = re.sub(r"(\d)([+-]\d{3})\b", r"\1E\2", Path(path).read_text())
    return np.loadtxt(io.StringIO(text), ndmin=2)


def last_message(log):
    """MultiNest's error (its last ERROR line, else its last line), one line."""
    try:
        lines = [ln.strip() for ln in Path(log).read_text(errors="replace").splitlines()
                 if ln.strip()]
    except OSError:
        return "no output"
    errors = [ln for ln in lines if "ERROR" in ln.upper()]
    text = errors[-1] if errors else (lines[-1] if lines else "no output")
    return text[:200]


def evidence(stats_file):
    """MultiNest's own ln Z ± error from its stats file (the importance-nested-sampling
    one when present, as pymultinest.Analyzer takes it)."""
    lines = Path(stats_file).read_text().splitlines()
    found = [ln for ln in lines[:2] if "Global Log-Evidence" in ln]
    line = next((ln for ln in found if "Importance" in ln), found[0])
    value, error = line.split(":", 1)[1].split("+/-")
    fix = lambda x: float(re.sub(r"(\d)([+-]\d{3})$", r"\1E\2", x.strip()))  # noqa: E731
    return fix(value), fix(error)


def result(base, ndim, nlive, workdir, counts):
    """SamplerResult from MultiNest's files: dead points (ev.dat) then the final live
    points, in order of death, with the nested-sampling weights and birth contours."""
    base = Path(base)
    logz, logz_err = evidence(base / f"{ROOT}stats.dat")
    dead = load_fortran(base / f"{ROOT}ev.dat")          # θ, ln L, ln ΔX (prior mass), mode
    live = load_fortran(base / f"{ROOT}phys_live.points")  # θ, ln L, mode
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
                         ncall=int(counts["ncall"]), info={"nlive": nlive})
