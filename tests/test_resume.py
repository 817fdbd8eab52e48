"""Interruption and resume: SIGKILL part-way, `--resume`, complete run, no lost or duplicated samples."""
import json
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from lmt_scan import output

from conftest import REPO, run_cli, small_card


def _start(card):
    return subprocess.Popen([sys.executable, "-m", "lmt_scan", "run", str(card), "--quiet"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def _kill_after_checkpoint(proc, checkpoint, timeout=120, extra_s=0.0):
    """SIGKILL as soon as ``checkpoint`` exists (after ``extra_s`` more seconds), never on a
    timer alone: a run that finished before it would make the test meaningless."""
    t0 = time.time()
    while not checkpoint.exists():
        assert proc.poll() is None, "run finished before any checkpoint: make it longer"
        assert time.time() - t0 < timeout
        time.sleep(0.02)
    time.sleep(extra_s)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)


def _dynesty_checkpoint(path):
    """(parameter vectors of the dead points, iterations, likelihood calls) in a checkpoint."""
    from dynesty import NestedSampler
    saved = NestedSampler.restore(str(path)).saved_run
    logl = np.array(saved["logl"])
    # rows the physics rejected (log L = -1e100 stand-in) are left out of the chain files
    return np.array(saved["v"])[logl > -1e100], len(logl), int(np.sum(saved["nc"])), \
        int(np.sum(logl <= -1e100))


@pytest.mark.parametrize("sampler, checkpoint_name", [
    ({"name": "dynesty", "nlive": 200, "dlogz": 0.05, "checkpoint_every": 1}, "dynesty.save"),
    ({"name": "emcee", "nwalkers": 10, "nsteps": 1500}, "emcee.h5"),
])
def test_sigkill_then_resume(tmp_path, sampler, checkpoint_name):
    card = small_card(tmp_path, name="long", sampler=sampler)
    out = tmp_path / "out_long"
    proc = _start(card)
    checkpoint = out / output.CHECKPOINT_DIR / checkpoint_name
    # dynesty writes its checkpoint atomically (tmp + rename): kill the moment it appears;
    # emcee's HDF5 file appears at the first step, so give it some steps first
    _kill_after_checkpoint(proc, checkpoint, extra_s=0.0 if sampler["name"] == "dynesty" else 1.5)
    assert proc.returncode == -signal.SIGKILL
    assert not (out / output.CHAIN).exists()          # it really was interrupted
    killed = json.loads((out / output.CHECKPOINT_DIR / "counts.json").read_text())
    if sampler["name"] == "dynesty":
        saved_points, saved_iter, saved_calls, saved_rejected = _dynesty_checkpoint(checkpoint)
        assert saved_iter > 0

    # not --quiet: the first progress line says at which iteration sampling continues
    resumed = subprocess.run([sys.executable, "-m", "lmt_scan", "run", str(card), "--resume"],
                             cwd=REPO, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    chain = np.loadtxt(out / output.CHAIN)
    info = json.loads((out / output.RUN_INFO).read_text())
    # the same card run without a kill: calls, rejections and time cover the whole run
    fresh_card = small_card(tmp_path, name="fresh", sampler=sampler)
    assert run_cli("run", fresh_card, "--quiet").returncode == 0
    fresh = json.loads((tmp_path / "out_fresh" / output.RUN_INFO).read_text())
    assert info["ncall"] > killed["ncall"] > 0
    assert info["wall_time_s"] > killed["wall_s"] > 0
    for reason, n in killed["reasons"].items():
        assert info["rejections"][reason] >= n
    assert sum(info["rejections"].values()) < info["ncall"]
    if sampler["name"] == "dynesty":
        # counts are saved with the checkpoint and dynesty resumes its exact state: the
        # resumed run made exactly the calls of the uninterrupted one
        assert info["ncall"] == fresh["ncall"]
        assert info["rejections"] == fresh["rejections"]
    else:
        # emcee: every step stored, counts with it (a kill between the two loses one step)
        walkers = info["sampler_info"]["nwalkers"]
        assert 0 <= fresh["ncall"] - info["ncall"] <= walkers
    if sampler["name"] == "dynesty":
        # nested sampling: every dead point once, in increasing log L (a block lost or
        # repeated at the seam would break the order), plus the final live points
        niter = info["sampler_info"]["niter"]
        dropped = niter + sampler["nlive"] - len(chain)      # rejected dead points (first)
        assert saved_rejected <= dropped < niter
        assert np.all(np.isfinite(chain))
        dead_loglike = -0.5 * chain[:niter - dropped, 1]
        assert np.all(np.diff(dead_loglike) >= 0)
        assert info["logz"] is not None and abs(info["logz"]) < 20
        # resumed, not restarted: the checkpoint's dead points open the final chain (in
        # sampling order), the calls made before the kill are counted, and sampling went on
        # after the checkpoint's last iteration (a fresh start with the same seed would give
        # the same chain, but its progress would begin at iter 1)
        kept = len(saved_points)
        assert kept > 0 and np.allclose(chain[:kept, 2:4],
                           saved_points[:, :2], rtol=1e-9, atol=0)
        assert info["ncall"] >= saved_calls
        first = re.search(r"dynesty: iter (\d+)", resumed.stderr)
        assert first is not None, resumed.stderr
        assert int(first.group(1)) > saved_iter
    else:
        # MCMC: the stored chain has exactly nsteps × nwalkers after burn-in
        burn = info["sampler_info"]["burn_in_steps"]
        assert len(chain) == (sampler["nsteps"] - burn) * info["sampler_info"]["nwalkers"]


def test_resume_refuses_a_changed_card(tmp_path):
    card = small_card(tmp_path)
    assert run_cli("run", card, "--quiet").returncode == 0
    changed = small_card(tmp_path, seed=99)
    result = run_cli("run", changed, "--resume")
    assert result.returncode == 2 and "differs" in result.stderr


def test_resume_without_a_run(tmp_path):
    result = run_cli("run", small_card(tmp_path), "--resume")
    assert result.returncode == 2 and "nothing to resume" in result.stderr


def test_ctrl_c_checkpoints_and_says_how_to_resume(tmp_path):
    card = small_card(tmp_path, name="long", sampler={"name": "dynesty", "nlive": 300,
                                                     "dlogz": 0.05, "checkpoint_every": 600})
    out = tmp_path / "out_long"
    proc = subprocess.Popen([sys.executable, "-m", "lmt_scan", "run", str(card)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    while not (out / output.RUN_CARD).exists():      # sampling has started
        assert time.time() - t0 < 60 and proc.poll() is None
        time.sleep(0.1)
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "--resume" in err and "Traceback" not in err
    # no periodic checkpoint was due (every 600 s): this one was written on Ctrl-C
    assert (out / output.CHECKPOINT_DIR / "dynesty.save").exists()
    resumed = run_cli("run", card, "--resume", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert (out / output.SUMMARY).exists()
