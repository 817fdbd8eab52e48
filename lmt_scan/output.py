"""Run directories: layout, atomic writes, and reading chains back.

Layout of ``<output dir>``::

    run.yaml                     the resolved run card
    lmt-.txt                     MultiNest layout: weight, −2 ln L, parameters…, derived…
    lmt-post_equal_weights.dat   MultiNest layout: parameters…, derived…, ln L
    lmt-.paramnames              column names with LaTeX labels (derived marked with *)
    params.json                  the same names as a JSON list (pymultinest convention)
    lmt-.ranges, lmt-.properties.ini  getdist settings for this root (lmt_scan.analysis)
    run_info.json                sampler statistics: ln Z, calls, −∞ reasons, timing, versions
    summary.json                 posterior summary (written by lmt_scan.analysis)
    corner.png / corner.pdf      corner plot
    checkpoint/                  the sampler's own resume files

Every file is written to a temporary name and renamed, so a crash never leaves a
half-written chain or summary; files follow the umask.  No chain file holds NaN or inf:
points the physics rejected (log L = −∞, zero weight) are left out of the chains, and a
derived value missing at an accepted point is written as ``MISSING`` (−1e30).
"""
import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np
import yaml

from .errors import ConfigError, short_repr

ROOT = "lmt-"
CHAIN = ROOT + ".txt"
EQUAL_WEIGHTS = ROOT + "post_equal_weights.dat"
PARAMNAMES = ROOT + ".paramnames"
RUN_CARD = "run.yaml"
RUN_INFO = "run_info.json"
SUMMARY = "summary.json"
CHECKPOINT_DIR = "checkpoint"
REJECTED_LOGL = -1.0e100   # = posterior.LOG_ZERO: samplers' stand-in for log L = −∞
MISSING = -1.0e30          # chain-file placeholder of a derived value that has none


def atomic_write(path, data, mode="w"):
    """Write ``data`` (str or bytes) to ``path`` via a temporary file and rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())    # mkstemp makes 0600: follow the umask instead
        with os.fdopen(fd, mode) as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:   # ENOSPC on write: name it
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _json_default(value):
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value)}")


def _json_clean(value):
    """Replace non-finite floats by None so the JSON is standard."""
    if isinstance(value, dict):
        return {k: _json_clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_clean(v) for v in value]
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        return None
    return value


def to_json(data):
    return json.dumps(_json_clean(data), indent=2, default=_json_default, allow_nan=False)


def write_json(path, data):
    atomic_write(path, to_json(data) + "\n")


def read_json(path):
    with open(path) as handle:
        return json.load(handle)


def prepare_run_dir(out_dir, raw_card, overwrite=False, resume=False):
    """Create the run directory; refuse to clobber an existing run unless asked.

    With ``resume`` the directory must hold a run of the *same* card.
    """
    out_dir = Path(out_dir)
    card_text = yaml.safe_dump(raw_card, sort_keys=False)
    existing = out_dir / RUN_CARD
    if resume:
        if not existing.exists():
            raise ConfigError("nothing to resume: no run.yaml in the output directory",
                              where=str(out_dir), field="output")
        old = yaml.safe_load(existing.read_text())
        if old != yaml.safe_load(card_text):
            raise ConfigError("the run card differs from the one this run was started with "
                              f"({existing}); start a new run or restore the card",
                              where=str(out_dir), field="output")
    elif existing.exists() and not overwrite:
        raise ConfigError("a run already exists here; use --overwrite or another output dir",
                          where=str(out_dir), field="output")
    try:
        (out_dir / CHECKPOINT_DIR).mkdir(parents=True, exist_ok=True)
        if not resume:
            atomic_write(existing, card_text)
    except OSError as exc:
        raise ConfigError(f"cannot write the output directory: {exc.strerror}",
                          where=str(out_dir), field="output") from None
    return out_dir


def equal_weight_indices(weights, seed):
    """Indices of an equally weighted resample (systematic resampling, ≈ ESS draws)."""
    weights = np.asarray(weights, float) / np.sum(weights)
    n = max(1, int(round(1.0 / np.sum(weights ** 2))))
    offset = np.random.default_rng(np.random.SeedSequence(seed).spawn(3)[2]).uniform()
    positions = (offset + np.arange(n)) / n
    return np.minimum(np.searchsorted(np.cumsum(weights), positions), len(weights) - 1)


def write_chains(out_dir, columns, labels, n_params, weights, loglike, table, seed):
    """Write the MultiNest-layout chain files.

    ``table`` is N × len(columns): the four model parameters then derived columns;
    ``labels`` the LaTeX label per column; the first ``n_params`` columns are parameters.
    """
    out_dir = Path(out_dir)
    from .exports import write_exports   # stats file + nested samples for other tools
    write_exports(out_dir, columns, labels, n_params, weights, loglike, table, atomic_write)
    weights, loglike, table = finite_rows(weights, loglike, table)
    chain = np.column_stack([weights, -2.0 * loglike, table])
    atomic_write(out_dir / CHAIN, _format_rows(chain))
    idx = equal_weight_indices(weights, seed)
    atomic_write(out_dir / EQUAL_WEIGHTS, _format_rows(np.column_stack([table[idx], loglike[idx]])))
    names = "".join(f"{name}{'*' if i >= n_params else ''}\t{label}\n"
                    for i, (name, label) in enumerate(zip(columns, labels)))
    atomic_write(out_dir / PARAMNAMES, names)
    write_json(out_dir / "params.json", list(columns))


def finite_rows(weights, loglike, table):
    """Drop the rows the physics rejected (log L = −∞, zero posterior weight) and renormalise
    the weights; any other non-finite cell (a derived quantity without a value at an accepted
    point) becomes the documented placeholder MISSING.  So no chain file holds NaN or inf."""
    weights = np.asarray(weights, float)
    loglike = np.asarray(loglike, float)
    table = np.asarray(table, float)
    keep = np.isfinite(loglike) & (loglike > REJECTED_LOGL) & np.isfinite(weights)
    if not np.any(keep):
        raise ValueError("no accepted sample to write")
    weights, loglike, table = weights[keep], loglike[keep], table[keep].copy()
    weights = weights / np.sum(weights)
    table[~np.isfinite(table)] = MISSING
    return weights, loglike, table


def _format_rows(array):
    lines = [" ".join(f"{v: .15E}" for v in row) for row in np.atleast_2d(array)]
    return "\n".join(lines) + "\n"


def read_chains(out_dir):
    """Read a run back: dict with ``columns``, ``n_params``, ``weights``, ``loglike``,
    ``table`` (N × columns), ``labels``, ``card`` and ``run_info``."""
    out_dir = Path(out_dir)
    if not (out_dir / CHAIN).exists():
        raise ConfigError(f"no chain file {CHAIN} here: not an lmt-scan run directory",
                          where=str(out_dir))
    if (out_dir / CHAIN).stat().st_size == 0:
        raise ConfigError("empty chain file: a half-written run", where=str(out_dir / CHAIN))
    try:
        data = np.atleast_2d(np.loadtxt(out_dir / CHAIN))
    except ValueError as exc:     # a truncated or hand-edited chain
        raise ConfigError(f"unreadable chain file ({short_repr(str(exc), 80)})",
                          where=str(out_dir / CHAIN)) from None
    if not (out_dir / PARAMNAMES).is_file():
        raise ConfigError(f"no {PARAMNAMES}: a half-written run directory",
                          where=str(out_dir))
    data[:, 2:][data[:, 2:] == MISSING] = np.nan     # placeholder back to "no value"
    columns, labels, n_params = [], [], 0
    for line in (out_dir / PARAMNAMES).read_text().splitlines():
        name, _, label = line.partition("\t")
        if not name.endswith("*"):
            n_params += 1
        columns.append(name.rstrip("*"))
        labels.append(label)
    if len(columns) != data.shape[1] - 2:
        raise ConfigError(f"{data.shape[1] - 2} data columns but {len(columns)} names in "
                          f"{PARAMNAMES}: a half-written or mixed run directory",
                          where=str(out_dir / CHAIN))
    try:
        info = read_json(out_dir / RUN_INFO) if (out_dir / RUN_INFO).exists() else {}
    except ValueError:
        raise ConfigError("unreadable JSON (half-written?)", where=str(out_dir / RUN_INFO)) \
            from None
    card = yaml.safe_load((out_dir / RUN_CARD).read_text()) if (out_dir / RUN_CARD).exists() \
        else {}
    return {"columns": columns, "labels": labels, "n_params": n_params,
            "weights": data[:, 0], "loglike": -0.5 * data[:, 1], "table": data[:, 2:],
            "run_info": info, "card": card}
