"""Real MultiNest runs (libmultinest built by `lmt-scan build-multinest`, as .ci/run does).

Quick-start and a 4-parameter card through the CLI, ln Z against dynesty within the combined
errors, derived columns, a Fortran-side stop turned into one line and a non-zero exit, and a
resume after SIGKILL part-way through MultiNest's own resume files.
"""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from lmt_scan import multinest_build
from lmt_scan.samplers.multinest_adapter import SEED_RANGE, multinest_seed

ROOT = Path(__file__).resolve().parents[1]
QUICKSTART = ROOT / "runs" / "quickstart.yaml"
FOUR = """name: four
seed: 7
parameters:
  m_Zp: {prior: log_uniform, min: 5, max: 300}        # MeV
  g_p: {prior: log_uniform, min: 1.0e-4, max: 3.0e-3}
  m_phi: {prior: log_uniform, min: 5, max: 200}       # MeV
  M1: {prior: log_uniform, min: 5, max: 50}           # GeV
likelihoods:
  muon_g2: {dataset: paper2018_a}
  white_dwarf: {shape: smooth}
  borexino: {shape: smooth}
sampler: {name: multinest, nlive: 100}
"""


def lmt(*args, timeout=600, **kw):
    return subprocess.run([sys.executable, "-m", "lmt_scan", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT, **kw)


def run_info(out):
    return json.loads((out / "run_info.json").read_text())


@pytest.fixture(scope="module", autouse=True)
def library():
    """The tests need the built library; its absence is a failure, never a skip."""
    assert multinest_build.library_path() is not None, \
        "libmultinest not built: run `lmt-scan build-multinest ../shared/vendor/MultiNest-*.tar.gz`"


def test_seed_mapped_into_multinest_range():
    rng = np.random.default_rng(11)
    seeds = list(rng.integers(0, 2**63, 2000)) + [0, 1, 31328, 31329, 20180601, 2**64 - 1]
    mapped = [multinest_seed(int(s)) for s in seeds]
    assert all(0 <= m <= SEED_RANGE for m in mapped)
    assert mapped == [multinest_seed(int(s)) for s in seeds]      # deterministic
    assert len(set(mapped)) > 1500                                 # spread, not clamped


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    base = tmp_path_factory.mktemp("mn")
    mn, dy = base / "mn", base / "dy"
    for out, sampler in ((mn, "multinest"), (dy, "dynesty")):
        res = lmt("run", QUICKSTART, "--sampler", sampler, "--output", out, "--quiet")
        assert res.returncode == 0, res.stderr
    return mn, dy


def test_quickstart_multinest_agrees_with_dynesty(quick):
    mn, dy = quick
    a, b = run_info(mn), run_info(dy)
    assert a["sampler"] == "multinest" and a["ncall"] > 1000
    assert 0 <= a["sampler_info"]["multinest_seed"] <= SEED_RANGE
    combined = np.hypot(a["logz_err"], b["logz_err"])
    assert abs(a["logz"] - b["logz"]) < 3 * combined, (a["logz"], b["logz"], combined)
    # the call count is the calls made: the rejections are a part of them
    assert sum(a["rejections"].values()) < a["ncall"]
    chain = np.loadtxt(mn / "lmt-.txt")
    columns = json.loads((mn / "params.json").read_text())
    assert chain.shape[1] == 2 + len(columns) and len(columns) > 10
    for derived in ("y", "delta_a_mu", "tau_Zp_s", "loglike.muon_g2", "loglike.borexino"):
        assert derived in columns
    assert np.all(np.isfinite(chain)) and abs(chain[:, 0].sum() - 1) < 1e-9


def test_every_run_dir_readable_by_pymultinest_and_anesthetic(quick):
    import anesthetic
    multinest_build.preload()
    from pymultinest.analyse import Analyzer
    for out in quick:
        info = run_info(out)
        n = len(json.loads((out / "params.json").read_text()))
        stats = Analyzer(n, outputfiles_basename=str(out / "lmt-")).get_stats()
        assert stats["global evidence"] == pytest.approx(info["logz"], abs=1e-9)
        assert len(stats["marginals"]) == n
        chain = np.loadtxt(out / "lmt-.txt")
        mean = np.average(chain[:, 2], weights=chain[:, 0])
        assert stats["modes"][0]["mean"][0] == pytest.approx(mean, rel=1e-9)
        nested = anesthetic.read_chains(str(out / "nested" / "lmt"))
        assert type(nested).__name__ == "NestedSamples"
        # anesthetic recomputes ln Z from the birth contours alone
        assert nested.logZ() == pytest.approx(info["logz"], abs=0.05), out.name


def test_four_parameter_card(tmp_path):
    card = tmp_path / "four.yaml"
    card.write_text(FOUR)
    res = lmt("run", card, "--output", tmp_path / "out", "--quiet")
    assert res.returncode == 0, res.stderr
    chain = np.loadtxt(tmp_path / "out" / "lmt-.txt")
    assert chain.shape[0] > 200
    for col, (low, high) in zip(range(2, 6), ((5, 300), (1e-4, 3e-3), (5, 200), (5, 50))):
        assert low <= chain[:, col].min() and chain[:, col].max() <= high
        assert np.ptp(chain[:, col]) > 0           # all four parameters vary
    info = run_info(tmp_path / "out")
    assert np.isfinite(info["logz"]) and info["logz_err"] > 0


ABORT = """import sys
from lmt_scan.samplers import multinest_adapter
# outside 0..31328: MultiNest's seed × 45 overflows, its Fortran prints and `stop`s (exit 0)
multinest_adapter.multinest_seed = lambda seed: 50_000_000
from lmt_scan.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_fortran_stop_is_one_line_and_nonzero(tmp_path):
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-c", ABORT, "run", str(QUICKSTART), "--sampler",
                          "multinest", "--output", str(out), "--quiet"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert res.returncode != 0
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert "MultiNest stopped" in lines[0] and "seed" in lines[0]
    assert "Traceback" not in res.stderr
    assert not (out / "lmt-.txt").exists() and not (out / "summary.json").exists()


def slow_card(tmp_path, nlive=1000):
    card = tmp_path / "slow.yaml"      # the quick-start card with MultiNest, more live points
    spec = yaml.safe_load(QUICKSTART.read_text())
    spec["sampler"] = {"name": "multinest", "nlive": nlive}
    card.write_text(yaml.safe_dump(spec))
    return card


def kill_run(card, out, delay_s, timeout=240):
    """Start a run and SIGKILL it (with its MultiNest child) ``delay_s`` after its first
    checkpoint (None: right after the start, before any); returns the snapshot's counts at
    the kill (None if there was none)."""
    from lmt_scan.samplers import multinest_files
    proc = subprocess.Popen([sys.executable, "-m", "lmt_scan", "run", str(card), "--output",
                             str(out), "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    base = out / "checkpoint" / "multinest"
    deadline = time.monotonic() + timeout
    try:
        if delay_s is None:
            while not (base / "fortran.log").exists() and time.monotonic() < deadline:
                time.sleep(0.01)       # MultiNest has started: generating live points
        else:
            while not (base / multinest_files.SNAPSHOT).exists():
                assert proc.poll() is None, "run finished before a checkpoint"
                assert time.monotonic() < deadline
                time.sleep(0.01)
            time.sleep(delay_s)
        assert proc.poll() is None, "run finished before the kill: nothing part-way to resume"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)      # the sampler's child process too
        proc.wait(timeout=60)
    snap = multinest_files.read_snapshot(base)
    return snap["counts"] if snap else None


def check_resumed(out, fresh, killed_counts):
    info = run_info(out)
    log = (out / "checkpoint" / "multinest" / "fortran.log").read_text()
    if killed_counts is not None:
        assert info["sampler_info"]["resumed_from_checkpoint"]
        assert "resuming from previous job" in log
        # the whole run's calls: the checkpointed part's calls are included, and the
        # resumed part made calls of its own — unless the kill came after MultiNest's final
        # dump (a quiet machine finishes sampling within a second or two of the first one):
        # then the resume only writes the results, and the counts are the fresh run's
        assert info["ncall"] >= killed_counts["ncall"] > 0
        if killed_counts["ncall"] < fresh["ncall"]:
            assert info["ncall"] > killed_counts["ncall"]
        for reason, n in killed_counts["reasons"].items():
            assert info["rejections"][reason] >= n
    else:
        assert not info["sampler_info"]["resumed_from_checkpoint"]
    assert sum(info["rejections"].values()) < info["ncall"]
    assert abs(info["logz"] - fresh["logz"]) < 3 * np.hypot(info["logz_err"], fresh["logz_err"])
    # calls of the resumed run = a fresh run's, give or take the redone iterations
    assert info["ncall"] == pytest.approx(fresh["ncall"], rel=0.25)
    chain = np.loadtxt(out / "lmt-.txt")
    assert np.all(np.isfinite(chain)) and abs(chain[:, 0].sum() - 1) < 1e-9


@pytest.fixture(scope="module")
def slow_fresh(tmp_path_factory):
    base = tmp_path_factory.mktemp("slow")
    card = slow_card(base)
    res = lmt("run", card, "--output", base / "fresh", "--quiet")
    assert res.returncode == 0, res.stderr
    return card, run_info(base / "fresh")


# kill moments: before any checkpoint, at once after the first, and at random later moments
# (any of them may land inside MultiNest's non-atomic resume-file writes)
KILL_DELAYS = [None, 0.0] + list(np.round(np.random.default_rng().uniform(0, 2.5, 2), 2))


@pytest.mark.parametrize("delay_s", KILL_DELAYS)
def test_resume_after_sigkill(slow_fresh, tmp_path, delay_s):
    card, fresh = slow_fresh
    out = tmp_path / "out"
    killed = kill_run(card, out, delay_s)
    assert not (out / "summary.json").exists()
    res = lmt("run", card, "--output", out, "--quiet", "--resume")
    assert res.returncode == 0, res.stderr
    check_resumed(out, fresh, killed)


def test_unresumable_files_are_not_taken_for_a_finished_run(slow_fresh, tmp_path):
    """MultiNest `stop`s with exit code 0 on resume files it cannot read: the old failure
    (a resumed run 'finishing' with the killed part's counts) needs the finished marker.
    The snapshot is made unusable here, MultiNest's own files truncated as a kill would."""
    from lmt_scan.samplers import multinest_files as mf
    card, fresh = slow_fresh
    out = tmp_path / "out"
    assert kill_run(card, out, 0.3) is not None
    base = out / "checkpoint" / "multinest"
    snap = mf.read_snapshot(base)
    # a snapshot whose live-point file is truncated: MultiNest reads fewer than nlive
    snap["files"]["live.points"] = snap["files"]["live.points"][:1000]
    mf.write_atomic(base / mf.SNAPSHOT, __import__("pickle").dumps(snap))
    res = lmt("run", card, "--output", out, "--quiet", "--resume")
    assert res.returncode == 1, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "MultiNest stopped" in lines[0] and "live points" in lines[0], \
        res.stderr
    assert not (out / "summary.json").exists()


def mpiexec(n, *args, timeout=600):
    """lmt-scan under mpiexec, MPI variables of this process stripped (an mpiexec that
    inherits a pytest process's own MPI singleton exits 1 with no message)."""
    import shutil
    launcher = shutil.which("mpiexec")
    assert launcher, "mpiexec missing (.ci/run installs OpenMPI)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_", "PMIX_", "PMI_"))}
    return subprocess.run([launcher, "--allow-run-as-root", "--oversubscribe", "-n", str(n),
                           *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env=env)


def test_mpiexec_two_ranks_use_multinest_mpi(quick, tmp_path):
    """Under mpiexec every rank runs MultiNest's MPI library: both ranks make likelihood
    calls, ln Z agrees with the serial run within the combined errors, and the same seed
    on the same number of ranks gives the same chain."""
    outs = [tmp_path / "mpi_a", tmp_path / "mpi_b"]
    for out in outs:
        res = mpiexec(2, sys.executable, "-m", "lmt_scan", "run", QUICKSTART, "--sampler",
                      "multinest", "--output", out, "--quiet")
        assert res.returncode == 0, res.stderr
    a, serial = run_info(outs[0]), run_info(quick[0])
    info = a["sampler_info"]
    assert info["mpi_ranks"] == 2 and a["parallel_workers"] == 2
    assert len(info["calls_per_rank"]) == 2 and min(info["calls_per_rank"]) > 200
    assert sum(info["calls_per_rank"]) == a["ncall"]
    assert sum(a["rejections"].values()) < a["ncall"]
    combined = np.hypot(a["logz_err"], serial["logz_err"])
    assert abs(a["logz"] - serial["logz"]) < 3 * combined, (a["logz"], serial["logz"])
    assert np.array_equal(np.loadtxt(outs[0] / "lmt-.txt"), np.loadtxt(outs[1] / "lmt-.txt"))
    assert (outs[0] / "nested" / "lmt_dead-birth.txt").is_file()


def test_mpiexec_fortran_stop_is_one_line_and_nonzero(tmp_path):
    out = tmp_path / "out"
    res = mpiexec(2, sys.executable, "-c", ABORT, "run", QUICKSTART, "--sampler", "multinest",
                  "--output", out, "--quiet", timeout=300)
    assert res.returncode != 0
    ours = [ln for ln in res.stderr.splitlines() if ln.startswith("lmt-scan")]
    assert len(ours) == 1 and "MultiNest stopped" in ours[0] and "seed" in ours[0], res.stderr
    assert "Traceback" not in res.stderr
    assert not (out / "summary.json").exists()


def _processes_running(text):
    """pids whose command line contains ``text`` (zombies included until reaped)."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                pids.append(int(cmdline.parent.name))
        except OSError:
            continue
    return [pid for pid in pids if pid != os.getpid()]


def test_mpiexec_resume_after_sigkill(tmp_path):
    """A SIGKILLed mpiexec run resumes under mpiexec: counts cover the whole run."""
    card = slow_card(tmp_path, nlive=300)
    out = tmp_path / "out"
    import shutil
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_", "PMIX_", "PMI_"))}
    from lmt_scan.samplers import multinest_files
    proc = subprocess.Popen([shutil.which("mpiexec"), "--allow-run-as-root", "--oversubscribe",
                             "-n", "2", sys.executable, "-m", "lmt_scan", "run", str(card),
                             "--output", str(out), "--quiet"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    base = out / "checkpoint" / "multinest"
    deadline = time.monotonic() + 300
    try:
        while not (base / multinest_files.SNAPSHOT).exists():
            assert proc.poll() is None, "run finished before a checkpoint"
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    # the ranks outlive a SIGKILLed mpiexec (they are not in its process group) and would go on
    # sampling — on a quiet machine to the end, leaving nothing to resume: kill them at once,
    # as a crashed node would, and wait until they are gone (rank 0 holds the run's lock)
    ranks = _processes_running(str(card))
    for pid in ranks:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    end = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in _processes_running(str(card))) \
            and time.monotonic() < end:
        time.sleep(0.2)
    killed = multinest_files.read_snapshot(base)["counts"]
    res = mpiexec(2, sys.executable, "-m", "lmt_scan", "run", card, "--output", out, "--quiet",
                  "--resume")
    assert res.returncode == 0, res.stderr
    info = run_info(out)
    assert info["sampler_info"]["resumed_from_checkpoint"] and info["parallel_workers"] == 2
    assert info["ncall"] > killed["ncall"] > 0
    assert np.isfinite(info["logz"]) and (out / "summary.json").is_file()
