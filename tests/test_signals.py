"""SIGTERM and SIGINT stop a serial run alike: checkpoint, the exact resume command, exit
128 + signal; a burst of further signals never destroys the checkpoint; resume completes."""
import shlex
import signal
import subprocess
import sys
import time

import pytest

from lmt_scan import output

from conftest import REPO, run_cli, small_card

LONG = {"name": "dynesty", "nlive": 200, "dlogz": 0.1, "checkpoint_every": 600}


def _start(card, *extra):
    return subprocess.Popen([sys.executable, "-m", "lmt_scan", "run", str(card), *extra],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_sampling(proc, stderr_marker_file, timeout=60):
    """Wait until the run is sampling (its run.yaml exists), then a little more."""
    t0 = time.time()
    while not stderr_marker_file.exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.time() - t0 < timeout
        time.sleep(0.05)
    time.sleep(1.5)


def _resume_words(err):
    line = next(l for l in err.splitlines() if "continue with:" in l)
    return shlex.split(line.split("continue with:", 1)[1])


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("burst", [1, 6], ids=["one signal", "burst of signals"])
def test_signal_checkpoints_and_prints_exact_resume(tmp_path, signum, burst):
    card = small_card(tmp_path, name="long", sampler=LONG)
    out = tmp_path / "out_long"
    proc = _start(card, "--seed", "11", "--set", "sampler.dlogz=0.1")
    _wait_sampling(proc, out / output.RUN_CARD)
    for _ in range(burst):             # the later ones arrive while the checkpoint is written
        proc.send_signal(signum)
        time.sleep(0.01)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err
    words = _resume_words(err)
    assert words[:4] == ["lmt-scan", "run", str(card), "--resume"]
    assert words[4:] == ["--seed", "11", "--set", "sampler.dlogz=0.1"], words
    saved = out / output.CHECKPOINT_DIR / "dynesty.save"
    assert saved.exists() and not (out / output.CHAIN).exists()
    from dynesty import NestedSampler
    assert len(NestedSampler.restore(str(saved)).saved_run["logl"]) > 0
    if burst == 1 and signum == signal.SIGINT:
        return     # resuming is checked on the other three (it takes the rest of the run)
    # the printed command, run as printed, finishes the run
    resumed = subprocess.run([sys.executable, "-m", "lmt_scan", *words[1:], "--quiet"], cwd=REPO,
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert (out / output.SUMMARY).exists()


def test_sigterm_during_overwrite_keeps_old_run_then_resume_swaps(tmp_path):
    card = small_card(tmp_path, name="long")
    out = tmp_path / "out_long"
    assert run_cli("run", card, "--quiet").returncode == 0
    old_chain = (out / output.CHAIN).read_bytes()
    (out / "marginals.png").write_bytes(b"left over from analyze")
    long_card = small_card(tmp_path, name="long", sampler=LONG)
    proc = _start(long_card, "--overwrite")
    staged = tmp_path / ".out_long.partial"
    _wait_sampling(proc, staged / output.RUN_CARD)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert (out / output.CHAIN).read_bytes() == old_chain      # the old run is untouched
    assert (staged / output.CHECKPOINT_DIR / "dynesty.save").exists()
    words = _resume_words(err)
    resumed = subprocess.run([sys.executable, "-m", "lmt_scan", *words[1:], "--quiet"], cwd=REPO,
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert not staged.exists() and (out / output.CHAIN).read_bytes() != old_chain
    assert not (out / "marginals.png").exists()               # no leftovers of the old run
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_emcee_sigterm(tmp_path):
    card = small_card(tmp_path, name="long", sampler={"name": "emcee", "nwalkers": 10,
                                                      "nsteps": 3000})
    out = tmp_path / "out_long"
    proc = _start(card, "--quiet")
    _wait_sampling(proc, out / output.CHECKPOINT_DIR / "emcee.h5")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err and "--resume" in err
    import emcee
    assert emcee.backends.HDFBackend(str(out / output.CHECKPOINT_DIR / "emcee.h5"),
                                     read_only=True).iteration > 0
