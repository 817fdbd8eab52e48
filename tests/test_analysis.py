"""Analysis of run directories: summaries, profiles, getdist layout, predictive panel, compare."""
import json
import math

import numpy as np
import pytest
import yaml
from scipy.stats import norm

from lmt_scan import analysis, output
from lmt_scan.cli import main

from conftest import run_cli, small_card


def _synthetic_run(path, n=4000, seed=3, logz=-5.0, scale=1.0):
    """A run directory with known posterior: log10 m_Zp ~ N(1.3, 0.1), log10 g_p ~ N(−3.3, 0.05),
    ln L = Gaussian in both (so the profile is known exactly), Δa_μ as derived column."""
    rng = np.random.default_rng(seed)
    lm, lg = rng.normal(1.3, 0.1 * scale, n), rng.normal(-3.3, 0.05 * scale, n)
    loglike = -0.5 * (((lm - 1.3) / (0.1 * scale)) ** 2 + ((lg - -3.3) / (0.05 * scale)) ** 2)
    table = np.column_stack([10 ** lm, 10 ** lg, np.full(n, 20.0), np.full(n, 20.0),
                             (10 ** lg) ** 2 / (8 * math.pi ** 2), np.full(n, np.inf),
                             loglike])
    columns = ["m_Zp", "g_p", "m_phi", "M1", "delta_a_mu", "tau_phi_s", "loglike.muon_g2"]
    path.mkdir()
    card = {"name": path.name, "parameters": {
        "m_Zp": {"prior": "log_uniform", "min": 5, "max": 300},
        "g_p": {"prior": "log_uniform", "min": 1e-4, "max": 3e-3}, "m_phi": 20, "M1": 20},
        "likelihoods": {"muon_g2": {"dataset": "paper2018_a"}}}
    (path / output.RUN_CARD).write_text(yaml.safe_dump(card))
    output.write_chains(path, columns, columns, 4, np.full(n, 1.0 / n), loglike, table, seed)
    output.write_json(path / output.RUN_INFO, {
        "name": path.name, "sampler": "synthetic", "free_parameters": ["m_Zp", "g_p"],
        "log_axis": {"m_Zp": True, "g_p": True, "m_phi": False, "M1": False},
        "logz": logz, "logz_err": 0.1})
    return path


def test_summary_intervals_match_the_known_posterior(tmp_path):
    run = _synthetic_run(tmp_path / "syn")
    summary = analysis.analyze_run(run)
    lo, hi = summary["parameters"]["g_p"]["interval68"]
    # exact 68 % interval of 10^N(−3.3, 0.05), to the Monte-Carlo error of 4000 samples
    assert math.log10(lo) == pytest.approx(-3.3 - 0.05 * norm.ppf(0.84), abs=0.006)
    assert math.log10(hi) == pytest.approx(-3.3 + 0.05 * norm.ppf(0.84), abs=0.006)
    assert (run / "corner.png").is_file() and (run / "getdist" / "lmt.txt").is_file()


def test_profile_recovers_the_likelihood_maximum_per_bin(tmp_path):
    x = np.linspace(-3, 3, 20001)
    loglike = -0.5 * x ** 2
    edges = np.linspace(-3, 3, 13)
    prof = analysis.profile_1d(x, loglike, edges)
    # the max of −x²/2 on [a, b] is at the end nearer to 0
    expected = [-0.5 * min(a * a, b * b) if a * b > 0 else 0.0 for a, b in zip(edges, edges[1:])]
    assert np.allclose(prof, expected, atol=2e-3)   # bins are half-open: [a, b)
    y = np.linspace(-3, 3, 20001)
    prof2 = analysis.profile_2d(x, y[::-1], -0.5 * (x ** 2 + y[::-1] ** 2), edges, edges)
    assert np.isnan(prof2[0, 0]) and np.nanmax(prof2) <= 0.0   # samples lie on one diagonal only


def test_getdist_layout_loads_with_getdist(tmp_path):
    getdist = pytest.importorskip("getdist")
    run = _synthetic_run(tmp_path / "syn")
    analysis.analyze_run(run)
    names = (run / "getdist" / "lmt.paramnames").read_text().splitlines()
    assert names[0].startswith("m_Zp\t") and any(n.startswith("delta_a_mu*") for n in names)
    assert not any(n.startswith("tau_phi_s") for n in names)   # inf everywhere: left out
    rows = np.loadtxt(run / "getdist" / "lmt.txt")
    chains = output.read_chains(run)
    assert np.allclose(rows[:, 1], -chains["loglike"])          # column 2 is −ln L
    samples = getdist.loadMCSamples(str(run / "getdist" / "lmt"),
                                    settings={"ignore_rows": 0})
    mean = samples.mean("delta_a_mu")
    w = chains["weights"] / chains["weights"].sum()
    assert mean == pytest.approx(np.dot(w, analysis.column(chains, "delta_a_mu")), rel=1e-6, abs=0)


def test_predictive_panel_draws_the_g2_data_of_the_run(tmp_path):
    run = _synthetic_run(tmp_path / "syn")
    chains = output.read_chains(run)
    refs = analysis.reference_data(chains["card"])
    (ref,) = refs["delta_a_mu"]
    assert ref["mean"] == pytest.approx(26.1e-10, rel=1e-12, abs=0)
    assert ref["sigma"] == pytest.approx(8.0e-10, rel=1e-12, abs=0)
    drawn = analysis.predictive_plot(chains, run)
    assert drawn == ["delta_a_mu"] and (run / "predictive.pdf").is_file()


def test_analyze_cli_with_benchmarks_and_bad_input(tmp_path, capsys):
    run = _synthetic_run(tmp_path / "syn")
    assert main(["analyze", str(run), "--truth", "m_Zp=10,g_p=5e-4", "--paper-benchmarks"]) == 0
    for stem in ("corner", "marginals", "profile", "predictive"):
        for ext in ("png", "pdf"):
            assert (run / f"{stem}.{ext}").is_file(), (stem, ext)
    assert main(["analyze", str(run), "--truth", "m_Zp=ten"]) == 2
    assert main(["analyze", str(run), "--truth", "mass=10"]) == 2
    assert main(["analyze", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not a number" in err and "unknown parameter" in err and "not an lmt-scan run" in err


def test_compare_table_is_the_difference_of_evidences(tmp_path):
    a = _synthetic_run(tmp_path / "a", logz=-5.0)
    b = _synthetic_run(tmp_path / "b", seed=4, logz=-7.5)
    rows = analysis.compare_runs([a, b], tmp_path / "cmp", labels=["A"])
    assert [r["label"] for r in rows] == ["A", "b"]
    assert rows[0]["ln_B"] == 0.0 and rows[1]["ln_B"] == pytest.approx(-2.5)
    assert rows[0]["ln_B_err"] == 0.0                        # the reference against itself
    assert rows[1]["ln_B_err"] == pytest.approx(math.hypot(0.1, 0.1))
    assert (tmp_path / "cmp" / "compare.png").is_file()
    assert "-2.50" in (tmp_path / "cmp" / "compare.md").read_text()
    # a run without ln Z (MCMC) gets "—" and the reason, never a NaN
    info = output.read_json(b / output.RUN_INFO)
    info.update(logz=None, logz_err=None, sampler="emcee")
    output.write_json(b / output.RUN_INFO, info)
    rows = analysis.compare_runs([a, b], tmp_path / "cmp2")
    assert rows[1]["ln_B"] is None
    text = (tmp_path / "cmp2" / "compare.md").read_text()
    assert "| b | — | — |" in text and "— for b: no ln Z (emcee is an MCMC sampler)" in text
    assert "nan" not in text.lower()


def test_compare_old_and_new_g2_data_end_to_end(tmp_path):
    """Short real runs: under the 2025 g−2 data (3.9 ± 6.4)e-10 the g′ posterior moves below
    the 2018 band — its 95 % upper end lies below the 2018 run's median."""
    dirs = []
    for name, dataset in (("g2_2018", "paper2018_a"), ("g2_2025", "exp2025_wp2025")):
        card = small_card(tmp_path, name=name, likelihoods={"muon_g2": {"dataset": dataset}},
                          parameters={"m_Zp": 20.0,
                                      "g_p": {"prior": "log_uniform", "min": 1e-5, "max": 3e-3},
                                      "m_phi": 20, "M1": 20})
        assert run_cli("run", card, "--quiet").returncode == 0
        dirs.append(tmp_path / f"out_{name}")
    result = run_cli("compare", *dirs, "--out", tmp_path / "cmp")
    assert result.returncode == 0, result.stderr
    assert "ln Z" in result.stdout
    table = json.loads((tmp_path / "cmp" / "compare.json").read_text())
    assert table["parameters"] == ["g_p"]
    old, new = (json.loads((d / output.SUMMARY).read_text())["parameters"]["g_p"] for d in dirs)
    assert new["interval95"][1] < old["median"]


def test_reference_data_follows_each_likelihoods_options():
    refs = analysis.reference_data({"likelihoods": {
        "neff": {"dataset": "planck2018"},
        "bound": {"plugin": "neff", "dataset": "planck2015_paper", "shape": "hard",
                  "sm_shift": False},
        "sidm_targets": {}, "borexino": {"tolerance": 0.08}, "ccfr_trident": {}}})
    (shifted,) = refs["delta_Neff"]                 # 3.044 + ΔN_eff compared with 2.99 ± 0.17
    assert shifted["mean"] == pytest.approx(2.99 - 3.044) and shifted["sigma"] == 0.17
    assert refs["Neff"] == [dict(kind="upper", limit=3.5, label="bound: planck2015_paper")]
    dwarf, = refs["sigmaT_over_M.v30"]              # Sec. III B windows
    assert (dwarf["low"], dwarf["high"]) == (1.0, 10.0)
    assert refs["sigmaT_over_M.v1000"][0]["high"] == 0.1
    assert refs["borexino_ratio"][0]["low"] == pytest.approx(0.92)
    assert refs["ccfr_ratio"][0]["mean"] == pytest.approx(0.82)


# ---------------------------------------------------------------- summary text, plots as read

def _with_rejections(run, ncall, counts):
    info = output.read_json(run / output.RUN_INFO)
    info.update(ncall=ncall, wall_time_s=2.0, calls_per_s=ncall / 2.0, rejections=counts)
    output.write_json(run / output.RUN_INFO, info)


def test_console_summary_states_intervals_evidence_and_large_model_cuts(tmp_path):
    run = _synthetic_run(tmp_path / "syn")
    _with_rejections(run, 10000, {"pseudo_dirac_violated": 3700, "neff_excluded": 2500,
                                  "no_relic_solution": 1500})
    summary = analysis.analyze_run(run)
    text = analysis.format_summary(summary)
    g = summary["parameters"]["g_p"]
    for value in (g["median"], *g["interval68"], *g["interval95"], g["best_fit"]):
        assert f"{value:.4g}" in text
    assert "ln Z = -5.000 ± 0.100" in text and "10000 in 2.0 s" in text
    assert "37.0%" in text and "25.0%" in text and "15.0%" in text
    warnings = [line for line in text.splitlines() if line.startswith("warning:")]
    # a model condition above 20 % is named; a likelihood cut (neff) and 15 % are not
    assert len(warnings) == 1 and "pseudo_dirac_violated" in warnings[0] and "37%" in warnings[0]
    info = output.read_json(run / output.RUN_INFO)
    info["logz"] = None
    output.write_json(run / output.RUN_INFO, info)
    assert "ln Z: not computed" in analysis.format_summary(analysis.analyze_run(run))


def test_benchmarks_projected_on_the_drawn_parameters_without_repeats():
    from lmt_scan.analysis.plots import projected_points
    pts = projected_points(analysis.PAPER_BENCHMARKS, ["m_Zp", "g_p"])
    assert pts == [{"m_Zp": 10.0, "g_p": 5e-4}, {"m_Zp": 50.0, "g_p": 7e-4}]
    assert len(projected_points(analysis.PAPER_BENCHMARKS, ["m_phi", "M1"])) == 3


def test_compare_labels_are_unique_when_runs_share_a_card_name(tmp_path):
    a = _synthetic_run(tmp_path / "a")
    b = tmp_path / "b"
    b.mkdir()
    for f in a.iterdir():
        if f.is_file():
            (b / f.name).write_bytes(f.read_bytes())   # same card name "a"
    rows = analysis.compare_runs([a, b, a], tmp_path / "cmp")
    labels = [r["label"] for r in rows]
    assert len(set(labels)) == 3 and all(lab.startswith("a (") for lab in labels)


def test_profile_is_nan_in_empty_bins():
    x = np.r_[np.linspace(0.0, 0.9, 50), np.linspace(2.1, 2.9, 50)]   # nothing in [1, 2)
    prof = analysis.profile_1d(x, -x, np.linspace(0.0, 3.0, 7))
    assert np.all(np.isnan(prof[2:4])) and np.all(np.isfinite(prof[[0, 1, 4, 5]]))


def _overlaps(boxes):
    return [(i, j) for i in range(len(boxes)) for j in range(i) if boxes[i].overlaps(boxes[j])]


def _capture(monkeypatch, module):
    """Replace ``module.save`` so the test sees the figure before it is closed."""
    figs = []
    original = module.save

    def keep(fig, out_dir, stem):
        fig.canvas.draw()
        figs.append((fig, fig.canvas.get_renderer()))
        return original(fig, out_dir, stem)
    monkeypatch.setattr(module, "save", keep)
    return figs


# Δa_μ ranges: linear axis; 1.5 decades as in the quickstart (log axis whose minor labels
# collided); a long log axis
@pytest.mark.parametrize("low,high", [(2e-10, 6e-10), (1.5e-10, 5e-9), (1e-12, 1e-8)])
def test_predictive_tick_labels_do_not_run_into_each_other(tmp_path, monkeypatch, low, high):
    from lmt_scan.analysis import predictive
    run = _synthetic_run(tmp_path / "syn")
    chains = output.read_chains(run)
    j = chains["columns"].index("delta_a_mu")
    rng = np.random.default_rng(11)
    chains["table"][:, j] = 10 ** rng.uniform(math.log10(low), math.log10(high),
                                              len(chains["weights"]))
    figs = _capture(monkeypatch, predictive)
    predictive.predictive_plot(chains, run)
    fig, r = figs[0]
    ax = fig.axes[0]
    assert "10^{-10}" in ax.get_xlabel()                       # Δa_μ shown in units of 1e-10
    labels = [t for t in ax.get_xticklabels() + ax.get_xticklabels(minor=True)
              if t.get_text() and t.get_visible()
              and ax.get_xlim()[0] <= t.get_position()[0] <= ax.get_xlim()[1]]
    boxes = [t.get_window_extent(r) for t in labels]
    assert len(boxes) >= 2 and not _overlaps(boxes)


def test_corner_titles_stay_clear_of_other_panels(tmp_path, monkeypatch):
    from lmt_scan.analysis import plots
    run = _synthetic_run(tmp_path / "syn")
    chains = output.read_chains(run)
    chains["run_info"]["free_parameters"] = ["m_Zp", "g_p", "delta_a_mu"]   # a 3-D corner
    figs = _capture(monkeypatch, plots)
    plots.corner_plot(chains, run, truths=analysis.PAPER_BENCHMARKS)
    fig, r = figs[0]
    axes = np.array(fig.axes).reshape(3, 3)
    titles = [axes[k, k].title.get_window_extent(r) for k in range(3)]
    assert all(axes[k, k].get_title() for k in range(3))
    panels = [ax.get_window_extent(r) for i, row in enumerate(axes) for j, ax in enumerate(row)
              if j <= i]
    for k, box in enumerate(titles):
        assert not any(box.overlaps(p) for p in panels), k
    assert not _overlaps(titles)
    legend = axes[0, -1].get_legend()
    assert legend is not None and len(legend.get_texts()) == 2      # two distinct benchmarks


def test_stale_plots_of_an_earlier_run_are_removed(tmp_path):
    import os
    run = _synthetic_run(tmp_path / "syn")
    analysis.analyze_run(run, full=True)
    assert (run / "marginals.png").is_file()
    # a new chain in the dir, newer than every plot however long the plotting took
    later = max(p.stat().st_mtime for p in run.iterdir()) + 3600
    os.utime(run / output.CHAIN, (later, later))
    summary = analysis.analyze_run(run)                             # what `run` calls
    assert not (run / "marginals.png").exists() and not (run / "profile.pdf").exists()
    assert (run / "corner.png").is_file() and summary["plots"] == ["corner"]


def test_compare_shows_every_histogram_and_contour_whole(tmp_path, monkeypatch):
    from lmt_scan.analysis import compare
    wide = _synthetic_run(tmp_path / "wide", scale=1.0)
    narrow = _synthetic_run(tmp_path / "narrow", seed=4, scale=0.3)   # 3× taller peaks
    figs = _capture(monkeypatch, compare)
    compare.compare_runs([narrow, wide], tmp_path / "cmp")   # the taller one drawn first
    fig, _ = figs[0]
    axes = np.array(fig.axes).reshape(2, 2)
    for k in range(2):
        ax = axes[k, k]
        tops = [p.get_xy()[:, 1].max() for p in ax.patches]
        assert len(tops) == 2 and ax.get_ylim()[1] >= max(tops)        # no peak cut off
    ax = axes[1, 0]
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for line in ax.collections:                                        # contour paths inside
        for path in getattr(line, "get_paths", lambda: [])():
            v = path.vertices
            if len(v):
                assert x0 < v[:, 0].min() and v[:, 0].max() < x1
                assert y0 < v[:, 1].min() and v[:, 1].max() < y1


# ---------------------------------------------------------------- analyze on a known posterior

GAUSS = {"m_Zp": (1.3, 0.1), "g_p": (-3.3, 0.05)}   # log10 mean, log10 σ of each marginal
RHO = 0.6                                            # correlation of the two (marginals unchanged)


def _gaussian_grid_run(path, n_fib=(28657, 17711), half_width=6.0):
    """A run directory whose weighted chain is a correlated 2-D Gaussian in (log10 m_Z′,
    log10 g′) on a Fibonacci lattice of the square ±half_width σ (N = F₂₃ points, every
    point a distinct value in each marginal, near-exact for the axis-aligned half-planes
    that marginal quantiles count): weights ∝ the density, ln L = its log.  Every marginal
    statistic is then known in closed form.  Returns (path, za, zb, weights), z in σ units."""
    n, gen = n_fib
    k = np.arange(n)
    za = half_width * (2 * (k + 0.5) / n - 1)
    zb = half_width * (2 * (((k * gen) % n) + 0.5) / n - 1)
    logpdf = -0.5 * (za ** 2 - 2 * RHO * za * zb + zb ** 2) / (1 - RHO ** 2)
    w = np.exp(logpdf - logpdf.max())
    (ma, sa), (mb, sb) = GAUSS["m_Zp"], GAUSS["g_p"]
    m, g = 10 ** (ma + sa * za), 10 ** (mb + sb * zb)
    table = np.column_stack([m, g, np.full(m.size, 20.0), np.full(m.size, 20.0)])
    path.mkdir()
    (path / output.RUN_CARD).write_text(yaml.safe_dump({"name": path.name, "parameters": {
        "m_Zp": {"prior": "log_uniform", "min": 5, "max": 300},
        "g_p": {"prior": "log_uniform", "min": 1e-4, "max": 3e-3}, "m_phi": 20, "M1": 20}}))
    output.write_chains(path, ["m_Zp", "g_p", "m_phi", "M1"], ["m", "g", "mphi", "M1"], 4,
                        w / w.sum(), logpdf, table, 1)
    output.write_json(path / output.RUN_INFO, {
        "name": path.name, "sampler": "synthetic", "seed": 1, "free_parameters": ["m_Zp", "g_p"],
        "log_axis": {"m_Zp": True, "g_p": True}, "logz": -4.25, "logz_err": 0.125,
        "ncall": 30000, "wall_time_s": 3.0, "calls_per_s": 10000.0, "rejections": {}})
    return path, za, zb, w


def test_analyze_cli_summary_equals_the_analytic_gaussian(tmp_path, capsys):
    run, za, zb, w = _gaussian_grid_run(tmp_path / "gauss")
    assert main(["analyze", str(run)]) == 0
    console = capsys.readouterr().out
    summary = json.loads((run / output.SUMMARY).read_text())
    ln10 = math.log(10.0)
    for p, (mu, sigma) in GAUSS.items():
        s = summary["parameters"][p]
        # 10^N(μ, σ) is log-normal: median 10^μ, mean 10^μ·e^{(σ ln10)²/2}, quantiles 10^(μ+zσ)
        assert math.log10(s["median"]) == pytest.approx(mu, abs=0.003 * sigma)
        assert s["mean"] == pytest.approx(10 ** mu * math.exp((sigma * ln10) ** 2 / 2), rel=1e-4)
        var = (math.exp((sigma * ln10) ** 2) - 1) * math.exp(2 * mu * ln10 + (sigma * ln10) ** 2)
        assert s["std"] == pytest.approx(math.sqrt(var), rel=1e-3)
        for key, q in (("interval68", 0.84), ("interval95", 0.975)):
            lo, hi = (math.log10(v) for v in s[key])
            assert lo == pytest.approx(mu - norm.ppf(q) * sigma, abs=0.003 * sigma)
            assert hi == pytest.approx(mu + norm.ppf(q) * sigma, abs=0.003 * sigma)
        # best fit: the lattice point nearest the peak (within one step of 10^μ)
        best = np.argmax(w)
        z_best = (za if p == "m_Zp" else zb)[best]
        assert s["best_fit"] == pytest.approx(10 ** (mu + sigma * z_best), rel=1e-12, abs=0)
        assert abs(z_best) < 0.1
        assert summary["best_fit"]["params"][p] == s["best_fit"]
        # the console shows summary.json's numbers (4 significant digits), not others
        row = next(line for line in console.splitlines() if line.startswith(p))
        for value in (s["median"], *s["interval68"], *s["interval95"], s["best_fit"]):
            assert f"{value:.4g}" in row
    # effective sample size (Σw)²/Σw² of N lattice points over the area A = 12² (σ units)
    # weighted by the density p: N (∫p)²/(A ∫p²), ∫p² = 1/(4π √(1−ρ²)) for a unit Gaussian
    ess = len(w) * 4 * math.pi * math.sqrt(1 - RHO ** 2) / 12.0 ** 2
    assert summary["effective_sample_size"] == pytest.approx(ess, rel=1e-3)
    assert "ln Z = -4.250 ± 0.125" in console
    assert summary["n_samples"] == len(w) and summary["warnings"] == []
