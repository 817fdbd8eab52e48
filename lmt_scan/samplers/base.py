"""The common sampler interface and its result type."""
from dataclasses import dataclass, field

import numpy as np

from ..errors import ConfigError
from ..options import validate_options


class SamplerUnavailable(ConfigError):
    """The backend cannot run on this machine (e.g. libmultinest missing)."""


@dataclass
class SamplerResult:
    """Weighted samples of the free parameters.

    ``samples`` (N × ndim), ``weights`` (N, sum 1), ``loglike`` (N), ``logz``/``logz_err``
    (None for MCMC), ``ncall`` likelihood evaluations (None: the Posterior's own count,
    which includes pool workers once collected), ``info`` sampler-specific extras.
    """
    samples: np.ndarray
    weights: np.ndarray
    loglike: np.ndarray
    logz: float = None
    logz_err: float = None
    ncall: int = None
    info: dict = field(default_factory=dict)


class SamplerAdapter:
    """Base adapter: subclasses set ``name``, ``options`` and implement ``run``."""

    name = None
    options = {}
    description = ""

    @classmethod
    def validate(cls, given):
        return validate_options(cls.options, given, f"sampler {cls.name!r}")

    def __init__(self, settings):
        self.settings = settings

    def __init_subclass__(cls, **kwargs):
        """Every adapter's ``run`` (plugins' too) records its ln Z ± error beside the
        checkpoint, for the stats file other tools read (lmt_scan.exports)."""
        super().__init_subclass__(**kwargs)
        if "run" in cls.__dict__:
            cls.run = _recording(cls.__dict__["run"])

    counts = None   # a samplers.counts.RunCounts, set by the runner before ``run``

    def save_counts(self, every_s=0.0):
        """Record the whole run's call counts: call it right before writing a checkpoint."""
        if self.counts is not None:
            self.counts.save(every_s)

    def calls_so_far(self, posterior):
        """Likelihood calls of the whole run so far (earlier parts + this process's)."""
        return (self.counts.before["ncall"] if self.counts is not None else 0) + posterior.ncall

    backend_module = None   # importable name of an optional backend package
    install_hint = None     # what to install when it is missing

    def check_available(self):
        """Raise SamplerUnavailable when the backend cannot run here (before any output)."""
        if self.backend_module is None:
            return
        try:
            __import__(self.backend_module)
        except ImportError:
            raise SamplerUnavailable(self.install_hint, field="sampler.name") from None

    def run(self, posterior, workdir, seed, resume=False, progress=True, pool=None):
        """Sample ``posterior``; ``pool`` (with ``map`` and ``size``) parallelises calls."""
        raise NotImplementedError

    @classmethod
    def resource_needs(cls, settings, ndim, row_bytes):
        """Lower bounds on what ``settings`` make a run of ``ndim`` free parameters hold:
        ``[(field, "memory" | "disk", bytes, what)]`` (``row_bytes``: one stored sample
        with its derived columns).  Checked against the machine before the run starts
        (:mod:`lmt_scan.resources`), so an absurd size is refused naming its field."""
        return []


NESTED_INFO = "nested.json"
EVIDENCE = "evidence.json"


def _recording(run):
    import functools
    import json
    import math
    from pathlib import Path

    @functools.wraps(run)
    def wrapper(self, posterior, workdir, *args, **kwargs):
        out = run(self, posterior, workdir, *args, **kwargs)
        result = out[0] if isinstance(out, tuple) else out

        def number(x):
            return float(x) if x is not None and math.isfinite(float(x)) else None
        path = Path(workdir) / EVIDENCE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"logz": number(result.logz),
                                    "logz_err": number(result.logz_err)}))
        return out
    return wrapper


def write_nested_info(workdir, birth_index, logz, logz_err, nlive=None):
    """Record, beside the sampler's checkpoint, what makes the result *nested* samples:
    for every returned row (in order of death) the row whose ln L contour it was born in
    (−1: drawn from the prior), and the sampler's ln Z ± error.  lmt_scan.exports turns it
    into a stats file and a PolyChord dead-birth file."""
    import json
    import os
    from pathlib import Path
    path = Path(workdir) / NESTED_INFO
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"birth_index": [int(i) for i in birth_index], "logz": logz,
                               "logz_err": logz_err, "nlive": nlive}))
    os.replace(tmp, path)


def constant_nlive_births(n_rows, nlive):
    """Birth rows of a static nested sampler with ``nlive`` live points whose result holds
    the dead points then the final live points, in order of ln L: row i was born in the
    contour of row i − nlive."""
    return np.arange(n_rows) - nlive if n_rows else np.zeros(0, int)


def births_from_nlive(nlive_per_row):
    """Birth rows from the number of live points when each row died (e.g. dynesty's
    ``samples_n``, which drops at ln L plateaus): when row i dies and the count at the next
    death does not drop, new points were born in row i's contour; they are given, in order,
    to the rows after the first n_0 (−1: drawn from the prior)."""
    n = np.asarray(nlive_per_row, int)
    births = [-1] * int(n[0]) if len(n) else []
    for i in range(len(n)):
        after = n[i + 1] if i + 1 < len(n) else 0
        births += [i] * max(int(after - n[i] + 1), 0)
    births = np.array(births[:len(n)], int)
    if len(births) != len(n) or np.any(births >= np.arange(len(n))):
        raise ValueError("live-point counts inconsistent with one static run")
    return births


def nlive_from_logvol(logvol):
    """Live points at each death from the ln X steps of a static run: dynesty steps
    ln X by −1/n while sampling and by ln(n/(n+1)) for the final live points."""
    steps = np.diff(np.concatenate([[0.0], np.asarray(logvol, float)]))
    guess = -1.0 / np.minimum(steps, -1e-300)
    out = []
    for step, g in zip(steps, guess):
        candidates = [max(int(np.floor(g)) + k, 1) for k in (-1, 0, 1, 2)]
        out.append(min(candidates, key=lambda n: min(abs(step + 1.0 / n),
                                                     abs(step - np.log(n / (n + 1.0))))))
    return np.array(out, int)
