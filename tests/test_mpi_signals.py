"""SIGTERM/SIGINT under mpiexec: rank 0 checkpoints and prints the one stop line (with the
exact `mpiexec -n N … --resume` command), the other ranks stay quiet and keep serving
until rank 0 releases them; the printed command finishes the run.  Every wait is bounded.

A batch scheduler (Slurm at the wall-time limit) signals every process of the job; that is
the case tested first.  A signal to mpiexec itself makes OpenMPI kill the ranks after
``odls_base_sigkill_timeout`` (1 s by default): the stop line still comes from rank 0 alone
and the last checkpoint is kept, but mpiexec's exit code is its own (1)."""
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, small_card

MPIEXEC = shutil.which("mpiexec")
NEED_MPI = os.environ.get("CI") == "true"
try:
    import mpi4py  # noqa: F401
    HAVE_MPI4PY = True
except ImportError:
    HAVE_MPI4PY = False
pytestmark = pytest.mark.skipif(not (MPIEXEC and HAVE_MPI4PY) and not NEED_MPI,
                                reason="mpiexec and mpi4py not installed (CI has them)")
SLOW = f"{REPO / 'benchmarks' / 'slow_likelihood.py'}:SlowLikelihood"
RANKS = 3


def _clean_env():
    """No MPI variables of this process (a singleton here would confuse mpiexec)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_", "PMIX_", "PMI_"))}


def _card(tmp_path):
    likelihoods = {"muon_g2": {"dataset": "paper2018_a"},
                   "slow": {"plugin": SLOW, "cost_ms": 5}}
    return small_card(tmp_path, name="mpi", likelihoods=likelihoods,
                      sampler={"name": "dynesty", "nlive": 60, "dlogz": 0.5,
                               "checkpoint_every": 1.0})


def _start(card):
    cmd = [MPIEXEC, "--allow-run-as-root", "--oversubscribe", "-n", str(RANKS),
           sys.executable, "-m", "lmt_scan", "run", str(card), "--quiet"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=REPO, start_new_session=True, env=_clean_env())


def _ranks(mpiexec_pid):
    """The python processes mpiexec started (its children running lmt_scan)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == mpiexec_pid and b"lmt_scan" in cmdline:
            found.append(int(stat.parent.name))
    return found


def _wait_for(path, proc, timeout):
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            pytest.fail(f"the run ended before {path.name} appeared: {proc.communicate()}")
        if time.monotonic() > deadline:
            _kill(proc)
            pytest.fail(f"no {path.name} within {timeout} s")
        time.sleep(0.1)


def _kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate(timeout=30)


def _finish(proc, timeout):
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        pytest.fail(f"mpiexec did not end within {timeout} s of the signal")


def _stop_lines(err):
    return [ln for ln in err.splitlines() if ln.startswith("lmt-scan")]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_to_every_rank_one_line_exit_code_and_resume(tmp_path, signum):
    card = _card(tmp_path)
    checkpoint = tmp_path / "out_mpi" / "checkpoint" / "dynesty.save"
    proc = _start(card)
    _wait_for(checkpoint, proc, timeout=240)
    time.sleep(0.5)
    ranks = _ranks(proc.pid)
    assert len(ranks) == RANKS, ranks
    for pid in ranks:                 # as a scheduler does: every process of the job
        os.kill(pid, signum)
    _, err = _finish(proc, timeout=180)
    assert proc.returncode == 128 + signum, err      # rank 0's code, passed on by mpiexec
    assert "Traceback" not in err, err
    lines = _stop_lines(err)
    assert len(lines) == 1, err                       # rank 0 only
    assert "checkpoint is kept" in lines[0]
    words = shlex.split(lines[0].split("continue with:", 1)[1])
    assert words[:3] == ["mpiexec", "-n", str(RANKS)] and "--resume" in words, words
    assert checkpoint.exists()
    assert not (tmp_path / "out_mpi" / "lmt-.txt").exists()
    if signum == signal.SIGINT:
        return          # resuming is checked once (SIGTERM), it takes the rest of the run
    # the printed command, run as printed (its mpiexec with our root/oversubscribe flags)
    cmd = [MPIEXEC, "--allow-run-as-root", "--oversubscribe", *words[1:3], sys.executable,
           "-m", "lmt_scan", *words[4:]]
    resumed = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=600,
                             env=_clean_env())
    assert resumed.returncode == 0, resumed.stderr
    assert (tmp_path / "out_mpi" / "lmt-.txt").is_file()
    assert "Traceback" not in resumed.stderr


def test_sigterm_to_mpiexec_one_line_and_a_checkpoint(tmp_path):
    """mpiexec itself signalled: OpenMPI forwards SIGTERM to the ranks and kills them after
    its timeout; still one line (rank 0's), no traceback, the checkpoint kept."""
    card = _card(tmp_path)
    checkpoint = tmp_path / "out_mpi" / "checkpoint" / "dynesty.save"
    proc = _start(card)
    _wait_for(checkpoint, proc, timeout=240)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    _, err = _finish(proc, timeout=120)
    assert proc.returncode != 0, err
    assert "Traceback" not in err, err
    assert len(_stop_lines(err)) <= 1, err
    assert checkpoint.exists()
    from dynesty import NestedSampler        # a readable checkpoint (saves are atomic)
    assert len(NestedSampler.restore(str(checkpoint)).saved_run["logl"]) > 0
