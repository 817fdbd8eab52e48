"""Command line: argument parsing and error reporting only (no physics here).

    lmt-scan run RUN.yaml [--output DIR] [--overwrite] [--resume] [--sampler NAME] [--quiet]
    lmt-scan point --set m_Zp=10 --set g_p=5e-4 --set m_phi=20 --set M1=20 [--run RUN.yaml] [--json]
    lmt-scan plugins
    lmt-scan analyze RUN_DIR [--truth m_Zp=10,g_p=5e-4] [--paper-benchmarks]
    lmt-scan compare RUN_DIR RUN_DIR … [--out DIR] [--label NAME …]
    lmt-scan figure NAME [--out DIR]

Bad input prints one line ``lmt-scan: error: <file or option>: <field>: <message>`` and
exits with status 2.
"""
import argparse
import math
import sys

from .errors import ConfigError

EXIT_BAD_INPUT = 2


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


def cmd_run(args):
    from .config import load_run_card
    if args.jobs < 1:
        raise ConfigError(f"must be >= 1, got {args.jobs}", where="--jobs")
    from .runner import run_scan
    config = load_run_card(args.card, output_override=args.output,
                           sampler_override=args.sampler, overwrite=args.overwrite)
    from .parallel import mpi_rank
    run_scan(config, resume=args.resume, quiet=args.quiet or mpi_rank() > 0, jobs=args.jobs)
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
        likelihoods = {name: cls() for name, cls in installed_plugins(LIKELIHOOD_GROUP).items()}
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
            doc = cls.description or (cls.__doc__ or "").strip().splitlines()[0]
            print(f"  {name} — {doc}  [{cls.__module__}:{cls.__name__}]")
            for opt, option in cls.options.items():
                print(f"      {opt}: {option.describe()}")
    print("samplers:")
    for name in SAMPLERS:
        cls = sampler_class(name)
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


def _check_run_dirs(dirs):
    from pathlib import Path
    from .output import CHAIN
    for d in dirs:
        if not (Path(d) / CHAIN).is_file():
            raise ConfigError(f"no chain file {CHAIN} here: not an lmt-scan run directory",
                              where=str(d))


def cmd_analyze(args):
    from .analysis import analyze_run
    _check_run_dirs([args.run_dir])
    summary = analyze_run(args.run_dir, truths=_parse_truths(args), full=True)
    print(f"wrote {args.run_dir}/summary.json, getdist/lmt.*, corner, marginals, profile and "
          f"predictive plots (PNG, PDF) ({summary['n_samples']} samples, "
          f"ESS {summary['effective_sample_size']:.0f})")
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


def build_parser():
    parser = _Parser(prog="lmt-scan", description="Bayesian scans of the gauged U(1)Lμ−Lτ "
                     "SIDM + muon g−2 model (arXiv:1805.00651).")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("run", help="run the scan described by a YAML run card")
    p.add_argument("card", help="run card (YAML)")
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
    p = sub.add_parser("figure", help="draw one of the paper's figures from the project's "
                       "physics (fig1-left, fig1-right, fig2, fig3)")
    p.add_argument("name")
    p.add_argument("--out", default="figures", help="output directory (default: figures)")
    p.set_defaults(func=cmd_figure)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as err:
        print(f"lmt-scan: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:          # output piped into e.g. `head`: stop quietly
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("lmt-scan: interrupted; the sampler's checkpoint is kept — continue with "
              "`lmt-scan run CARD --resume`", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
