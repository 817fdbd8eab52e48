"""A run directory's life: lock → stage beside the old run → sample → swap into place → unlock.

* The lock is a file ``.<dir name>.lock`` beside the run directory (not inside it, so the
  swap does not move it) holding pid, host and start time.  A second run on the same
  directory exits 2 naming the holder; a lock whose process is gone (same host) is stale
  and taken over.
* A new run over an existing non-empty directory (``--overwrite``) is staged in
  ``.<dir name>.partial`` beside it and swapped in **at the end**, after every result file
  is written: until then the old run is untouched, and an interrupted new run resumes
  from the staging directory (``--resume``).  A run into a new or empty directory works
  in place.
* Until it has ended, a run directory (in place or staged) holds the marker
  ``.unfinished``: a run killed at any moment (SIGKILL, power loss) is never taken for a
  finished one (``analyze``/``report``/``compare`` refuse it; ``--resume`` finishes it).
"""
import json
import os
import shutil
import socket
import time
from contextlib import contextmanager
from pathlib import Path

import yaml

from .errors import ConfigError

RUN_CARD = "run.yaml"
UNFINISHED = ".unfinished"   # in a run directory from staging until the run has ended
_STAGED = []      # the directory this process's run writes into, once staged


def started():
    """True once this process has staged its run (a stop after that is resumable)."""
    return bool(_STAGED)


def lock_path(out_dir):
    out_dir = Path(out_dir)
    return out_dir.parent / f".{out_dir.name}.lock"


def staging_path(out_dir):
    out_dir = Path(out_dir)
    return out_dir.parent / f".{out_dir.name}.partial"


def _alive(pid):
    """True while ``pid`` runs.  A zombie is dead: a killed MPI rank whose launcher is gone
    can stay unreaped, and its lock must not block the resume."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:     # exists, owned by someone else
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):   # no /proc (not Linux): trust kill(pid, 0)
        return True
    return state not in ("Z", "X")


def _holder(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def _create(path):
    """Create the lock file exclusively; an OSError other than "exists" is bad output."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise
    except OSError as exc:
        raise ConfigError(f"cannot take the lock: {exc.strerror}", where=str(path),
                          field="output") from None


@contextmanager
def run_lock(out_dir):
    """Hold the lock of ``out_dir`` for the duration of the block (ConfigError if held)."""
    path = lock_path(out_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the output directory's parent: {exc.strerror}",
                          where=str(path.parent), field="output") from None
    me = {"pid": os.getpid(), "host": socket.gethostname(),
          "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    for _ in range(3):
        try:
            fd = _create(path)
        except FileExistsError:
            holder = _holder(path)
            if holder is None:   # being written right now, or garbage: look again shortly
                time.sleep(0.2)
                holder = _holder(path)
            stale = holder is None or (holder.get("host") == me["host"]
                                       and not _alive(int(holder.get("pid", -1))))
            if stale:
                path.unlink(missing_ok=True)
                continue
            raise ConfigError(f"another run is using this directory (pid {holder.get('pid')} "
                              f"on {holder.get('host')}, started {holder.get('started')}; "
                              f"lock {path})", where=str(out_dir), field="output") from None
        with os.fdopen(fd, "w") as handle:
            json.dump(me, handle)
        break
    else:
        raise ConfigError(f"cannot take the lock {path}", where=str(out_dir), field="output")
    try:
        yield path
    finally:
        if (_holder(path) or {}).get("pid") == me["pid"]:
            path.unlink(missing_ok=True)


def _card_of(directory):
    card = Path(directory) / RUN_CARD
    return yaml.safe_load(card.read_text()) if card.is_file() else None


def unfinished(directory):
    """True for a run directory whose run has not ended (its marker is still there)."""
    return (Path(directory) / UNFINISHED).exists()


def _in_progress(directory):
    return Path(directory).is_dir() and ((Path(directory) / RUN_CARD).is_file()
                                         or unfinished(directory))


def stage(out_dir, card, overwrite=False, resume=False):
    """The directory this run writes into (``out_dir`` or its staging twin), prepared.

    ``card`` is the resolved card mapping.  Call while holding :func:`run_lock`.  The
    directory carries the UNFINISHED marker until :func:`commit`, so a run killed at any
    moment is never taken for a finished one.
    """
    from .config import first_difference
    out_dir, staged = Path(out_dir), staging_path(out_dir)
    card_text = yaml.safe_dump(card, sort_keys=False)
    if resume:
        work = staged if _in_progress(staged) else out_dir
        old = _card_of(work)
        if old is None and unfinished(work):   # stopped before its card was written
            return _prepare(work, card_text, clear=False)
        if old is None:
            raise ConfigError("nothing to resume: no run.yaml in the output directory",
                              where=str(out_dir), field="output")
        diff = first_difference(old, yaml.safe_load(card_text))
        if diff:
            raise ConfigError(f"the run card differs from the one this run was started with "
                              f"({work / RUN_CARD}) at '{diff}': start a new run or restore "
                              "the card", where=str(out_dir), field=diff)
        _STAGED.append(work)
        return work
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError("exists and is not a directory", where=str(out_dir), field="output")
    if (out_dir / RUN_CARD).exists() and not overwrite:
        if unfinished(out_dir):
            raise ConfigError("an unfinished run is here: continue it with --resume, or "
                              "replace it with --overwrite", where=str(out_dir), field="output")
        raise ConfigError("a run already exists here; use --overwrite or another output dir",
                          where=str(out_dir), field="output")
    occupied = out_dir.is_dir() and any(out_dir.iterdir())
    if occupied and not _in_progress(out_dir):   # the swap would delete what is there
        raise ConfigError("is not empty and holds no lmt-scan run (no run.yaml): give a new "
                          "or empty directory (--overwrite replaces only a run)",
                          where=str(out_dir), field="output")
    return _prepare(staged if occupied else out_dir, card_text, clear=occupied)


def _prepare(work, card_text, clear):
    """Create ``work`` (emptied first when ``clear``) with its marker, checkpoint
    directory and run card, in that order."""
    from .output import CHECKPOINT_DIR, atomic_write
    try:
        if clear and work.exists():
            shutil.rmtree(work)          # an abandoned earlier attempt
        work.mkdir(parents=True, exist_ok=True)
        atomic_write(work / UNFINISHED, json.dumps(
            {"pid": os.getpid(), "host": socket.gethostname(),
             "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}) + "\n")
        (work / CHECKPOINT_DIR).mkdir(exist_ok=True)
        atomic_write(work / RUN_CARD, card_text)
    except OSError as exc:
        raise ConfigError(f"cannot write the output directory: {exc.strerror}",
                          where=str(exc.filename or work), field="output") from None
    _STAGED.append(work)
    return work


def commit(work, out_dir):
    """End the run: drop its UNFINISHED marker and, for a staged run, swap it into place
    (the old run is renamed aside, then removed).  A swap cut short between its two
    renames leaves the new run staged and the old one aside: a resumed run finishes it."""
    work, out_dir = Path(work), Path(out_dir)
    (work / UNFINISHED).unlink(missing_ok=True)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.old-*"):   # of a killed swap
        shutil.rmtree(leftover, ignore_errors=True)
    if work == out_dir:
        return out_dir
    if not out_dir.exists():
        os.rename(work, out_dir)
        return out_dir
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    os.rename(out_dir, old)
    try:
        os.rename(work, out_dir)
    except OSError:
        os.rename(old, out_dir)    # put the old run back
        raise
    shutil.rmtree(old, ignore_errors=True)
    return out_dir
