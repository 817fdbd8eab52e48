"""``report.html``: one self-contained page per run (or several side by side) that a
collaborator opens offline.  Every image is embedded as a base64 data URI; the page loads
nothing from anywhere else (no scripts, fonts or style sheets outside the file).

It shows the same summary the console prints (``summary.format_summary``) plus the run card,
the data sets with their citations, the parameter and rejection tables, the figures, package
versions, seed and timings; with several runs the ``compare`` plot and the ln Z table."""
import base64
import html
import inspect
import tempfile
from pathlib import Path

import yaml

from .. import output
from .summary import evidence_text, format_summary, parameter_rows, warnings

REPORT_NAME = "report.html"
FIGURE_CAPTIONS = {
    "corner": "Marginal posterior of the free parameters (68/95 % contours).",
    "marginals": "1-D marginal posteriors with the 1-D profile likelihood.",
    "profile": "Profile likelihood (Δχ² regions) over the marginal-posterior contours.",
    "predictive": "Posterior predictive of derived quantities with the data they are compared to.",
}
STYLE = """body{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:2px 8px;
text-align:left;vertical-align:top;white-space:nowrap}th{background:#eee}.wrap td{white-space:normal}
.tbl{overflow-x:auto;max-width:100%}.runs table{font-size:85%}
pre{background:#f6f6f6;padding:.6em;white-space:pre-wrap;font-size:85%}
img{max-width:100%;border:1px solid #ddd}.warn{color:#a40000;font-weight:bold}
.runs{display:flex;gap:1em;flex-wrap:wrap}.runs>section{flex:1 1 480px;min-width:0}"""


def _e(text):
    return html.escape(str(text))


def _num(x):
    return "—" if x is None else f"{x:.4g}"


def embed_png(path):
    """An <img> with the PNG at ``path`` inline (data URI)."""
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f'<img alt="{_e(Path(path).stem)}" src="data:image/png;base64,{data}">'


def dataset_citations(card):
    """[(label, plugin, data set or '', description, source)] for each likelihood of the card,
    read from the plugin's description and its data file's ``source`` entries."""
    from ..config import _likelihoods
    from ..errors import ConfigError
    try:
        plugins = _likelihoods(card.get("likelihoods") or {})
    except ConfigError:
        return []
    rows = []
    for lab, plugin in plugins.items():
        cls = type(plugin)
        desc = cls.description or ((cls.__doc__ or "").strip().splitlines() or [""])[0]
        dataset = str(plugin.opts.get("dataset", ""))
        source = ""
        data_file = getattr(inspect.getmodule(cls), "DATA_FILE", None)
        if data_file and str(data_file).endswith(".yaml"):
            try:
                entries = yaml.safe_load(plugin.data_path(data_file).read_text()) or {}
            except (ConfigError, OSError, yaml.YAMLError):
                entries = {}
            key = next((k for k in (dataset, getattr(plugin, "dataset_key", None), plugin.name,
                                    plugin.name.split("_")[0]) if k and k in entries), None)
            if key and isinstance(entries[key], dict):
                source = entries[key].get("source", "")
        elif data_file:
            source = f"data file likelihoods/data/{data_file} (provenance in its header)"
        if not source:   # the plugin module's docstring names its source
            doc = (inspect.getmodule(cls).__doc__ or "").strip()
            source = doc.split("\n\n")[0].replace("\n", " ")
        rows.append((lab, plugin.name, dataset, desc, source))
    return rows


def _table(header, rows, wrap=False):
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    attr = ' class="wrap"' if wrap else ""
    return f'<div class="tbl"><table{attr}><tr>{head}</tr>{body}</table></div>'


def run_section(run_dir, summary, chains):
    """HTML of one run: summary, tables, figures, card, versions."""
    run_dir = Path(run_dir)
    info = chains["run_info"]
    parts = [f"<h2>{_e(summary.get('name'))} <small>({_e(run_dir)})</small></h2>",
             f"<p><b>{_e(evidence_text(summary))}</b>; sampler {_e(summary.get('sampler'))}, "
             f"seed {_e(summary.get('seed'))}, {_e(summary.get('ncall'))} likelihood calls in "
             f"{_num(summary.get('wall_time_s'))} s, {summary['n_samples']} samples "
             f"(ESS {summary['effective_sample_size']:.0f})</p>"]
    parts += [f'<p class="warn">warning: {_e(w)}</p>'
              for w in summary.get("warnings", warnings(summary))]
    parts.append("<h3>Parameters</h3>" + _table(
        ["parameter", "median", "68 % interval", "95 % interval", "best fit"],
        [(_e(f"{n} [{u}]" if u else n), _num(m), f"{_num(a[0])} – {_num(a[1])}",
          f"{_num(b[0])} – {_num(b[1])}", _num(best))
         for n, u, m, a, b, best in parameter_rows(summary)]))
    rej = summary.get("rejection_table") or []
    parts.append("<h3>Rejected points (ln L = −∞)</h3>" + (_table(
        ["reason", "count", "share of calls", "kind"],
        [(_e(r["reason"]), r["count"], "—" if r["share"] is None else f"{r['share']:.1%}",
          "model condition" if r["model_condition"] else "likelihood cut") for r in rej])
        if rej else "<p>none</p>"))
    parts.append("<h3>Figures</h3>")
    for stem in summary.get("plots", ()):
        png = run_dir / f"{stem}.png"
        if png.is_file():
            parts.append(f"<figure>{embed_png(png)}<figcaption>{_e(FIGURE_CAPTIONS.get(stem, stem))}"
                         "</figcaption></figure>")
    cites = dataset_citations(chains["card"])
    if cites:
        parts.append("<h3>Likelihoods and data sets</h3>" + _table(
            ["label", "plugin", "data set", "what", "source"],
            [tuple(_e(c) for c in row) for row in cites], wrap=True))
    parts.append("<h3>Console summary</h3><pre>" + _e(format_summary(summary)) + "</pre>")
    card_text = (run_dir / output.RUN_CARD).read_text() if (run_dir / output.RUN_CARD).is_file() \
        else yaml.safe_dump(chains["card"], sort_keys=False)
    parts.append("<h3>Run card (resolved run.yaml)</h3><pre>" + _e(card_text) + "</pre>")
    versions = info.get("versions") or {}
    parts.append("<h3>Software and timing</h3>" + _table(
        ["item", "value"],
        [(_e(k), _e(v)) for k, v in versions.items()]
        + [("seed", _e(info.get("seed"))), ("wall time [s]", _num(info.get("wall_time_s"))),
           ("calls per second", _num(info.get("calls_per_s"))),
           ("parallel workers", _e(info.get("parallel_workers", 1)))]))
    return "<section>" + "\n".join(parts) + "</section>"


def comparison_section(run_dirs):
    """HTML of the ``compare`` content: overlaid corner plot and the ln Z table."""
    from .compare import compare_runs
    with tempfile.TemporaryDirectory() as tmp:
        rows = compare_runs(run_dirs, tmp)
        png = Path(tmp) / "compare.png"
        image = embed_png(png) if png.is_file() else "<p>no common free parameter</p>"
    table = _table(["run", "ln Z", "ln B vs first"],
                   [(_e(r["label"]),
                     "—" if r["logz"] is None else f"{r['logz']:.2f} ± {r['logz_err'] or 0:.2f}",
                     "—" if r["ln_B"] is None else f"{r['ln_B']:.2f} ± {r['ln_B_err']:.2f}")
                    for r in rows])
    notes = "".join(f"<p>— for {_e(r['label'])}: no ln Z ({_e(r.get('sampler'))} is an MCMC "
                    "sampler)</p>" for r in rows if r["logz"] is None)
    return f"<section><h2>Comparison</h2>{image}{table}{notes}</section>"


def render(run_dirs, summaries, chains_list):
    """The whole page as a string."""
    title = "lmt-scan report: " + ", ".join(str(s.get("name")) for s in summaries)
    body = [f"<h1>{_e(title)}</h1>"]
    if len(run_dirs) > 1:
        body.append(comparison_section(run_dirs))
    sections = [run_section(d, s, c) for d, s, c in zip(run_dirs, summaries, chains_list)]
    body.append('<div class="runs">' + "\n".join(sections) + "</div>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")


def write_report(run_dirs, out=None):
    """Analyse each run directory (summary and all plots, as ``lmt-scan analyze``) and write
    the report to ``out`` (default ``report.html`` in the first run directory); returns
    (path, summaries)."""
    from . import analyze_run
    run_dirs = [Path(d) for d in run_dirs]
    summaries = [analyze_run(d, full=True) for d in run_dirs]
    chains_list = [output.read_chains(d) for d in run_dirs]
    path = Path(out) if out else run_dirs[0] / REPORT_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    output.atomic_write(path, render(run_dirs, summaries, chains_list))
    return path, summaries
