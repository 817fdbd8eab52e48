"""Sampler plugins: a third-party adapter registered in the entry-point group
``lmt_scan.samplers`` (or named ``module:Class``) runs without touching the core, is listed by
``lmt-scan plugins``, and its run directory is readable by pymultinest.Analyzer."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import yaml

from lmt_scan.samplers import SAMPLERS, registered

ROOT = Path(__file__).resolve().parents[1]
QUICKSTART = ROOT / "runs" / "quickstart.yaml"

# a real (if naive) sampler: prior draws weighted by L, ln Z = ln mean L
TOY = textwrap.dedent('''
    import numpy as np
    from lmt_scan.options import Option
    from lmt_scan.samplers import SamplerAdapter, SamplerResult

    class PriorImportance(SamplerAdapter):
        name = "toy_prior"
        description = "prior draws weighted by the likelihood (test plugin)"
        options = {"ndraw": Option(int, 3000, "prior draws", minimum=10)}

        def run(self, posterior, workdir, seed, resume=False, progress=True, pool=None):
            rng = np.random.default_rng(seed)
            u = rng.random((self.settings["ndraw"], posterior.ndim))
            theta = np.array([posterior.prior_transform(x) for x in u])
            logl = np.array([posterior.loglike(t) for t in theta])
            top = np.max(logl)
            w = np.exp(logl - top)
            logz = top + np.log(np.mean(w))
            err = float(np.sqrt(np.var(w) / len(w)) / np.mean(w))
            return SamplerResult(samples=theta, weights=w / w.sum(), loglike=logl,
                                 logz=float(logz), logz_err=err), posterior
''')


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory):
    base = tmp_path_factory.mktemp("plugin")
    (base / "toy_sampler.py").write_text(TOY)
    dist = base / "toy_sampler-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-sampler\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[lmt_scan.samplers]\ntoy_prior = toy_sampler:PriorImportance\n")
    return base


def lmt(plugin_path, *args):
    env = dict(os.environ, PYTHONPATH=f"{plugin_path}{os.pathsep}{ROOT}")
    return subprocess.run([sys.executable, "-m", "lmt_scan", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=600, cwd=ROOT)


def test_builtins_are_entry_points():
    from importlib import metadata
    names = {ep.name for ep in metadata.entry_points(group="lmt_scan.samplers")}
    assert {"dynesty", "emcee", "multinest"} <= names
    assert {"dynesty", "emcee", "multinest"} <= set(SAMPLERS) == set(registered())


def test_third_party_sampler_plugin(plugin_path, tmp_path):
    listing = lmt(plugin_path, "plugins")
    assert listing.returncode == 0, listing.stderr
    assert "toy_prior — prior draws weighted" in listing.stdout
    assert "ndraw: int" in listing.stdout
    out = tmp_path / "toy"
    res = lmt(plugin_path, "run", QUICKSTART, "--sampler", "toy_prior", "--output", out,
              "--quiet")
    assert res.returncode == 0, res.stderr
    info = json.loads((out / "run_info.json").read_text())
    assert info["sampler"] == "toy_prior" and info["ncall"] == 3000
    # its ln Z against dynesty's (an independent estimate of the same integral)
    ref = tmp_path / "dy"
    assert lmt(plugin_path, "run", QUICKSTART, "--output", ref, "--quiet").returncode == 0
    dy = json.loads((ref / "run_info.json").read_text())
    assert abs(info["logz"] - dy["logz"]) < 3 * np.hypot(info["logz_err"], dy["logz_err"])
    # no nested samples from it (no birth contours), but a stats file for pymultinest
    assert not (out / "nested").exists()
    from lmt_scan.multinest_build import preload
    assert preload()
    from pymultinest.analyse import Analyzer
    n = len(json.loads((out / "params.json").read_text()))
    stats = Analyzer(n, outputfiles_basename=str(out / "lmt-")).get_stats()
    assert stats["global evidence"] == pytest.approx(info["logz"])


def test_module_class_in_run_card(plugin_path, tmp_path):
    card = yaml.safe_load(QUICKSTART.read_text())
    card["sampler"] = {"name": "toy_sampler:PriorImportance", "ndraw": 500}
    path = tmp_path / "card.yaml"
    path.write_text(yaml.safe_dump(card))
    res = lmt(plugin_path, "run", path, "--output", tmp_path / "out", "--quiet")
    assert res.returncode == 0, res.stderr
    assert json.loads((tmp_path / "out" / "run_info.json").read_text())["ncall"] == 500
    bad = lmt(plugin_path, "run", path, "--output", tmp_path / "bad", "--quiet",
              "--sampler", "no_such_sampler")
    assert bad.returncode == 2 and "unknown sampler 'no_such_sampler'" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_emcee_run_dir_readable_by_pymultinest(tmp_path):
    out = tmp_path / "em"
    card = yaml.safe_load(QUICKSTART.read_text())
    card["sampler"] = {"name": "emcee", "nsteps": 300}
    (tmp_path / "em.yaml").write_text(yaml.safe_dump(card))
    res = subprocess.run([sys.executable, "-m", "lmt_scan", "run", str(tmp_path / "em.yaml"),
                          "--output", str(out), "--quiet"], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    from lmt_scan.multinest_build import preload
    assert preload()
    from pymultinest.analyse import Analyzer
    n = len(json.loads((out / "params.json").read_text()))
    stats = Analyzer(n, outputfiles_basename=str(out / "lmt-")).get_stats()
    assert np.isnan(stats["global evidence"])          # MCMC: no evidence, said so
    chain = np.loadtxt(out / "lmt-.txt")
    mean = np.average(chain[:, 3], weights=chain[:, 0])
    assert stats["modes"][0]["mean"][1] == pytest.approx(mean, rel=1e-9)
    assert not (out / "nested").exists()
    # ESS from the integrated autocorrelation time, not the raw sample count
    info = json.loads((out / "run_info.json").read_text())["sampler_info"]
    kept = 300 - info["burn_in_steps"]
    tau = max(info["autocorr_time"])
    assert info["effective_sample_size"] == pytest.approx(info["nwalkers"] * kept / tau)
    assert info["effective_sample_size"] < 0.5 * len(chain)
    assert kept < 50 * tau and "shorter than 50 τ" in res.stderr   # 210 steps: warned
    # summary.json (and the console) carry the τ-based one, not Kish's Σw²-count (= N here)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["effective_sample_size"] == pytest.approx(info["effective_sample_size"])
    assert summary["effective_sample_size"] < 0.5 * summary["n_samples"] == 0.5 * len(chain)


def _killed_then_resumed(tmp_path, card, name, checkpoint, delay_s):
    """Run ``card`` (sampler ``name``), SIGKILL it ``delay_s`` after its checkpoint file
    appears, ``--resume`` it; returns (run_info, counts at the kill, resumed stderr)."""
    import signal
    import time
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(card))
    out = tmp_path / name
    proc = subprocess.Popen([sys.executable, "-m", "lmt_scan", "run", str(path), "--output",
                             str(out), "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 400
    try:
        counts = out / "checkpoint" / "counts.json"
        while not ((out / "checkpoint" / checkpoint).exists() and counts.exists()
                   and json.loads(counts.read_text())["ncall"] > 0):
            assert proc.poll() is None, f"{name} finished before its first checkpoint"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(delay_s)
        assert proc.poll() is None, f"{name} finished before the kill: nothing to resume"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert not (out / "summary.json").exists()
    killed = json.loads((out / "checkpoint" / "counts.json").read_text())
    res = subprocess.run([sys.executable, "-m", "lmt_scan", "run", str(path), "--output",
                          str(out), "--resume"], capture_output=True, text=True, timeout=900,
                         cwd=ROOT)
    assert res.returncode == 0, res.stderr
    info = json.loads((out / "run_info.json").read_text())
    assert info["ncall"] > killed["ncall"] > 0 and info["wall_time_s"] > killed["wall_s"]
    assert sum(info["rejections"].values()) < info["ncall"]
    assert f"[lmt-scan] {name}: " in res.stderr      # its progress lines (throttled)
    return info, killed, res.stderr


def _same_posterior(out_a, out_b):
    """ln Z within the combined errors; the medians of the (log-uniform) free parameters
    within 1/4 of the 68 % half-width in log10 (a few times their Monte Carlo error at these
    effective sample sizes; a wrongly joined resume moves them by far more)."""
    a, b = (json.loads((o / "summary.json").read_text()) for o in (out_a, out_b))
    assert abs(a["logz"] - b["logz"]) < 3 * np.hypot(a["logz_err"], b["logz_err"])
    for p in ("m_Zp", "g_p"):
        ma, mb = (np.log10(x["parameters"][p]["median"]) for x in (a, b))
        low, high = np.log10(b["parameters"][p]["interval68"])
        assert abs(ma - mb) < 0.25 * (high - low) / 2, (p, ma, mb, low, high)


def _reference(tmp_path, card, sampler, name):
    card = dict(card, sampler=sampler)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(card))
    res = subprocess.run([sys.executable, "-m", "lmt_scan", "run", str(path), "--output",
                          str(tmp_path / name), "--quiet"], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    return tmp_path / name


def test_nautilus_resumes_after_sigkill_and_agrees_with_multinest(tmp_path):
    """nautilus killed at a random moment after its checkpoint, resumed: the run finishes
    with the posterior of a MultiNest run.  nautilus has no dead points with birth
    contours (importance weights): no nested/ export."""
    card = yaml.safe_load(QUICKSTART.read_text())
    card["sampler"] = {"name": "nautilus", "nlive": 300, "n_eff": 2000}
    delay = float(np.random.default_rng().uniform(0.5, 4.0))
    info, killed, _ = _killed_then_resumed(tmp_path, card, "nautilus", "nautilus.hdf5", delay)
    assert info["sampler_info"]["n_eff"] >= 2000
    reference = _reference(tmp_path, card, {"name": "multinest", "nlive": 400}, "multinest")
    _same_posterior(tmp_path / "nautilus", reference)
    assert not (tmp_path / "nautilus" / "nested").exists()


def test_ultranest_resumes_after_sigkill_and_agrees_with_dynesty(tmp_path):
    """UltraNest (a GPL optional extra; .ci/run installs it) killed at a random moment after
    its point store appears, resumed: the posterior of a dynesty run; its dead-birth export
    gives anesthetic's ln Z = UltraNest's within its error."""
    import anesthetic
    card = yaml.safe_load(QUICKSTART.read_text())
    dynesty = card["sampler"]
    card["sampler"] = {"name": "ultranest", "nlive": 150}
    delay = float(np.random.default_rng().uniform(0.2, 1.5))
    info, killed, _ = _killed_then_resumed(tmp_path, card, "ultranest",
                                           "ultranest/results/points.tsv", delay)
    reference = _reference(tmp_path, card, dynesty, "dynesty")
    _same_posterior(tmp_path / "ultranest", reference)
    nested = anesthetic.read_chains(str(tmp_path / "ultranest" / "nested" / "lmt"))
    assert type(nested).__name__ == "NestedSamples"
    assert abs(nested.logZ() - info["logz"]) < info["logz_err"]


def test_dynesty_ncall_is_the_likelihood_evaluations_made(tmp_path, monkeypatch):
    """run_info/summary ``ncall``: the points evaluated (counted here at the physics entry,
    independently of the Posterior's counter); dynesty's own count, which includes
    proposals that never reached the likelihood and leaves out discarded queue points, is
    ``sampler_info.sampler_ncall``."""
    from lmt_scan import posterior as post
    from lmt_scan.config import load_run_card
    from lmt_scan import runner
    seen = {"n": 0, "on": True}      # off once sampling is done (derived columns)
    point, batch, derived = post.evaluate_point, post.evaluate_batch, runner.derived_table

    def count_point(*args, **kw):
        seen["n"] += seen["on"]
        return point(*args, **kw)

    def count_batch(params, *args, **kw):
        rows = len(next(iter(params.values()))) if isinstance(params, dict) else len(params)
        seen["n"] += seen["on"] * rows     # rows: dicts, or a dict of arrays
        return batch(params, *args, **kw)

    def derived_table(*args, **kw):
        seen["on"] = False
        return derived(*args, **kw)
    monkeypatch.setattr(post, "evaluate_point", count_point)
    monkeypatch.setattr(post, "evaluate_batch", count_batch)
    monkeypatch.setattr(runner, "derived_table", derived_table)
    card = yaml.safe_load(QUICKSTART.read_text())
    card["sampler"] = {"name": "dynesty", "nlive": 100, "dlogz": 1.0}
    card["output"] = str(tmp_path / "dy")
    (tmp_path / "dy.yaml").write_text(yaml.safe_dump(card))
    config = load_run_card(tmp_path / "dy.yaml")
    out = runner.run_scan(config, quiet=True)
    info = json.loads((out / "run_info.json").read_text())
    summary = json.loads((out / "summary.json").read_text())
    made = seen["n"]
    assert info["ncall"] == summary["ncall"] == made, (info["ncall"], made)
    own = info["sampler_info"]["sampler_ncall"]
    assert own != made and abs(own - made) < 0.2 * made
    assert sum(info["rejections"].values()) < info["ncall"]
