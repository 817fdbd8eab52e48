"""lmt-scan inside Cobaya (lmt_scan.interop.cobaya, issue 8).

Cobaya's ``evaluate`` sampler must give exactly the log L of ``lmt-scan point``; a short
Cobaya MCMC of runs/cobaya/quickstart.yaml writes chains whose derived columns are the
lmt-scan quantities at each sample; getdist reads an lmt-scan run and a Cobaya run of the
same card and their 1-D marginals agree within sampling noise.
"""
import json
import math
import subprocess
import sys

import numpy as np
import pytest
import yaml

from lmt_scan.derived import DERIVED
from lmt_scan.errors import PointRejected
from lmt_scan.plugins import LIKELIHOOD_GROUP, installed_plugins, load_plugin
from lmt_scan.point import PARAMETERS, ModelPoint, model_settings
from lmt_scan.posterior import evaluate_point

from conftest import REPO, run_cli

cobaya_run = pytest.importorskip("cobaya.run")
cobaya_model = pytest.importorskip("cobaya.model")
getdist = pytest.importorskip("getdist")
from cobaya.log import LoggedError  # noqa: E402  (after the importorskip)

from lmt_scan.interop.cobaya import cobaya_name  # noqa: E402

COBAYA_CARD = REPO / "runs" / "cobaya" / "quickstart.yaml"
LMT_CARD = REPO / "runs" / "quickstart.yaml"
ADAPTER = "lmt_scan.interop.cobaya."
POINT = {"m_Zp": 10.0, "g_p": 5e-4, "m_phi": 20.0, "M1": 20.0}


def cobaya_card():
    return yaml.safe_load(COBAYA_CARD.read_text())


def lmt_card():
    return yaml.safe_load(LMT_CARD.read_text())


def cobaya_block(plugin, **options):
    return {"class": ADAPTER + "LmtScanLikelihood", "plugin": plugin, **options}


def cobaya_info(likelihoods, model=None, params=None, derived="all"):
    """A Cobaya input dict: the lmt-scan theory plus {label: (plugin, options)}."""
    return {
        "theory": {ADAPTER + "LmtScanTheory": {"model": model or {}, "derived": derived}},
        "likelihood": {label: cobaya_block(plugin, **options)
                       for label, (plugin, options) in likelihoods.items()},
        "params": params or {
            "m_Zp": {"prior": {"min": 5, "max": 300}},
            "g_p": {"prior": {"min": 1e-4, "max": 3e-3}},
            "m_phi": POINT["m_phi"], "M1": POINT["M1"]},
    }


def cobaya_evaluate(info, point):
    """Run Cobaya's ``evaluate`` sampler at ``point`` → its one sample (a pandas row)."""
    info = dict(info, sampler={"evaluate": {"override": point}})
    _, sampler = cobaya_run.run(info)
    return sampler.products()["sample"].data.iloc[0]


def lmt_point(card_path, point):
    """``lmt-scan point --run CARD --set ... --json`` → its JSON."""
    args = [f"{p}={v!r}" for p, v in point.items()]
    result = run_cli("point", "--run", card_path, *sum((["--set", a] for a in args), []),
                     "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# ---------------------------------------------------------------- evaluate == lmt-scan point

def test_quickstart_cards_are_the_same_problem():
    # the Cobaya file reproduces runs/quickstart.yaml: same plugins, options, priors, values
    lmt, cob = lmt_card(), cobaya_card()
    assert set(cob["likelihood"]) == set(lmt["likelihoods"])
    for label, options in lmt["likelihoods"].items():
        block = dict(cob["likelihood"][label])
        assert block.pop("class") == ADAPTER + "LmtScanLikelihood"
        assert block.pop("plugin") == options.pop("plugin", label)
        assert block == options
    assert cob["theory"][ADAPTER + "LmtScanTheory"]["model"] == (lmt.get("model") or {})
    for p in ("m_Zp", "g_p"):
        spec, prior = lmt["parameters"][p], cob["params"][f"log10_{p}"]["prior"]
        assert spec["prior"] == "log_uniform"     # uniform in log10 on the same range
        assert 10 ** prior["min"] == pytest.approx(spec["min"], rel=1e-12)
        assert 10 ** prior["max"] == pytest.approx(spec["max"], rel=1e-12)
    for p in ("m_phi", "M1"):
        assert cob["params"][p] == lmt["parameters"][p]


def test_evaluate_matches_lmt_scan_point_on_the_quickstart_card():
    info = cobaya_card()
    info.pop("output")
    sample = cobaya_evaluate(info, {"log10_m_Zp": math.log10(POINT["m_Zp"]),
                                    "log10_g_p": math.log10(POINT["g_p"])})
    expected = lmt_point(LMT_CARD, {"m_Zp": POINT["m_Zp"], "g_p": POINT["g_p"]})
    assert math.isfinite(expected["loglike_total"])
    for label, value in expected["loglike"].items():
        assert -0.5 * sample[f"chi2__{label}"] == pytest.approx(value, abs=1e-10), label
    assert -0.5 * sample["chi2"] == pytest.approx(expected["loglike_total"], abs=1e-10)
    for name in ("y", "alpha_X", "delta_M", "delta_a_mu", "tau_phi_s"):
        assert sample[name] == pytest.approx(expected["derived"][name], rel=1e-12), name


def test_evaluate_matches_every_installed_plugin_with_model_settings(tmp_path):
    # every installed likelihood with its defaults, and non-default model settings
    model = {"x_f": 23.0, "borexino_mode": "paper"}
    installed = sorted(installed_plugins(LIKELIHOOD_GROUP))
    card = dict(lmt_card(), model=model, likelihoods={name: {} for name in installed})
    card_path = tmp_path / "all_plugins.yaml"
    card_path.write_text(yaml.safe_dump(card))
    expected = lmt_point(card_path, POINT)
    # a plugin that rejects this point makes the whole point −∞ in both (checked below);
    # compare the others value by value (JSON writes −∞ as null)
    plugins = [name for name in installed if expected["loglike"][name] is not None]
    assert {"muon_g2", "white_dwarf", "borexino"} <= set(plugins)
    sample = cobaya_evaluate(cobaya_info({n: (n, {}) for n in plugins}, model=model),
                             {"m_Zp": POINT["m_Zp"], "g_p": POINT["g_p"]})
    for label in plugins:
        got = -0.5 * sample[f"chi2__{label}"]
        assert got == pytest.approx(expected["loglike"][label], abs=1e-10), label
    # every registered derived quantity is a Cobaya derived parameter with lmt-scan's value
    for name, quantity in ((n, q) for n, q in DERIVED.items() if q.store):
        want = expected["derived"][name]
        for key in quantity.keys or (None,):
            got = sample[cobaya_name(f"{name}.{key}" if key else name)]
            value = want if key is None or want is None else want[key]
            if value is None:                      # rejected by the physics: NaN
                assert math.isnan(got), name
            else:
                assert got == pytest.approx(value, rel=1e-12, abs=1e-300), (name, key)
    # the model settings reached the physics: y depends on x_f (Eqs. 20-21)
    default = ModelPoint(*(POINT[p] for p in PARAMETERS), settings=model_settings())
    assert sample["y"] == pytest.approx(expected["derived"]["y"], rel=1e-12)
    assert sample["y"] != pytest.approx(default["y"], rel=1e-6)


def test_rejected_point_is_minus_infinity_in_both():
    # heavy Z′ at small g′: v_Φ = m_Z′/g′ ≫ M1, no pseudo-Dirac relic solution (−∞)
    point = dict(POINT, m_Zp=300.0, g_p=1e-4)
    with pytest.raises(PointRejected):
        ModelPoint.from_dict(point)["y"]
    sample_info = cobaya_info({"muon_g2": ("muon_g2", {})})
    model = cobaya_model.get_model(sample_info)
    assert model.loglike(point, return_derived=False) == -math.inf


def test_plugin_defaults_to_the_label_and_takes_nested_options():
    info = cobaya_info({})
    info["likelihood"] = {"white_dwarf": {"class": ADAPTER + "LmtScanLikelihood",
                                          "options": {"shape": "hard", "limit": 0.6}}}
    plugin = load_plugin("white_dwarf", LIKELIHOOD_GROUP)(shape="hard", limit=0.6)
    model = cobaya_model.get_model(info)
    # |G_Z'|/(C_V G_F) ≈ 0.49 at g' = 5e-4 and ≈ 1.9 at 1e-3: inside, then outside the cut
    for g_p, expected in ((5e-4, 0.0), (1e-3, -math.inf)):
        point = dict(POINT, g_p=g_p)
        assert evaluate_point(point, {"white_dwarf": plugin}, model_settings())[1] == expected
        assert model.loglike(point, return_derived=False) == expected


def g2_pull(_self=None):
    """An outside Cobaya likelihood reading the shared lmt-scan point."""
    return -0.5 * ((_self.provider.get_result("lmt_point")["delta_a_mu"] - 2.61e-9) / 8e-10) ** 2


def test_outside_cobaya_likelihood_reads_the_shared_point():
    info = cobaya_info({}, derived=["y"])
    info["likelihood"] = {"mine": {"external": g2_pull, "requires": {"lmt_point": None}}}
    model = cobaya_model.get_model(info)
    loglikes, derived = model.loglikes(POINT)
    point = ModelPoint.from_dict(POINT)
    assert loglikes[0] == pytest.approx(-0.5 * ((point["delta_a_mu"] - 2.61e-9) / 8e-10) ** 2,
                                        rel=1e-14)
    assert derived == [pytest.approx(point["y"], rel=1e-14)]


def test_readme_cobaya_lines_run():
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Already using Cobaya"):]
    info = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    loglikes, _ = cobaya_model.get_model(info).loglikes(
        {"m_Zp": POINT["m_Zp"], "g_p": POINT["g_p"]})
    plugins = {label: load_plugin(block["plugin"], LIKELIHOOD_GROUP)(
        **{k: v for k, v in block.items() if k not in ("class", "plugin")})
        for label, block in info["likelihood"].items()}
    expected = evaluate_point(POINT, plugins, model_settings())[2]
    assert list(loglikes) == pytest.approx(list(expected.values()), abs=1e-10)


# ---------------------------------------------------------------- configuration errors

def test_bad_plugin_option_is_reported():
    with pytest.raises(LoggedError, match="dataset"):
        cobaya_model.get_model(cobaya_info({"muon_g2": ("muon_g2", {"dataset": "nope"})}))


def test_unknown_option_is_refused_by_cobaya():
    with pytest.raises(LoggedError, match="does not recognize"):
        cobaya_model.get_model(cobaya_info({"muon_g2": ("muon_g2", {"datset": "paper2018_a"})}))


def test_missing_model_parameter_is_reported():
    info = cobaya_info({"muon_g2": ("muon_g2", {})})
    del info["params"]["M1"]
    with pytest.raises(LoggedError, match="M1"):
        cobaya_model.get_model(info)


def test_lmt_scan_never_imports_cobaya():
    code = ("import pkgutil, importlib, sys, lmt_scan\n"
            "for m in pkgutil.walk_packages(lmt_scan.__path__, 'lmt_scan.'):\n"
            "    if m.name.rpartition('.')[2] not in ('cobaya', '__main__', 'generate'):\n"
            "        importlib.import_module(m.name)\n"
            "assert 'cobaya' not in sys.modules, 'cobaya imported'\n"
            "import lmt_scan.cli; lmt_scan.cli.main(['plugins'])\n"
            "assert 'cobaya' not in sys.modules\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- MCMC and getdist

# the quantities the issue names (those registered in this version), one of them dict-valued
MCMC_DERIVED = [name for name in ("y", "alpha_X", "delta_M", "delta_a_mu", "Neff",
                                  "sigmaT_over_M", "widths_Zp_GeV") if name in DERIVED]


@pytest.fixture(scope="module")
def cobaya_mcmc(tmp_path_factory):
    """A short Cobaya MCMC of runs/cobaya/quickstart.yaml (capped sample count)."""
    out = tmp_path_factory.mktemp("cobaya") / "chain"
    info = cobaya_card()
    # the cap, not the convergence test, ends the run: a fixed, known sample size
    info["sampler"]["mcmc"].update(max_samples=3000, Rminus1_stop=0.001)
    # Cobaya computes derived parameters at every proposal: a fixed list keeps this test's
    # time independent of quantities added later ("all" is checked by the evaluate tests)
    info["theory"][ADAPTER + "LmtScanTheory"]["derived"] = MCMC_DERIVED
    info["output"] = str(out)
    cobaya_run.run(info)
    return out


@pytest.fixture(scope="module")
def lmt_run(tmp_path_factory):
    """The same card with lmt-scan's own (nested) sampler."""
    tmp = tmp_path_factory.mktemp("lmt")
    card = dict(lmt_card(), output=str(tmp / "run"),
                sampler={"name": "dynesty", "nlive": 150, "dlogz": 0.5})
    path = tmp / "quickstart.yaml"
    path.write_text(yaml.safe_dump(card))
    result = run_cli("run", path, "--quiet")
    assert result.returncode == 0, result.stderr
    return tmp / "run"


def test_mcmc_writes_chains_with_derived_columns(cobaya_mcmc):
    chain_file = cobaya_mcmc.parent / "chain.1.txt"
    columns = chain_file.read_text().splitlines()[0].lstrip("#").split()
    data = np.loadtxt(chain_file)
    assert len(data) > 200
    flattened = [cobaya_name(col) for name in MCMC_DERIVED for col in DERIVED[name].columns()]
    assert "widths_Zp_GeV__nunu" in flattened
    for name in ["m_Zp", "g_p", "chi2__muon_g2", "chi2__borexino"] + flattened:
        assert name in columns, name
    # each derived column holds the lmt-scan quantity at that sample's parameters
    rows = data[np.linspace(0, len(data) - 1, 4).astype(int)]
    settings = model_settings()
    for row in rows:
        values = dict(zip(columns, row))
        point = ModelPoint(values["m_Zp"], values["g_p"], 20, 20, settings=settings)
        for name in ("y", "alpha_X", "delta_M", "delta_a_mu"):
            assert values[name] == pytest.approx(point[name], rel=1e-6), name


def _marginal_stats(samples, name, mcmc):
    """(mean, std, median, effective sample size) of a 1-D marginal."""
    j = samples.index[name]
    if mcmc:          # autocorrelation-corrected
        ess = samples.getEffectiveSamples(j)
    else:             # independent weighted samples (nested sampling): Kish's ESS
        w = samples.weights
        ess = w.sum() ** 2 / np.sum(w ** 2)
    median = samples.confidence(j, 0.5, upper=True)
    return samples.mean(name), samples.std(name), median, ess


def test_getdist_marginals_of_lmt_scan_and_cobaya_agree(lmt_run, cobaya_mcmc):
    from getdist import loadMCSamples
    # lmt-scan's getdist copy (issue 6) if this version writes it, else its MultiNest layout
    gd_root = lmt_run / "getdist" / "lmt"
    root = gd_root if gd_root.with_suffix(".txt").exists() else lmt_run / "lmt-"
    ours = loadMCSamples(str(root), settings={"ignore_rows": 0})
    theirs = loadMCSamples(str(cobaya_mcmc), settings={"ignore_rows": 0.3})
    for name in ("m_Zp", "g_p"):
        m1, s1, q1, n1 = _marginal_stats(ours, name, mcmc=False)
        m2, s2, q2, n2 = _marginal_stats(theirs, name, mcmc=True)
        noise = math.sqrt(s1 ** 2 / n1 + s2 ** 2 / n2)      # σ of the mean difference
        assert abs(m1 - m2) < 4 * noise, (name, m1, m2, noise)
        assert abs(q1 - q2) < 5 * noise, (name, q1, q2, noise)
        assert abs(s1 / s2 - 1) < 4 * math.sqrt(0.5 / n1 + 0.5 / n2), (name, s1, s2)
