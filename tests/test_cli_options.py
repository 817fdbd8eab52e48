"""Command-line options and what a run leaves behind: --version, --seed/--set recorded in
run.yaml, run --help, umask, no NaN/inf in chain files, --overwrite leaves no leftovers,
rejection warnings, a run with every point rejected fails, plugins without docstring."""
import os
import stat
import subprocess
import sys

import numpy as np
import yaml

from lmt_scan import output

from conftest import REPO, run_cli, small_card


def test_version():
    from importlib import metadata
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"lmt-scan {metadata.version('lmt-scan')}"


def test_run_help_lists_what_a_card_holds():
    result = run_cli("run", "--help")
    assert result.returncode == 0
    for word in ("parameters:", "likelihoods:", "sampler:", "model:", "seed:", "--set",
                 "--seed", "--resume", "--overwrite", "130/143"):
        assert word in result.stdout, word


def test_overrides_recorded_umask_finite_chains_no_leftovers(tmp_path):
    card = small_card(tmp_path)
    out = tmp_path / "out_small"
    env = dict(os.environ)
    first = subprocess.run(["sh", "-c", f"umask 022 && exec {sys.executable} -m lmt_scan run "
                            f"{card} --quiet --seed 99 --set sampler.nlive=70 "
                            "--set model.x_f=21"], cwd=REPO, env=env, capture_output=True,
                           text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    resolved = yaml.safe_load((out / output.RUN_CARD).read_text())
    assert resolved["seed"] == 99 and resolved["sampler"]["nlive"] == 70
    assert resolved["model"]["x_f"] == 21
    info = yaml.safe_load((out / output.RUN_INFO).read_text())
    assert info["seed"] == 99
    # world-readable under umask 022, like every other tool's output
    for path in out.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    # no NaN / inf cell in any chain file; the quick-start card rejects points (pseudo-Dirac)
    assert sum(info["rejections"].values()) > 0
    for name in (output.CHAIN, output.EQUAL_WEIGHTS, "getdist/lmt.txt"):
        if (out / name).exists():
            data = np.loadtxt(out / name)
            assert np.all(np.isfinite(data)), name
    chain = np.loadtxt(out / output.CHAIN)
    assert abs(chain[:, 0].sum() - 1.0) < 1e-9
    assert np.isfinite(np.average(chain[:, 2:], axis=0, weights=chain[:, 0])).all()
    # summary.json's warnings (the one list the console and report show) name each model
    # condition that rejected > 20 % of the calls, and no likelihood cut
    ncall = info["ncall"]
    conditions = {"pseudo_dirac_violated", "no_relic_solution", "sidm_outside_table"}
    heavy = sorted(r for r, n in info["rejections"].items() if n / ncall > 0.2 and r in conditions)
    assert heavy == ["pseudo_dirac_violated"]       # the quick-start card's 37–40 %
    summary = yaml.safe_load((out / output.SUMMARY).read_text())
    assert sorted(w.split("'")[1] for w in summary["warnings"]) == heavy
    # --overwrite replaces the run whole: nothing of the old one is left beside the new
    (out / "marginals.png").write_bytes(b"old plot")
    again = run_cli("run", card, "--quiet", "--overwrite")
    assert again.returncode == 0, again.stderr
    assert not (out / "marginals.png").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_rejection_warning_on_console(tmp_path):
    card = small_card(tmp_path)
    result = run_cli("run", card)
    assert result.returncode == 0, result.stderr
    console = result.stderr + result.stdout
    assert console.count("pseudo_dirac_violated' (pseudo-Dirac condition") == 1   # said once
    assert "rejected by 'pseudo_dirac_violated'" in console


def test_every_point_rejected_fails_with_counts(tmp_path):
    good = small_card(tmp_path)
    assert run_cli("run", good, "--quiet").returncode == 0
    out = tmp_path / "out_small"
    before = (out / output.CHAIN).read_bytes()
    # M1 = 0.01 GeV: no pseudo-Dirac relic solution anywhere in the box
    params = {"m_Zp": {"prior": "log_uniform", "min": 5, "max": 300},
              "g_p": {"prior": "log_uniform", "min": 1e-4, "max": 3e-3}, "m_phi": 20, "M1": 0.01}
    bad = small_card(tmp_path, name="small", parameters=params)
    result = run_cli("run", bad, "--quiet", "--overwrite")
    assert result.returncode == 1, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert "every point was rejected" in last and "pseudo_dirac_violated:" in last
    assert (out / output.CHAIN).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_plugins_lists_a_plugin_without_docstring(tmp_path):
    code = ("import sys\nfrom lmt_scan import plugins, cli\n"
            "class NoDoc(plugins.Likelihood):\n    name = 'nodoc'\n"
            "real = plugins.installed_plugins\n"
            "def patched(group):\n    found = dict(real(group))\n"
            "    if group == plugins.LIKELIHOOD_GROUP:\n        found['nodoc'] = NoDoc\n"
            "    return found\n"
            "plugins.installed_plugins = patched\nsys.exit(cli.main(['plugins']))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "nodoc — " in result.stdout and "samplers:" in result.stdout


def test_remaining_time_estimate(monkeypatch):
    """Δ = ln(1 + e^(−i/nlive)·c) decays as nested sampling does: the estimate at any point
    matches the true time to reach the target within 10 % (1 ms per iteration)."""
    import math
    from lmt_scan import progress
    nlive, target, clock = 500, 0.01, [0.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    eta = progress.RemainingTime(window=10.0)
    delta = lambda i: math.log1p(50.0 * math.exp(-i / nlive))   # noqa: E731
    stop = next(i for i in range(100000) if delta(i) < target)
    for i in range(stop):
        clock[0] = i * 1e-3
        text = eta(i, delta(i), target)
        if i in (stop // 2, 3 * stop // 4):
            left = float(text.split("~")[1].split(" s")[0])
            assert abs(left - (stop - i) * 1e-3) < 0.1 * (stop - i) * 1e-3 + 1, (i, text)


def test_sampler_flag_keeps_set_values(tmp_path):
    # `--sampler X --set sampler.k=v`: the override of the sampler must not drop k (it did)
    from lmt_scan.config import load_run_card
    for name, key, value in (("emcee", "nwalkers", 24), ("dynesty", "nlive", 123),
                             ("emcee", "nsteps", 321)):
        config = load_run_card(REPO / "runs" / "quickstart.yaml", sampler_override=name,
                               overrides=[f"sampler.{key}={value}"])
        assert config.sampler_name == name and config.sampler_settings[key] == value
