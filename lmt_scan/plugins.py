"""Base classes for likelihood and prior plugins, and their discovery.

A likelihood is a small class (Cobaya-like): a ``name``, declared ``options``,
the derived quantities it ``requires`` from a :class:`~lmt_scan.point.ModelPoint`,
and one ``loglike(point)`` returning a float.  A point the observable cannot
accept raises :class:`~lmt_scan.errors.PointRejected` (or returns −∞); the run
counts the reason.

Plugins are found by name through the entry-point groups ``lmt_scan.likelihoods``
and ``lmt_scan.priors`` (so another installed package can add some), or by
``module:Class`` / ``path/to/file.py:Class`` in a run card.
"""
import importlib
import importlib.util
import inspect
import math
import sys
from importlib.metadata import entry_points
from pathlib import Path

import numpy as np

from .errors import ConfigError, PointRejected  # noqa: F401  (re-exported for plugins)
from .options import Option, validate_options

LIKELIHOOD_GROUP = "lmt_scan.likelihoods"
PRIOR_GROUP = "lmt_scan.priors"


class Likelihood:
    """Base class of likelihood plugins.

    Subclasses set ``name``, ``options`` ({name: Option}), ``requires`` (derived
    quantity names read from the point) and implement :meth:`loglike`.  Data files
    live beside the plugin's module; use :meth:`data_path` to find them.
    """

    name = None
    options = {}
    requires = ()
    description = ""

    def __init__(self, **options):
        self.opts = validate_options(self.options, options, f"likelihood {self.name!r}")
        self.setup()

    def setup(self):
        """Load data / precompute; called once after options are validated."""

    def loglike(self, point):
        """Return log L (natural log) at ``point``; raise PointRejected for −∞ with a reason."""
        raise NotImplementedError

    def loglike_batch(self, batch, rows):
        """log L on ``rows`` of a :class:`~lmt_scan.point.ModelBatch`: a list with, per row,
        a float, a PointRejected reason (str) or the Exception raised.  This default loops
        over :meth:`loglike` (so a plugin without a batched method works unchanged); a
        plugin may override it with an array formula giving the same numbers."""
        out = []
        for i in rows:
            try:
                out.append(float(self.loglike(batch.point(i))))
            except PointRejected as rejected:
                out.append(rejected.reason)
            except Exception as exc:   # counted by the posterior, never a crash mid-run
                out.append(exc)
        return out

    @staticmethod
    def batch_answer(values, reasons, rejected_reason=None):
        """``(values, reasons)`` for :meth:`loglike_batch` from an array of log L and the
        reasons of the quantities read (``batch.column``): rows at −∞ without a reason get
        ``rejected_reason`` (what the scalar ``loglike`` raises there)."""
        values = np.asarray(values, dtype=float)
        if rejected_reason is not None:
            excluded = values == -math.inf
            if excluded.any():
                reasons = (np.full(values.shape, None, dtype=object) if reasons is None
                           else reasons.copy())
                reasons[excluded & np.equal(reasons, None)] = rejected_reason
        return values, reasons

    def data_path(self, filename):
        """Path of a data file shipped beside this plugin's module (ConfigError if missing)."""
        module = inspect.getmodule(type(self))
        path = Path(module.__file__).resolve().parent / "data" / filename
        if not path.is_file():
            raise ConfigError(f"data file not found: {path}", field=f"likelihood {self.name}")
        return path


class Prior:
    """Base class of prior plugins: maps the unit interval onto a parameter.

    ``transform(u)`` is the inverse CDF (for nested samplers), ``log_density(x)``
    the normalised log prior density (for MCMC; −∞ outside the support),
    ``bounds`` the support used for plotting, ``log_axis`` whether plots use a log axis.
    """

    name = None
    description = ""
    options = {}
    fixed = False
    log_axis = False

    def __init__(self, **options):
        self.opts = validate_options(self.options, options, f"prior {self.name!r}")
        self.setup()

    def setup(self):
        """Check option consistency (raise ConfigError) and precompute."""

    def transform(self, u):
        raise NotImplementedError

    def log_density(self, x):
        raise NotImplementedError

    @property
    def bounds(self):
        return (self.transform(1e-6), self.transform(1 - 1e-6))

    def initial(self, rng):
        """A random start point for MCMC walkers (a prior draw)."""
        return self.transform(rng.uniform())


def _entry_points(group):
    return {ep.name: ep for ep in entry_points(group=group)}


def _load_by_reference(reference, base):
    """Load ``module:Class`` or ``file.py:Class``."""
    target, _, cls_name = reference.rpartition(":")
    try:
        if target.endswith(".py"):
            path = Path(target)
            if not path.is_file():
                raise ConfigError(f"plugin file not found: {target}")
            module_name = f"lmt_user_plugin_{path.stem}"
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            # registered so instances pickle (checkpoints, process pools)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
        else:
            module = importlib.import_module(target)
    except ConfigError:
        raise
    except Exception as exc:  # any import failure is a configuration error here
        raise ConfigError(f"cannot import plugin module {target!r}: {exc}") from None
    cls = getattr(module, cls_name, None)
    if not (inspect.isclass(cls) and issubclass(cls, base)):
        raise ConfigError(f"{reference!r} is not a {base.__name__} class")
    return cls


def load_plugin(name, group):
    """Return the plugin class for ``name`` (entry-point name or ``module:Class``)."""
    base = Likelihood if group == LIKELIHOOD_GROUP else Prior
    if not isinstance(name, str) or not name:
        raise ConfigError(f"plugin name must be a non-empty string, got {name!r}")
    if ":" in name:
        return _load_by_reference(name, base)
    available = _entry_points(group)
    if name not in available:
        kind = "likelihood" if base is Likelihood else "prior"
        known = ", ".join(sorted(available)) or "none installed"
        raise ConfigError(f"unknown {kind} plugin {name!r} (installed: {known})")
    try:
        cls = available[name].load()
    except Exception as exc:
        raise ConfigError(f"plugin {name!r} failed to load: {exc}") from None
    if not (inspect.isclass(cls) and issubclass(cls, base)):
        raise ConfigError(f"entry point {name!r} is not a {base.__name__} class")
    return cls


def installed_plugins(group):
    """{name: class} of every installed plugin of ``group`` that loads."""
    found = {}
    for name in sorted(_entry_points(group)):
        try:
            found[name] = load_plugin(name, group)
        except ConfigError:
            continue
    return found


class UpperLimitLikelihood(Likelihood):
    """A likelihood for a quantity bounded from above (an exclusion limit).

    Subclasses implement ``bounded(point) -> (value, limit)`` (or None where the limit
    does not apply) and include ``SHAPE_OPTIONS`` in their options; a point beyond a
    hard limit is rejected with reason ``<name>_excluded``.
    """

    SHAPE_OPTIONS = {
        "shape": Option(str, "smooth", "hard: cut at the limit (as the paper); smooth: "
                        "half-Gaussian with the limit at limit_sigma σ", choices=("smooth", "hard")),
        "limit_sigma": Option(float, 1.96, "the limit sits at this many σ (smooth shape)",
                              minimum=0.0, exclusive_minimum=True),
    }

    def bounded(self, point):
        raise NotImplementedError

    def bounded_batch(self, batch, rows):
        """Batched :meth:`bounded`: ``(values, limits, reasons)`` arrays on ``rows`` (limit
        NaN where it does not apply, reasons from ``batch.column``), or None to loop over
        :meth:`bounded` (the default)."""
        return None

    def limit_sigma(self):
        return self.opts["limit_sigma"]

    def loglike(self, point):
        bounded = self.bounded(point)
        if bounded is None:
            return 0.0
        value = one_sided_loglike(bounded[0], bounded[1], self.opts["shape"], self.limit_sigma())
        if value == -math.inf:
            raise PointRejected(f"{self.name}_excluded")
        return value

    def loglike_batch(self, batch, rows):
        bounded = self.bounded_batch(batch, rows)
        if bounded is None:
            return super().loglike_batch(batch, rows)
        values, limits, reasons = bounded
        out = np.zeros(len(rows))
        applies = ~np.isnan(limits)
        out[applies] = one_sided_loglike(values[applies], limits[applies], self.opts["shape"],
                                         self.limit_sigma())
        return self.batch_answer(out, reasons, f"{self.name}_excluded")


def gaussian_loglike(value, mean, sigma):
    """log of a normalised-shape Gaussian, −½((value−mean)/σ)² (constant dropped)."""
    return -0.5 * ((value - mean) / sigma) ** 2


def one_sided_loglike(ratio, limit, shape, limit_sigma=1.96):
    """Log L for a quantity ``ratio`` ≥ 0 bounded above by ``limit``.

    ``hard``: 0 below the limit, −∞ above (reproduces a paper's exclusion line);
    ``smooth``: a half-Gaussian centred on zero with the limit at ``limit_sigma`` σ,
    i.e. Δχ² = limit_sigma² at the limit (the usual reading of a 95 % CL bound).
    Floats or arrays.
    """
    if shape == "hard":
        if np.ndim(ratio) == 0 and np.ndim(limit) == 0:
            return 0.0 if ratio <= limit else -math.inf
        return np.where(ratio <= limit, 0.0, -math.inf)   # NaN (a rejected row) → −∞
    return -0.5 * (ratio * limit_sigma / limit) ** 2
