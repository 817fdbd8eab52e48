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


def test_resume_after_sigkill(tmp_path):
    card = tmp_path / "slow.yaml"      # the quick-start card with MultiNest, 1000 live points
    spec = yaml.safe_load(QUICKSTART.read_text())
    spec["sampler"] = {"name": "multinest", "nlive": 1000}
    card.write_text(yaml.safe_dump(spec))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "lmt_scan", "run", str(card), "--output",
                             str(out), "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    counts = out / "checkpoint" / "multinest" / "counts.json"
    deadline = time.monotonic() + 240
    first = None
    try:
        while time.monotonic() < deadline and proc.poll() is None and first is None:
            if counts.is_file():          # written with MultiNest's resume files
                first = json.loads(counts.read_text())
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)      # the sampler's child process too
        proc.wait(timeout=60)
    assert first is not None and proc.returncode == -signal.SIGKILL, \
        "the run finished before a MultiNest update: nothing part-way to resume"
    assert not (out / "summary.json").exists()
    res = lmt("run", card, "--output", out, "--quiet", "--resume")
    assert res.returncode == 0, res.stderr
    info = run_info(out)
    log = (out / "checkpoint" / "multinest" / "fortran.log").read_text()
    assert "resuming from previous job" in log
    # the whole run's calls: the killed part's calls are included
    assert info["ncall"] > first["ncall"] > 0
    fresh = lmt("run", card, "--output", tmp_path / "fresh", "--quiet")
    assert fresh.returncode == 0, fresh.stderr
    other = run_info(tmp_path / "fresh")
    assert abs(info["logz"] - other["logz"]) < 3 * np.hypot(info["logz_err"], other["logz_err"])
    # calls of the resumed run = a fresh run's, give or take the killed part's redone calls
    assert info["ncall"] == pytest.approx(other["ncall"], rel=0.2)


def test_mpiexec_two_ranks_agrees_with_serial(quick, tmp_path):
    """Under mpiexec MultiNest runs (serially, in rank 0's child) with the same seed: the
    same chain as the serial run (MultiNest's own MPI parallelism is not used yet)."""
    import shutil
    mpiexec = shutil.which("mpiexec")
    assert mpiexec, "mpiexec missing (.ci/run installs OpenMPI)"
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    out = tmp_path / "mpi"
    res = subprocess.run([mpiexec, "-n", "2", "--oversubscribe", sys.executable, "-m", "lmt_scan",
                          "run", str(QUICKSTART), "--sampler", "multinest", "--output", str(out),
                          "--quiet"], capture_output=True, text=True, timeout=300, cwd=ROOT,
                         env=env)
    assert res.returncode == 0, res.stderr
    a, b = run_info(out), run_info(quick[0])
    assert a["logz"] == pytest.approx(b["logz"], abs=1e-9) and a["ncall"] == b["ncall"]
    assert np.allclose(np.loadtxt(out / "lmt-.txt"), np.loadtxt(quick[0] / "lmt-.txt"))
