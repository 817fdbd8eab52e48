"""Command line: argument parsing and error reporting only (no physics here).

    lmt-scan run RUN.yaml [--output DIR] [--overwrite] [--resume] [--sampler NAME] [--quiet]
                          [--seed N] [--set sampler.nlive=400 …] [--jobs N]
    lmt-scan point --set m_Zp=10 --set g_p=5e-4 --set m_phi=20 --set M1=20 [--run RUN.yaml] [--json]
    lmt-scan plugins
    lmt-scan analyze RUN_DIR [--truth m_Zp=10,g_p=5e-4] [--paper-benchmarks]
    lmt-scan compare RUN_DIR RUN_DIR … [--out DIR] [--label NAME …]
    lmt-scan report RUN_DIR [RUN_DIR …] [--out FILE.html]
    lmt-scan figure NAME [--out DIR]

Bad input prints one line ``lmt-scan: error: <file or option>: <field>: <message>`` and
exits with status 2.
"""
import argparse
import math
import sys

from .errors import ConfigError, RunFailed
from .parallel import WorkerLost

EXIT_BAD_INPUT = 2
EXIT_RUN_FAILED = 1


class _Parser(argparse.ArgumentParser):
    def error(self, message):   # one line, exit 2 (argparse's own convention too)
        self.exit(EXIT_BAD_INPUT, f"lmt-scan: error: {message}\n")


def _parse_set(items, where="--set"):
    params = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"expected NAME=VALUE, got {item!r}", where=where)
        try:
            number = float(value)
        except ValueError:
            raise ConfigError(f"not a number: {value!r}", where=where, field=name) from None
        if not math.isfinite(number):
            raise ConfigError(f"must be finite, got {value!r}", where=where, field=name)
        params[name.strip()] = number
    return params


def resume_command(args, resume=True):
    """The exact command that continues this run (every flag that shapes it repeated);
    ``resume=False``: the command as given (a run stopped before it started)."""
    import shlex
    import os
    words = ["lmt-scan", "run", str(args.card)]
    words += ["--resume"] if resume or args.resume else ["--overwrite"] * bool(args.overwrite)
    ranks = os.environ.get("OMPI_COMM_WORLD_SIZE") or os.environ.get("PMI_SIZE")
    if ranks and int(ranks) > 1:     # under mpiexec: the same number of ranks again
        words = ["mpiexec", "-n", ranks] + words
    for flag, value in (("--output", args.output), ("--sampler", args.sampler),
                        ("--seed", args.seed)):
        if value is not None:
            words += [flag, str(value)]
    for item in args.set or []:
        words += ["--set", item]
    if args.jobs != 1:
        words += ["--jobs", str(args.jobs)]
    if args.quiet:
        words.append("--quiet")
    return shlex.join(words)


def cmd_run(args):
    from .config import load_run_card
    from .progress import install_stop_handlers
    if args.jobs < 1:
        raise ConfigError(f"must be >= 1, got {args.jobs}", where="--jobs")
    import os
    max_jobs = 8 * (os.cpu_count() or 1)   # beyond that, processes only compete for cores
    if args.jobs > max_jobs:
        raise ConfigError(f"at most {max_jobs} (8 x the {os.cpu_count()} CPUs here), got "
                          f"{args.jobs}", where="--jobs")
    if args.seed is not None and args.seed < 0:
        raise ConfigError(f"must be a non-negative integer, got {args.seed}", where="--seed")
    from .parallel import launcher_rank, mpi4py_installed, mpi_launched
    if mpi_launched() and not mpi4py_installed():   # else every rank runs its own scan
        if launcher_rank() == 0:
            print("lmt-scan: error: started by mpiexec but mpi4py is not installed: "
                  "pip install \"lmt-scan[mpi]\" (or run without mpiexec)", file=sys.stderr)
        return EXIT_BAD_INPUT
    install_stop_handlers()     # SIGTERM (batch schedulers) stops like Ctrl-C
    from .runner import run_scan
    config = load_run_card(args.card, output_override=args.output,
                           sampler_override=args.sampler, overwrite=args.overwrite,
                           seed_override=args.seed, overrides=args.set)
    from .parallel import mpi_rank
    try:
        run_scan(config, resume=args.resume, quiet=args.quiet or mpi_rank() > 0, jobs=args.jobs)
    except OSError as exc:      # a library's write failed without naming its file
        if exc.filename is None and not isinstance(exc, BrokenPipeError):
            raise OSError(exc.errno, exc.strerror or str(exc),
                          f"{config.output_dir} (while writing the run)") from None
        raise
    return 0


def cmd_point(args):
    from .output import to_json
    from .plugins import LIKELIHOOD_GROUP, installed_plugins
    from .point import PARAMETERS, PARAMETER_UNITS, model_settings
    from .posterior import evaluate_point

    params = _parse_set(args.set)
    unknown = [p for p in params if p not in PARAMETERS]
    if unknown:
        raise ConfigError(f"unknown parameter (model parameters: {', '.join(PARAMETERS)})",
                          where="--set", field=unknown[0])
    if args.run:
        from .config import load_run_card
        config = load_run_card(args.run)
        likelihoods, settings = config.likelihoods, config.settings
        for p, prior in config.priors.items():
            if prior.fixed:
                params.setdefault(p, prior.opts["value"])
    else:
        likelihoods = {}
        for name, cls in installed_plugins(LIKELIHOOD_GROUP).items():
            try:
                likelihoods[name] = cls()
            except ConfigError:     # needs a required option (e.g. a data file): skip it
                continue
        settings = model_settings()
    missing = [p for p in PARAMETERS if p not in params]
    if missing:
        raise ConfigError("missing parameter value (give --set NAME=VALUE)", where="--set",
                          field=missing[0])
    for p in PARAMETERS:
        if params[p] <= 0.0:
            unit = f" [{PARAMETER_UNITS[p]}]" if PARAMETER_UNITS[p] else ""
            raise ConfigError(f"must be positive{unit}, got {params[p]}", where="--set", field=p)

    point, total, per_plugin, reason = evaluate_point(params, likelihoods, settings,
                                                      stop_at_first_rejection=False)
    derived, derived_reasons = point.derived()
    result = {"params": params, "derived": derived, "loglike": per_plugin,
              "loglike_total": total, "rejected": reason, "derived_rejected": derived_reasons}
    if args.json:
        print(to_json(result))
    else:
        from .derived import DERIVED
        units = {name: q.unit for name, q in DERIVED.items()}
        print("parameters: " + ", ".join(f"{k} = {v:g} {PARAMETER_UNITS[k]}".rstrip()
                                         for k, v in params.items()))
        for name, value in derived.items():
            shown = derived_reasons.get(name, value)
            print(f"  {name:24s} {shown} {units.get(name, '')}")
        for label, value in per_plugin.items():
            print(f"  log L [{label}] = {value:.6g}")
        print(f"log L total = {total:.6g}" + (f"  (rejected: {reason})" if reason else ""))
    return 0


def cmd_plugins(args):
    from .derived import SETTINGS
    from .plugins import LIKELIHOOD_GROUP, PRIOR_GROUP, installed_plugins
    from .samplers import SAMPLERS, sampler_class
    for title, group in (("likelihoods", LIKELIHOOD_GROUP), ("priors", PRIOR_GROUP)):
        print(f"{title} (entry-point group {group}):")
        for name, cls in installed_plugins(group).items():
            doc = cls.description or next(iter((cls.__doc__ or "").strip().splitlines()),
                                          "(no description)")
            print(f"  {name} — {doc}  [{cls.__module__}:{cls.__name__}]")
            for opt, option in cls.options.items():
                print(f"      {opt}: {option.describe()}")
    print("samplers:")
    for name in SAMPLERS:
        try:
            cls = sampler_class(name)
        except ConfigError as err:     # one broken plugin must not hide the others
            print(f"  {name} — unavailable: {err.message}")
            continue
        print(f"  {name} — {cls.description}")
        for opt, option in cls.options.items():
            print(f"      {opt}: {option.describe()}")
    print("model settings (run card 'model:'):")
    for name, option in SETTINGS.items():
        print(f"  {name}: {option.describe()}")
    return 0


def _parse_truths(args):
    """Benchmark points from ``--truth m_Zp=10,g_p=5e-4`` (repeatable) and ``--paper-benchmarks``."""
    from .analysis import PAPER_BENCHMARKS
    from .point import PARAMETERS
    points = [dict(p) for p in PAPER_BENCHMARKS] if args.paper_benchmarks else []
    for item in args.truth or []:
        point = _parse_set(item.split(","), where="--truth")
        unknown = [p for p in point if p not in PARAMETERS]
        if unknown:
            raise ConfigError(f"unknown parameter (model parameters: {', '.join(PARAMETERS)})",
                              where="--truth", field=unknown[0])
        points.append(point)
    return points


def _check_out_path(path, where):
    """Refuse an output path under an existing non-directory before any work is done."""
    from pathlib import Path
    for parent in [Path(path), *Path(path).parents]:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir() and parent != Path(path):
                raise ConfigError("is not a directory", where=f"{where} {parent}")
            return


def _check_run_dirs(dirs):
    from pathlib import Path
    from .output import CHAIN
    from .rundir import unfinished
    for d in dirs:
        if not Path(d).is_dir():
            raise ConfigError("no such directory: not an lmt-scan run directory", where=str(d))
        if unfinished(d):
            raise ConfigError("an unfinished run (stopped before its end): continue it with "
                              "`lmt-scan run CARD --resume`", where=str(d))
        if not (Path(d) / CHAIN).is_file():
            raise ConfigError(f"no chain file {CHAIN} here: not an lmt-scan run directory",
                              where=str(d))


def cmd_analyze(args):
    from .analysis import analyze_run
    _check_run_dirs([args.run_dir])
    summary = analyze_run(args.run_dir, truths=_parse_truths(args), full=True)
    from .analysis import format_summary
    print(format_summary(summary))
    print(f"wrote {args.run_dir}/summary.json, getdist/lmt.*, {', '.join(summary['plots'])} "
          "plots (PNG, PDF)")
    return 0


def cmd_report(args):
    from .analysis import format_summary, write_report
    _check_run_dirs(args.run_dirs)
    if args.out:
        _check_out_path(args.out, "--out")
    path, summaries = write_report(args.run_dirs, args.out)
    for summary in summaries:
        print(format_summary(summary))
    print(f"wrote {path}")
    return 0


def cmd_compare(args):
    from .analysis import compare_runs, format_evidence_table
    _check_run_dirs(args.run_dirs)
    rows = compare_runs(args.run_dirs, args.out, labels=args.label, truths=_parse_truths(args))
    print(format_evidence_table(rows), end="")
    print(f"wrote {args.out}/compare.png, compare.pdf, compare.json, compare.md")
    return 0


def cmd_figure(args):
    from .figures import FIGURES, make_figure
    if args.name not in FIGURES:
        raise ConfigError(f"unknown figure (known: {', '.join(FIGURES)})", where="figure",
                          field=args.name)
    result = make_figure(args.name, args.out)
    print(f"wrote {', '.join(str(p) for p in result['files'])}")
    for note in result.get("missing", ()):
        print(f"note: {note}")
    return 0


def _add_truth_options(p):
    p.add_argument("--truth", action="append", metavar="NAME=V[,NAME=V…]",
                   help="benchmark point marked in the plots (repeatable), e.g. m_Zp=10,g_p=5e-4")
    p.add_argument("--paper-benchmarks", action="store_true",
                   help="mark the paper's benchmark points (Fig. 1 stars, Fig. 3 crosses)")


RUN_HELP = """Run the scan a YAML run card describes and write a run directory.

A run card holds (see README "Running scans"; `lmt-scan plugins` lists every option):
  name: NAME            seed: INT (one seed, same chain)       output: DIR
  model: {SETTING: VALUE}                      optional model settings
  parameters: m_Zp [MeV], g_p, m_phi [MeV], M1 [GeV] — each a number (fixed) or
              {prior: uniform|log_uniform|gaussian|module:Class, min: .., max: ..}
  likelihoods: {LABEL: {plugin: NAME, OPTION: VALUE}}   (plugin defaults to LABEL)
  sampler: {name: dynesty|emcee|multinest, SETTING: VALUE}

Exit status: 0 done, 1 run failed (e.g. every point rejected), 2 bad input or I/O error,
130/143 stopped by Ctrl-C/SIGTERM (checkpoint kept; the exact resume command is printed).
A new run over an existing one is staged beside it and swapped in only when complete."""


def _version():
    from importlib import metadata
    try:
        return metadata.version("lmt-scan")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_parser():
    parser = _Parser(prog="lmt-scan", description="Bayesian scans of the gauged U(1)Lμ−Lτ "
                     "SIDM + muon g−2 model (arXiv:1805.00651).")
    parser.add_argument("--version", action="version", version=f"lmt-scan {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("run", help="run the scan described by a YAML run card",
                       description=RUN_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("card", help="run card (YAML)")
    p.add_argument("--seed", type=int, help="use this seed instead of the card's (recorded in "
                   "run.yaml)")
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE",
                   help="override a card value, e.g. --set sampler.nlive=400 --set model.x_f=25 "
                   "(repeatable; recorded in run.yaml)")
    p.add_argument("--output", help="output directory (overrides the card's)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing run")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run")
    p.add_argument("--sampler", help="use this sampler instead of the card's (its defaults)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="local worker processes (under mpiexec the MPI ranks are used instead)")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("point", help="evaluate one model point")
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="parameter value: m_Zp [MeV], g_p, m_phi [MeV], M1 [GeV]")
    p.add_argument("--run", help="use this run card's likelihoods, settings and fixed values")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_point)
    p = sub.add_parser("plugins", help="list likelihoods, priors, samplers and model settings")
    p.set_defaults(func=cmd_plugins)
    p = sub.add_parser("analyze", help="recompute summary.json and plots of a run directory")
    p.add_argument("run_dir")
    _add_truth_options(p)
    p.set_defaults(func=cmd_analyze)
    p = sub.add_parser("compare", help="overlay the posteriors of several runs; ln Z table")
    p.add_argument("run_dirs", nargs="+", metavar="RUN_DIR")
    p.add_argument("--out", default="comparison", help="output directory (default: comparison)")
    p.add_argument("--label", action="append", help="legend label per run, in order")
    _add_truth_options(p)
    p.set_defaults(func=cmd_compare)
    p = sub.add_parser("report", help="one self-contained HTML page of one or several runs")
    p.add_argument("run_dirs", nargs="+", metavar="RUN_DIR")
    p.add_argument("--out", help="HTML file (default: report.html in the first RUN_DIR)")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("figure", help="draw one of the paper's figures from the project's "
                       "physics (fig1-left, fig1-right, fig2, fig3)")
    p.add_argument("name")
    p.add_argument("--out", default="figures", help="output directory (default: figures)")
    p.set_defaults(func=cmd_figure)
    from .multinest_build import add_parser as add_build_multinest
    add_build_multinest(sub)
    return parser


def _say(line):
    """Print one line to stderr; under mpiexec only rank 0 speaks (every rank reaches the
    same error or stop, one line is enough)."""
    from .parallel import launcher_rank
    if launcher_rank() == 0:
        print(line, file=sys.stderr, flush=True)


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    finally:
        if argv is None and getattr(args, "func", None) is cmd_run:
            # the run has ended (done, failed or stopped): a late Ctrl-C/SIGTERM must not
            # cut the interpreter's exit (it joins the pool threads) with a traceback
            import signal
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, signal.SIG_IGN)


def _dispatch(args):
    try:
        return args.func(args)
    except ConfigError as err:
        _say(f"lmt-scan: error: {err}")
        return EXIT_BAD_INPUT
    except BrokenPipeError:          # output piped into e.g. `head`: stop quietly
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except RunFailed as err:
        _say(f"lmt-scan: run failed: {err}")
        return EXIT_RUN_FAILED
    except MemoryError:
        _say("lmt-scan: error: out of memory (a sampler size such as nlive too large?)")
        return EXIT_BAD_INPUT
    except OSError as exc:          # full disk, permissions, …: one line naming the file
        name = exc.filename or "output"
        _say(f"lmt-scan: error: {name}: {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    except WorkerLost as err:       # a pool worker died: the checkpoint is the last good state
        _say(f"lmt-scan: error: {err}; the checkpoint is kept — continue with: "
             f"{resume_command(args)}")
        return EXIT_RUN_FAILED
    except KeyboardInterrupt:
        import signal
        from .progress import received
        for sig in (signal.SIGINT, signal.SIGTERM):   # checkpoint kept: ignore later ones
            signal.signal(sig, signal.SIG_IGN)        # (also during interpreter shutdown)
        signum = received[0] if received else signal.SIGINT
        what = "SIGTERM" if signum == signal.SIGTERM else "Ctrl-C"
        from .rundir import started
        if getattr(args, "func", None) is cmd_run and not started():
            _say(f"lmt-scan: stopped by {what} before the run started (nothing written) — "
                 f"start it again with: {resume_command(args, resume=False)}")
        elif getattr(args, "func", None) is cmd_run:
            _say(f"lmt-scan: stopped by {what}; the checkpoint is kept — continue with: "
                 f"{resume_command(args)}")
        else:
            _say(f"lmt-scan: stopped by {what}")
        return 128 + int(signum)


if __name__ == "__main__":
    sys.exit(main())
