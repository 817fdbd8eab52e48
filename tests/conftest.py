"""Shared fixtures: small run cards written into a temporary directory."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent

# Cobaya initialises MPI on import (a singleton world); its PMIX_* variables then leak into
# every subprocess a later test starts, which would take itself for an mpiexec rank.  The
# MPI tests launch their own mpiexec and do not need MPI in this process.
os.environ.setdefault("COBAYA_NOMPI", "1")


def small_card(tmp_path, name="small", **overrides):
    """A fast 2-parameter card; ``overrides`` replace top-level sections."""
    card = {
        "name": name,
        "seed": 7,
        "output": str(tmp_path / f"out_{name}"),
        "parameters": {
            "m_Zp": {"prior": "log_uniform", "min": 5, "max": 300},
            "g_p": {"prior": "log_uniform", "min": 1e-4, "max": 3e-3},
            "m_phi": 20,
            "M1": 20,
        },
        "likelihoods": {"muon_g2": {"dataset": "paper2018_a"}, "white_dwarf": {},
                        "borexino": {}},
        "sampler": {"name": "dynesty", "nlive": 60, "dlogz": 1.0},
    }
    card.update(overrides)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(card, sort_keys=False))
    return path


def run_cli(*args, cwd=None, env=None):
    """Run ``python -m lmt_scan ARGS`` and return the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "lmt_scan", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd or REPO, env=env)


@pytest.fixture
def card_factory(tmp_path):
    return lambda **kw: small_card(tmp_path, **kw)


def pytest_sessionfinish(session, exitstatus):
    """Under LMT_SCAN_NO_SKIPS=1 (set by .ci/run) a skipped test fails the run: CI installs
    every extra, so a skip there means a test silently did not run."""
    if os.environ.get("LMT_SCAN_NO_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        for report in skipped:
            reporter.write_line(f"SKIPPED in CI: {report.nodeid} {report.longrepr}", red=True)
        reporter.write_line(f"LMT_SCAN_NO_SKIPS: {len(skipped)} skipped test(s); CI runs "
                            "every test", red=True)
        session.exitstatus = 1
