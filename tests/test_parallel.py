"""Parallel runs: a local process pool (--jobs) and MPI ranks under mpiexec give the
single-process chain byte for byte (same seed), every worker's −∞ counts reach summary.json,
and worker faults (Ctrl-C to the process group, a killed worker) end the run cleanly."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lmt_scan import output

from conftest import REPO, run_cli, small_card

MPIEXEC = shutil.which("mpiexec")
try:
    import mpi4py  # noqa: F401
    HAVE_MPI4PY = True
except ImportError:
    HAVE_MPI4PY = False
# CI installs an MPI implementation and mpi4py (.ci/run): there the MPI test must run
NEED_MPI = os.environ.get("CI") == "true"

QUICKSTART = REPO / "runs" / "quickstart.yaml"
SLOW = f"{REPO / 'benchmarks' / 'slow_likelihood.py'}:SlowLikelihood"
CHAIN_FILES = (output.CHAIN, output.EQUAL_WEIGHTS)


def _summary(out):
    return json.loads((out / output.SUMMARY).read_text())


def _clean_env():
    """os.environ without MPI variables: if this pytest process initialised MPI itself
    (cobaya imports mpi4py.MPI), an mpiexec inheriting them exits 1 with no message."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_", "PMIX_", "PMI_"))}


def _mpiexec(n, *args, env=None, timeout=600):
    cmd = [MPIEXEC, "--allow-run-as-root", "--oversubscribe", "-n", str(n), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=timeout,
                          env=env or _clean_env())


@pytest.fixture(scope="module")
def serial_quickstart(tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "out"
    result = run_cli("run", QUICKSTART, "--quiet", "--output", out)
    assert result.returncode == 0, result.stderr
    return out


def _same_run(a, b):
    for name in CHAIN_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    sa, sb = _summary(a), _summary(b)
    assert sa["logz"] == sb["logz"]
    assert sa["rejections"] == sb["rejections"]    # every worker's −∞ counts collected


def test_local_pool_gives_the_serial_chain(tmp_path, serial_quickstart):
    """Same card, same seed: --jobs 2 writes byte-identical chains (fixed proposal queue)."""
    out = tmp_path / "out"
    result = run_cli("run", QUICKSTART, "--quiet", "--jobs", "2", "--output", out)
    assert result.returncode == 0, result.stderr
    assert json.loads((out / output.RUN_INFO).read_text())["parallel_workers"] == 2
    _same_run(serial_quickstart, out)
    assert _summary(out)["rejections"].get("pseudo_dirac_violated", 0) > 0


@pytest.mark.skipif(not (MPIEXEC and HAVE_MPI4PY) and not NEED_MPI,
                    reason="mpiexec or mpi4py not installed (CI installs both)")
def test_three_mpi_ranks_give_the_serial_chain(tmp_path, serial_quickstart):
    out = tmp_path / "out"
    result = _mpiexec(3, sys.executable, "-m", "lmt_scan", "run", QUICKSTART, "--quiet",
                      "--output", out)
    assert result.returncode == 0, result.stderr
    assert json.loads((out / output.RUN_INFO).read_text())["parallel_workers"] == 2
    _same_run(serial_quickstart, out)
    # only rank 0 wrote: exactly one chain and no stray files from the worker ranks
    assert sorted(p.name for p in out.iterdir()) == \
        sorted(p.name for p in serial_quickstart.iterdir())


def test_emcee_vectorised_pool_gives_the_serial_chain(tmp_path):
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = run_cli("run", QUICKSTART, "--quiet", "--sampler", "emcee", "--set",
                         "sampler.nsteps=60", "--jobs", jobs, "--output", out)
        assert result.returncode == 0, result.stderr
        outs.append(out)
    _same_run(*outs)


@pytest.mark.skipif(not MPIEXEC and not NEED_MPI, reason="mpiexec not installed (CI has it)")
def test_mpiexec_without_mpi4py_stops_with_one_line(tmp_path):
    """Without mpi4py every rank would run its own serial scan into one directory."""
    card = small_card(tmp_path)
    code = ("import sys; sys.modules['mpi4py'] = None; from lmt_scan.cli import main; "
            f"sys.exit(main(['run', {str(card)!r}]))")
    result = _mpiexec(2, sys.executable, "-c", code, timeout=120)
    assert result.returncode == 2, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("lmt-scan")]
    assert len(lines) == 1 and "mpi4py" in lines[0] and "[mpi]" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out_small").exists()


def _slow_card(tmp_path, cost_ms):
    likelihoods = {"muon_g2": {"dataset": "paper2018_a"}, "white_dwarf": {},
                   "slow": {"plugin": SLOW, "cost_ms": cost_ms}}
    return small_card(tmp_path, name="slow", likelihoods=likelihoods,
                      sampler={"name": "dynesty", "nlive": 60, "dlogz": 1.0,
                               "checkpoint_every": 1.0})


def _start(card, *args):
    """``lmt-scan run`` in its own process group (so a signal reaches it and its workers),
    without this process's MPI variables (else the child joins a dead MPI singleton and its
    first child is an MPI helper, not a pool worker)."""
    return subprocess.Popen([sys.executable, "-m", "lmt_scan", "run", str(card), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=REPO, start_new_session=True, env=_clean_env())


def _children(pid):
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _finish(proc, timeout):
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"the run did not stop within {timeout} s")


def _checkpoints(tmp_path):
    return list(tmp_path.glob("**/dynesty.save"))


def test_ctrl_c_to_the_process_group_with_jobs_stops_cleanly(tmp_path):
    """SIGINT to the whole group (a terminal's Ctrl-C) reaches master and workers alike:
    the workers ignore it, the master checkpoints and exits 130 within seconds."""
    card = _slow_card(tmp_path, cost_ms=10)
    proc = _start(card, "--jobs", "2", "--quiet")
    time.sleep(6)
    assert proc.poll() is None, proc.communicate()
    os.killpg(proc.pid, signal.SIGINT)
    _, err = _finish(proc, timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "--resume" in err and "--jobs 2" in err
    assert _checkpoints(tmp_path)


def test_dead_worker_ends_the_run_and_resume_works_serially(tmp_path):
    """A killed pool worker: one clear line within seconds, exit 1, checkpoint kept; the
    checkpoint then resumes with another worker count (serial) to a finished run."""
    card = _slow_card(tmp_path, cost_ms=40)
    proc = _start(card, "--jobs", "2", "--quiet")
    # kill while sampling, not by a fixed sleep (a loaded machine may still be starting, a
    # quiet one already past sampling): once the first checkpoint exists, and after a fresh
    # batch has gone out to the workers
    deadline = time.monotonic() + 120
    while not _checkpoints(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    workers = _children(proc.pid)
    assert proc.poll() is None and workers, proc.communicate()
    os.kill(workers[0], signal.SIGKILL)
    t0 = time.monotonic()
    _, err = _finish(proc, timeout=30)
    assert time.monotonic() - t0 < 15
    assert proc.returncode == 1, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "worker process died" in lines[0] and "--resume" in lines[0], err
    assert _checkpoints(tmp_path)
    result = subprocess.run([sys.executable, "-m", "lmt_scan", "run", str(card), "--resume",
                             "--quiet"], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out_slow" / output.CHAIN).is_file()


def test_jobs_must_be_positive(tmp_path):
    result = run_cli("run", small_card(tmp_path), "--jobs", "0")
    assert result.returncode == 2 and "--jobs" in result.stderr


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_die_with_a_killed_master(tmp_path):
    """Workers ignore SIGTERM (the master's to handle): a master killed by SIGKILL or the
    OOM killer must not leave them waiting for tasks for ever."""
    card = _slow_card(tmp_path, cost_ms=40)
    proc = _start(card, "--jobs", "2", "--quiet")
    deadline = time.monotonic() + 120
    while not _checkpoints(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert proc.poll() is None and len(workers) == 2, proc.communicate()
    proc.kill()
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [pid for pid in workers if _alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert not survivors


def test_queue_per_worker_is_deprecated_with_a_warning(capsys):
    """The old setting still loads, says once that it is ignored, and changes nothing."""
    from lmt_scan.samplers.dynesty_adapter import DynestyAdapter
    with_it = DynestyAdapter.validate({"nlive": 50, "queue_per_worker": 3})
    err = capsys.readouterr().err
    assert "queue_per_worker is deprecated and ignored" in err and err.count("\n") == 1
    without = DynestyAdapter.validate({"nlive": 50})
    assert capsys.readouterr().err == ""
    assert {k: v for k, v in with_it.items() if k != "queue_per_worker"} == \
        {k: v for k, v in without.items() if k != "queue_per_worker"}
