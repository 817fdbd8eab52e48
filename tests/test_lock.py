"""One run per directory: a second concurrent run exits 2 naming the holder; stale locks
(their process is gone) are taken over; the lock is released at the end."""
import json
import os
import socket
import subprocess
import sys
import time

from lmt_scan import output, rundir

from conftest import REPO, run_cli, small_card


def test_second_concurrent_run_exits_2_naming_the_holder(tmp_path):
    card = small_card(tmp_path, name="long", sampler={"name": "dynesty", "nlive": 200,
                                                      "dlogz": 0.1})
    out = tmp_path / "out_long"
    first = subprocess.Popen([sys.executable, "-m", "lmt_scan", "run", str(card), "--quiet"],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        t0 = time.time()
        while not rundir.lock_path(out).exists():
            assert first.poll() is None and time.time() - t0 < 60
            time.sleep(0.05)
        second = run_cli("run", card, "--overwrite", "--quiet")
        assert second.returncode == 2, second.stderr
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and "another run" in lines[0]
        assert f"pid {first.pid}" in lines[0] and socket.gethostname() in lines[0]
        assert first.wait(timeout=600) == 0, first.stderr.read()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=30)
    # the first run's card and chain belong together; the lock is gone
    assert not rundir.lock_path(out).exists()
    assert (out / output.RUN_CARD).exists() and (out / output.CHAIN).exists()


def test_stale_lock_is_taken_over(tmp_path):
    card = small_card(tmp_path)
    out = tmp_path / "out_small"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)                   # a pid that no longer runs
    rundir.lock_path(out).write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(),
                                                 "started": "2026-01-01T00:00:00"}))
    result = run_cli("run", card, "--quiet")
    assert result.returncode == 0, result.stderr
    assert not rundir.lock_path(out).exists()


def test_live_lock_of_another_host_is_respected(tmp_path):
    card = small_card(tmp_path)
    out = tmp_path / "out_small"
    rundir.lock_path(out).write_text(json.dumps({"pid": os.getpid(), "host": "node042",
                                                 "started": "2026-01-01T00:00:00"}))
    result = run_cli("run", card, "--quiet")
    assert result.returncode == 2
    assert "node042" in result.stderr and "2026-01-01" in result.stderr
    assert not out.exists()


def test_lock_of_an_unreaped_killed_process_is_stale(tmp_path):
    """A killed MPI rank whose launcher died can stay a zombie; its lock must not block
    the resume (kill(pid, 0) alone says a zombie is alive)."""
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    while _state(zombie.pid) != "Z" and time.monotonic() < deadline:
        time.sleep(0.05)                    # exited, not reaped (no wait() yet)
    try:
        assert _state(zombie.pid) == "Z"
        os.kill(zombie.pid, 0)              # the kernel still has it ...
        assert not rundir._alive(zombie.pid)   # ... but it holds nothing
        card = small_card(tmp_path)
        out = tmp_path / "out_small"
        rundir.lock_path(out).write_text(json.dumps({"pid": zombie.pid,
                                                     "host": socket.gethostname(),
                                                     "started": "2026-01-01T00:00:00"}))
        result = run_cli("run", card, "--quiet")
        assert result.returncode == 0, result.stderr
    finally:
        zombie.wait(timeout=30)
    assert not rundir._alive(zombie.pid)
    assert rundir._alive(os.getpid())


def _state(pid):
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None
