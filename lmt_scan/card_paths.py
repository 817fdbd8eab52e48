"""Data files named in a run card resolve against the card's directory, not the shell's.

``config.load_run_card`` sets the card's directory (:func:`card_directory`) while the card's
plugins set up; a plugin resolves a relative path option with :func:`resolve` and reports the
absolute path it read in ``plugin.resolved_paths`` ({option: path}), which :func:`record`
writes into the resolved card (run.yaml), so a run directory names the files it used
wherever it is read again.  Without a card (``lmt-scan point`` without ``--run``, a plugin
made in Python) a relative path is relative to the working directory.
"""
import contextlib
import contextvars
from pathlib import Path

_CARD_DIR = contextvars.ContextVar("lmt_scan_card_dir", default=None)


@contextlib.contextmanager
def card_directory(directory):
    """Resolve relative data paths against ``directory`` inside this block."""
    token = _CARD_DIR.set(Path(directory))
    try:
        yield
    finally:
        _CARD_DIR.reset(token)


def base_directory():
    """The directory relative paths resolve against now (the card's, else the cwd)."""
    return _CARD_DIR.get() or Path.cwd()


def resolve(path):
    """``path`` (str) as a Path: absolute or ``~`` as given, else under the card's directory."""
    path = Path(path).expanduser()
    if path.is_absolute():
        return path
    base = _CARD_DIR.get()
    return base / path if base is not None else path


def record(raw, plugins):
    """The card mapping ``raw`` with each plugin's ``resolved_paths`` written into its options
    (a new mapping; ``raw`` itself is left alone)."""
    spec = raw.get("likelihoods")
    changes = {label: getattr(plugin, "resolved_paths", None) for label, plugin in plugins.items()}
    if not isinstance(spec, dict) or not any(changes.values()):
        return raw
    spec = dict(spec)
    for label, paths in changes.items():
        if paths and isinstance(spec.get(label), dict):
            spec[label] = {**spec[label], **paths}
    return {**raw, "likelihoods": spec}
