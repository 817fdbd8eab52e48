"""Posterior summaries, plots and reports from run directories (reads files only, never
recomputes physics).  One module per job:

    columns          column access, labels with units, shared plot helpers
    summary          summary.json content and its console text (ln Z, intervals, rejections)
    getdist_layout   getdist/lmt.*, and lmt-.ranges, lmt-.properties.ini for the
                     MultiNest-layout root (every getdist statistic computes on either)
    plots            corner.png/.pdf, marginals.png/.pdf
    profile          profile likelihoods, profile.png/.pdf
    predictive       predictive.png/.pdf: derived quantities with the data they meet
    compare          several runs: compare.png/.pdf, compare.json/.md
    report           report.html: one self-contained page per run (or several)

``analyze_run(RUN_DIR)`` writes summary.json, the getdist files and corner.png (with ``full``
also marginals, profile and predictive plots).
"""
from pathlib import Path

from .. import output
from .columns import (DERIVED_LABELS, LEVELS, PLOT_EXTENSIONS, column, free_parameters,
                      is_log_axis, label, plot_values, weighted_quantiles)
from .compare import compare_runs, evidence_table, format_evidence_table
from .getdist_layout import (GETDIST_DIR, GETDIST_ROOT, left_out_columns, write_getdist,
                             write_root_files)
from .plots import PAPER_BENCHMARKS, corner_plot, marginals_plot
from .predictive import (CONSTRAINT_COLUMNS, PREDICTIVE_COLUMNS, SIGMAV_COLUMNS, halo_points,
                         predictive_plot, reference_data)
from .profile import PROFILE_DCHI2_1D, PROFILE_DCHI2_2D, profile_1d, profile_2d, profile_plot
from .summary import build_summary, format_summary, rejection_table, summarize

# plots analyze_run(full=True) writes, in the order the report shows them
PLOT_STEMS = ("corner", "marginals", "profile", "predictive")


def analyze_run(out_dir, truths=None, full=False):
    """(Re)compute ``summary.json``, the getdist copy and the corner plot of a run directory
    (with ``full`` also the marginal, profile and predictive plots); returns the summary.
    ``truths``: benchmark points (dicts of parameter values) marked in the plots.
    Plots of an earlier analysis that this one does not redraw are removed."""
    out_dir = Path(out_dir)
    chains = output.read_chains(out_dir)
    summary = build_summary(chains)
    _, summary["getdist_left_out"] = write_getdist(chains, out_dir)
    summary["getdist_root_bounds"] = write_root_files(chains, out_dir)
    drawn = {"corner"}
    corner_plot(chains, out_dir, truths)
    if full:
        marginals_plot(chains, out_dir, truths)
        drawn.add("marginals")
        if len(free_parameters(chains)) >= 2:
            profile_plot(chains, out_dir, truths)
            drawn.add("profile")
        summary["predictive_columns"] = predictive_plot(chains, out_dir)
        if summary["predictive_columns"]:
            drawn.add("predictive")
    _remove_stale_plots(out_dir, drawn, every=full)
    summary["plots"] = sorted(drawn, key=PLOT_STEMS.index)
    output.write_json(out_dir / output.SUMMARY, summary)
    return summary


def _remove_stale_plots(out_dir, drawn, every):
    """Remove the plots this analysis did not draw: all of them with ``every``, else those
    older than the chain file (left by an earlier run in the same directory)."""
    chain_time = (out_dir / output.CHAIN).stat().st_mtime
    for stem in set(PLOT_STEMS) - drawn:
        for ext in PLOT_EXTENSIONS:
            path = out_dir / f"{stem}.{ext}"
            if path.exists() and (every or path.stat().st_mtime < chain_time):
                path.unlink()


def write_report(run_dirs, out=None):
    """See ``lmt_scan.analysis.report.write_report``."""
    from .report import write_report as _write
    return _write(run_dirs, out)
