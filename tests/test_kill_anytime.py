"""A run killed at a random moment of its life — startup, sampling (checkpoint writes),
derived quantities, result files and plots, the swap into place — with SIGKILL or
SIGTERM, serial and with --jobs 2: afterwards the old run is intact (or nothing exists,
for a new directory) or `--resume` finishes a complete run; a half-written directory is
never taken for a run (analyze refuses it), nothing is mixed, nothing hangs (every wait
bounded), no worker is left behind.

The moment: a phase is drawn (seeded), then a delay uniform over that phase's length in a
reference run; phases are delimited by the run's own progress lines.  CI runs a few cases
(~90 s); LMT_SCAN_KILL_CASES=N runs N.
"""
import os
import random
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lmt_scan import output, rundir

from conftest import REPO, small_card

CASES = int(os.environ.get("LMT_SCAN_KILL_CASES", "4"))   # one per (mode, signal)
MARKERS = ("[lmt-scan] run '", "[lmt-scan] sampling done", "[lmt-scan] derived quantities",
           "ln Z", "[lmt-scan] wrote")
PHASES = ("startup", "sampling", "derived", "results", "swap")
NEW_SEED = "8"          # the new run differs from the old one (seed 7) in run.yaml


def _card(tmp_path):
    return small_card(tmp_path, name="k",
                      likelihoods={"muon_g2": {"dataset": "paper2018_a"}, "white_dwarf": {}},
                      sampler={"name": "dynesty", "nlive": 40, "dlogz": 1.0,
                               "checkpoint_every": 1.0})


class Run:
    """``lmt-scan run`` in its own session, stderr read live with the time of each line."""

    def __init__(self, *args):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("OMPI_", "PMIX_", "PMI_"))}
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-m", "lmt_scan", "run", *map(str, args)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, cwd=REPO, start_new_session=True, env=env)
        self.lines, self.times = [], []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.times.append(time.monotonic() - self.t0)
            self.lines.append(line.rstrip("\n"))

    def seen(self, marker):
        return next((t for line, t in zip(self.lines, self.times) if line.startswith(marker)),
                    None)

    def wait(self, timeout):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
            pytest.fail(f"the run did not end within {timeout} s")
        self.reader.join(timeout=10)
        return self.proc.returncode, "\n".join(self.lines)


def _snapshot(directory):
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(Path(directory).rglob("*")) if p.is_file()}


def _complete(directory, seed):
    """A finished run of ``seed``: every result file, no marker, its own card."""
    d = Path(directory)
    assert not rundir.unfinished(d), "a finished-looking dir still marked unfinished"
    for name in (output.CHAIN, output.SUMMARY, output.RUN_INFO, output.RUN_CARD, "corner.png"):
        assert (d / name).is_file(), name
    assert f"seed: {seed}\n" in (d / output.RUN_CARD).read_text()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """One uninterrupted run: the old run for the overwrite cases and the phase timings."""
    base = tmp_path_factory.mktemp("kill_ref")
    card = _card(base)
    run = Run(card)
    code, err = run.wait(timeout=300)
    assert code == 0, err
    bounds = [0.0] + [run.seen(m) for m in MARKERS]
    assert None not in bounds, err
    return base / "out_k", _snapshot(base / "out_k"), bounds


def _descendants(pid):
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return kids


def _cases():
    rng = random.Random(20261204)
    combos = [(mode, sig) for sig in ("SIGKILL", "SIGTERM") for mode in ("serial", "jobs2")]
    out = []
    for i in range(CASES):
        mode, sig = combos[i % len(combos)]
        phase = rng.randrange(len(PHASES))
        out.append(pytest.param(mode, sig, phase, rng.random(), i % 2 == 0,
                                id=f"{i}-{mode}-{sig}-{PHASES[phase]}"))
    return out


@pytest.mark.parametrize("mode, sig, phase, fraction, overwrite", _cases())
def test_kill_at_a_random_moment(reference, tmp_path, mode, sig, phase, fraction, overwrite):
    import shutil
    old_dir, old_files, bounds = reference
    card = _card(tmp_path)
    out = tmp_path / "out_k"
    if overwrite:
        shutil.copytree(old_dir, out)
        assert _snapshot(out) == old_files
    extra = ["--seed", NEW_SEED] + (["--jobs", "2"] if mode == "jobs2" else [])
    extra += ["--overwrite"] if overwrite else []
    run = Run(card, *extra)
    # wait for the start of the drawn phase, then a share of its reference length
    start_marker = MARKERS[phase - 1] if phase else None
    deadline = time.monotonic() + 300
    while start_marker and run.seen(start_marker) is None and run.proc.poll() is None:
        assert time.monotonic() < deadline, "phase never reached"
        time.sleep(0.01)
    time.sleep(fraction * (bounds[phase + 1] - bounds[phase]))
    workers = _descendants(run.proc.pid)
    signum = getattr(signal, sig)
    if run.proc.poll() is None:
        os.kill(run.proc.pid, signum)
    code, err = run.wait(timeout=120)
    assert "Traceback" not in err, err[-3000:]
    if sig == "SIGTERM" and code == -signal.SIGTERM:   # before the handler was installed
        assert not rundir.staging_path(out).exists() and not (
            out.exists() and not overwrite), err              # (Python still starting)
    elif sig == "SIGTERM" and code != 0:
        assert code == 143, err
        stop = [ln for ln in err.splitlines() if ln.startswith("lmt-scan:")]
        assert len(stop) == 1, err
    deadline = time.monotonic() + 15       # no pool worker outlives its master
    while any(Path(f"/proc/{w}").exists() and "Z" not in Path(f"/proc/{w}/stat").read_text()
              .rsplit(")", 1)[1].split()[0] for w in workers):
        assert time.monotonic() < deadline, f"workers {workers} still alive"
        time.sleep(0.1)

    staged = rundir.staging_path(out)
    finished = out.is_dir() and not rundir.unfinished(out) and (out / output.CHAIN).exists() \
        and f"seed: {NEW_SEED}\n" in (out / output.RUN_CARD).read_text()
    if finished:
        _complete(out, NEW_SEED)
    elif overwrite and out.exists():
        assert _snapshot(out) == old_files, "the old run was changed"
    elif out.exists():                     # a new directory: marked unfinished, never a run
        assert rundir.unfinished(out) or not (out / output.CHAIN).exists()
        analyzed = subprocess.run([sys.executable, "-m", "lmt_scan", "analyze", str(out)],
                                  capture_output=True, text=True, cwd=REPO, timeout=120)
        assert analyzed.returncode == 2 and "Traceback" not in analyzed.stderr, analyzed.stderr
    needs_resume = not finished and (staged.exists() or (out.exists() and not overwrite)
                                     or (overwrite and not out.exists()))
    if needs_resume:
        words = ["run", str(card), "--resume"] + extra[:-1 if overwrite else None]
        if sig == "SIGTERM" and "continue with:" in err:
            words = shlex.split(err.split("continue with:", 1)[1].splitlines()[0])[1:]
        resumed = Run(*words[1:])
        code, rerr = resumed.wait(timeout=300)
        assert code == 0 and "Traceback" not in rerr, (code, rerr[-3000:])   # the end tells
        _complete(out, NEW_SEED)
        assert not staged.exists()
    # beside the run: at most a stale lock (SIGKILL) or, when the kill hit the swap, the
    # old run renamed aside (removed by the next run's swap); never a staged run once done
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")
                 and not p.name.endswith(".lock") and ".old-" not in p.name]
    assert leftovers == [] or not (needs_resume or finished), leftovers
