"""getdist on the run directories of every sampler and card kind that is cheap to run:
the statistics a user calls (getMargeStats, getTable, getLikeStats, 1-D densities) compute on
``RUN/getdist/lmt`` and on the MultiNest-layout root ``RUN/lmt-`` and agree with lmt-scan's
own summary, whose numbers the console and the report show unchanged."""
import logging
import re

import numpy as np
import pytest
import yaml

from lmt_scan import analysis, output
from lmt_scan.analysis import getdist_layout

from conftest import run_cli, small_card

getdist = pytest.importorskip("getdist")      # in the cobaya extra that CI installs
from getdist import loadMCSamples  # noqa: E402
from getdist.mcsamples import MCSamplesError  # noqa: E402

logging.getLogger().setLevel(logging.ERROR)     # getdist's bandwidth chatter

FOUR_D = {"m_Zp": {"prior": "log_uniform", "min": 5, "max": 300},
          "g_p": {"prior": "log_uniform", "min": 1e-4, "max": 3e-3},
          "m_phi": {"prior": "log_uniform", "min": 1, "max": 100},
          "M1": {"prior": "log_uniform", "min": 1, "max": 100}}
CARDS = {   # name → overrides of the small card (each runs in a few seconds)
    "dynesty_2d": {},
    "emcee_2d": {"sampler": {"name": "emcee", "nwalkers": 16, "nsteps": 200}},
    "dynesty_4d_sidm": {"parameters": FOUR_D,
                        "likelihoods": {"muon_g2": {"dataset": "paper2018_a"}, "white_dwarf": {},
                                        "sidm_targets": {}, "neff": {}},
                        "sampler": {"name": "dynesty", "nlive": 60, "dlogz": 2.0}},
    "nautilus_2d": {"sampler": {"name": "nautilus", "nlive": 100, "n_eff": 500, "n_networks": 1}},
    "multinest_2d": {"sampler": {"name": "multinest", "nlive": 60}},
    "ultranest_2d": {"sampler": {"name": "ultranest", "nlive": 60}},
    "dynesty_trident_hard": {"likelihoods": {"muon_g2": {"dataset": "exp2025_wp2025"},
                                             "ccfr_trident": {}, "white_dwarf": {"shape": "hard"}}},
}


@pytest.fixture(scope="module", params=sorted(CARDS))
def run_dir(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    card = small_card(tmp, name=request.param, **CARDS[request.param])
    result = run_cli("run", card, "--quiet")
    assert result.returncode == 0, result.stderr
    return tmp / f"out_{request.param}"


def _all_statistics(samples):
    stats = samples.getMargeStats()
    tex = samples.getTable().tableTex()
    samples.getLikeStats()
    for name in samples.getParamNames().list():
        samples.get1DDensity(name)
        samples.getInlineLatex(name, limit=2)
    return stats, tex


def test_getdist_statistics_compute_and_match_the_summary(run_dir):
    summary = output.read_json(run_dir / output.SUMMARY)             # written by the run
    samples = loadMCSamples(str(run_dir / "getdist" / "lmt"))        # no settings: as a user would
    stats, tex = _all_statistics(samples)
    chains = output.read_chains(run_dir)
    keep = (chains["weights"] > 0) & np.isfinite(chains["loglike"])
    assert samples.norm == pytest.approx(chains["weights"][keep].sum(), rel=1e-9)  # no burn-in cut
    for p in summary["free_parameters"]:
        assert samples.paramNames.parWithName(p).label in tex
        mean = summary["parameters"][p]["mean"]
        assert samples.mean(p) == pytest.approx(mean, rel=1e-9, abs=0)
        # getdist's 68 % two-tail limits (KDE) bracket lmt-scan's median
        lim = stats.parWithName(p).limits[0]
        assert lim.lower < summary["parameters"][p]["median"] < lim.upper
    for name in summary["getdist_left_out"]:
        assert samples.paramNames.parWithName(name) is None


def test_multinest_layout_root_loads_in_getdist(run_dir):
    samples = loadMCSamples(str(run_dir / output.ROOT), settings={"ignore_rows": 0})
    chains = output.read_chains(run_dir)
    w = chains["weights"] / chains["weights"].sum()
    for p in ("m_Zp", "g_p"):
        assert samples.mean(p) == pytest.approx(np.dot(w, analysis.column(chains, p)), rel=1e-9,
                                                abs=0)
    # every statistic computes there with no setting (lmt-.ranges bounds the near-constant
    # derived columns), as on the getdist copy, and the two roots agree on the parameters
    stats, _ = _all_statistics(loadMCSamples(str(run_dir / output.ROOT), no_cache=True))
    copy = loadMCSamples(str(run_dir / "getdist" / "lmt")).getMargeStats()
    for p in output.read_json(run_dir / output.SUMMARY)["free_parameters"]:
        for k in (0, 1):
            a, b = stats.parWithName(p).limits[k], copy.parWithName(p).limits[k]
            assert (a.lower, a.upper) == pytest.approx((b.lower, b.upper), rel=1e-9, abs=0)


def _spike_run(path, n=3000, seed=5):
    """A run whose derived column ``widths_Zp_GeV.mumu`` is 0 except at one low-weight point
    (the quickstart's case: Z′ → μμ is closed below 2 m_μ) and is otherwise well behaved."""
    rng = np.random.default_rng(seed)
    lm = rng.normal(1.3, 0.1, n)
    lg = rng.normal(-3.3, 0.05, n)
    width = np.zeros(n)
    width[0] = 1e-6
    weights = np.full(n, 1.0)
    weights[0] = 1e-4
    loglike = -0.5 * (((lm - 1.3) / 0.1) ** 2 + ((lg + 3.3) / 0.05) ** 2)
    table = np.column_stack([10 ** lm, 10 ** lg, np.full(n, 20.0), np.full(n, 20.0),
                             (10 ** lg) ** 2, width])
    columns = ["m_Zp", "g_p", "m_phi", "M1", "delta_a_mu", "widths_Zp_GeV.mumu"]
    path.mkdir()
    (path / output.RUN_CARD).write_text(yaml.safe_dump({"name": "spike", "parameters": {
        "m_Zp": {"prior": "log_uniform", "min": 5, "max": 300},
        "g_p": {"prior": "log_uniform", "min": 1e-4, "max": 3e-3}, "m_phi": 20, "M1": 20}}))
    output.write_chains(path, columns, columns, 4, weights / weights.sum(), loglike, table, seed)
    output.write_json(path / output.RUN_INFO, {"name": "spike", "sampler": "synthetic",
                                               "free_parameters": ["m_Zp", "g_p"],
                                               "log_axis": {"m_Zp": True, "g_p": True},
                                               "logz": -3.0, "logz_err": 0.1})
    return path


def test_nearly_constant_column_is_left_out_of_the_getdist_copy(tmp_path):
    run = _spike_run(tmp_path / "spike")
    # control: getdist itself refuses such a column (the crash of the issue) …
    raw = loadMCSamples(str(run / output.ROOT), settings={"ignore_rows": 0})
    with pytest.raises(MCSamplesError, match="range is <= 0: widths_Zp_GeV.mumu"):
        raw.getMargeStats()
    # … so the getdist copy leaves it out, says why, and every statistic computes
    summary = analysis.analyze_run(run)
    assert list(summary["getdist_left_out"]) == ["widths_Zp_GeV.mumu"]
    assert "constant (0)" in summary["getdist_left_out"]["widths_Zp_GeV.mumu"]
    samples = loadMCSamples(str(run / "getdist" / "lmt"))
    _all_statistics(samples)
    assert samples.paramNames.parWithName("delta_a_mu") is not None
    # the MultiNest-layout root keeps the column: lmt-.ranges bounds it to the chain's
    # [min, max], and every statistic computes there with no setting
    assert summary["getdist_root_bounds"] == {"widths_Zp_GeV.mumu": (0.0, 1e-6)}
    root = loadMCSamples(str(run / output.ROOT), settings={"ignore_rows": 0}, no_cache=True)
    stats, _ = _all_statistics(root)
    width = stats.parWithName("widths_Zp_GeV.mumu")
    assert width.mean == pytest.approx(1e-6 * 1e-4 / (1e-4 + 2999), rel=1e-6, abs=0)
    assert 0.0 <= width.limits[1].upper <= 1e-6


def test_left_out_rule_keeps_columns_with_a_real_spread():
    rng = np.random.default_rng(1)
    n = 2000
    chains = {"n_params": 1, "columns": ["m_Zp", "a", "b", "c"], "weights": np.full(n, 1.0 / n),
              "loglike": np.zeros(n),
              "table": np.column_stack([rng.uniform(size=n), rng.normal(size=n),
                                        np.where(rng.uniform(size=n) < 0.01, 1.0, 0.0),
                                        np.r_[np.inf, np.zeros(n - 1)]])}
    # b: 1 % of the posterior at 1 → its 0.1–99.9 % range is [0, 1]: kept; c: not finite
    assert getdist_layout.left_out_columns(chains) == {"c": "not finite at every posterior point"}


def test_left_out_rule_agrees_with_getdist_on_random_weightings():
    """On random chains (a few heavy points, tails of tiny weight: nested samplers' shapes)
    a derived column is left out exactly when getdist refuses it."""
    from getdist import MCSamples
    rng = np.random.default_rng(2018)
    agree = {True: 0, False: 0}
    for trial in range(40):
        n = int(rng.integers(20, 400))
        w = rng.exponential(size=n) * 10 ** (-14 * rng.uniform(size=n) ** rng.integers(1, 4))
        x = np.where(rng.uniform(size=n) < rng.uniform(0.0, 0.2), rng.uniform(1.0, 2.0, n), 0.0)
        x[int(rng.integers(n))] = 1.5                    # never exactly constant
        chains = {"n_params": 1, "columns": ["p", "x"], "weights": w, "loglike": np.zeros(n),
                  "table": np.column_stack([rng.normal(size=n), x])}
        left_out = "x" in getdist_layout.left_out_columns(chains)
        samples = MCSamples(samples=chains["table"], weights=w, names=["p", "x"],
                            settings={"ignore_rows": 0})
        try:
            samples.getMargeStats()
            refused = False
        except MCSamplesError:
            refused = True
        assert left_out == refused, trial
        agree[refused] += 1
    assert agree[True] >= 5 and agree[False] >= 5       # both outcomes were exercised


def test_anesthetic_reads_both_roots_with_the_summary_means(run_dir):
    from anesthetic import read_chains
    summary = output.read_json(run_dir / output.SUMMARY)
    for root in (run_dir / "getdist" / "lmt", run_dir / output.ROOT):
        samples = read_chains(str(root))
        for p in summary["free_parameters"]:
            assert float(samples[p].mean()) == pytest.approx(summary["parameters"][p]["mean"],
                                                             rel=1e-9, abs=0)
            assert float(samples[p].std()) == pytest.approx(summary["parameters"][p]["std"],
                                                            rel=0.05)


def test_root_computes_on_random_weightings_with_its_ranges(tmp_path):
    """The MultiNest-layout root with lmt-.ranges/.properties.ini (analyze_run's) computes
    every statistic with no setting on random chains of nested-sampler shapes, including
    those whose near-constant column getdist alone refuses (the control)."""
    rng = np.random.default_rng(1805)
    refused_alone = 0
    for trial in range(25):
        n = int(rng.integers(30, 400))
        w = rng.exponential(size=n) * 10 ** (-14 * rng.uniform(size=n) ** rng.integers(1, 4))
        x = np.where(rng.uniform(size=n) < rng.uniform(0.0, 0.2), rng.uniform(1.0, 2.0, n), 0.0)
        x[int(rng.integers(n))] = 1.5
        lm = rng.normal(1.3, 0.2, n)
        table = np.column_stack([10 ** lm, 10 ** rng.normal(-3.3, 0.1, n), np.full(n, 20.0),
                                 np.full(n, 20.0), x])
        run = tmp_path / f"t{trial}"
        run.mkdir()
        (run / output.RUN_CARD).write_text(yaml.safe_dump({"name": "t", "parameters": {
            "m_Zp": {"prior": "log_uniform", "min": 1, "max": 1000},
            "g_p": {"prior": "log_uniform", "min": 1e-5, "max": 1e-2}, "m_phi": 20, "M1": 20}}))
        output.write_chains(run, ["m_Zp", "g_p", "m_phi", "M1", "x"], ["m", "g", "p", "M", "x"],
                            4, w / w.sum(), -0.5 * lm ** 2, table, trial)
        output.write_json(run / output.RUN_INFO, {"name": "t", "sampler": "synthetic",
                                                  "free_parameters": ["m_Zp", "g_p"],
                                                  "logz": -1.0, "logz_err": 0.1})
        try:
            loadMCSamples(str(run / output.ROOT), no_cache=True).getMargeStats()
        except MCSamplesError:
            refused_alone += 1
        chains = output.read_chains(run)
        getdist_layout.write_root_files(chains, run)
        stats, _ = _all_statistics(loadMCSamples(str(run / output.ROOT), no_cache=True))
        assert stats.parWithName("x") is not None
    assert refused_alone >= 5            # the control: without the files getdist refuses


def test_console_and_report_show_the_summary_json_numbers(run_dir):
    # every sampler: the parameter table of the console text and of the report section is
    # summary.json's numbers (4 significant digits), and no "nan" is shown
    from lmt_scan.analysis import report
    from test_report import _parameter_table
    summary = output.read_json(run_dir / output.SUMMARY)
    chains = output.read_chains(run_dir)
    page = report.run_section(run_dir, dict(summary, plots=[]), chains)
    console = analysis.format_summary(summary)
    table = _parameter_table(page, summary["name"])
    assert sorted(table) == sorted(summary["free_parameters"])

    def g(x):
        return f"{x:.4g}"
    for p, cells in table.items():
        st = summary["parameters"][p]
        assert cells == [g(st["median"]), f"{g(st['interval68'][0])} – {g(st['interval68'][1])}",
                         f"{g(st['interval95'][0])} – {g(st['interval95'][1])}", g(st["best_fit"])]
        row = next(line for line in console.splitlines() if line.startswith(p))
        for v in (st["median"], *st["interval68"], *st["interval95"], st["best_fit"]):
            assert g(v) in row
    for text in (page, console):
        assert not re.search(r"\bnan\b", text, re.I)
    if summary["logz"] is None:
        assert "not computed (emcee is an MCMC sampler)" in console
