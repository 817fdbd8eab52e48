"""ModelPoint: the four free parameters plus lazily computed, cached derived quantities.

Units at this interface: ``m_Zp`` [MeV], ``g_p`` [dimensionless], ``m_phi`` [MeV],
``M1`` [GeV].  Every derived quantity is computed at most once per point and shared
by all likelihood plugins (``point["y"]``, ``point["tau_Zp_s"]`` …).  A quantity
whose physics fails raises :class:`~lmt_scan.errors.PointRejected`; the failure is
cached too, so every plugin sees the same reason.
"""
import math

import numpy as np

from .derived import DERIVED, SETTINGS
from .errors import ConfigError, PointRejected
from .options import validate_options
from .physics.constants import MeV_in_GeV

PARAMETERS = ("m_Zp", "g_p", "m_phi", "M1")
PARAMETER_UNITS = {"m_Zp": "MeV", "g_p": "", "m_phi": "MeV", "M1": "GeV"}
PARAMETER_LABELS = {"m_Zp": r"$m_{Z'}$ [MeV]", "g_p": r"$g'$",
                    "m_phi": r"$m_\phi$ [MeV]", "M1": r"$M_1$ [GeV]"}


def model_settings(given=None, where=None):
    """Validated ``model:`` settings (defaults filled in)."""
    try:
        return validate_options(SETTINGS, given, "model")
    except ConfigError as err:
        raise err.located(where=where, field_prefix="model") from None


class _PhysicsUnits:
    """The free parameters in the physics unit system (GeV), for a point or for a batch
    (``params`` holds floats or arrays in the run-card units: MeV for masses, GeV for M1)."""

    @property
    def m_Zp_GeV(self):
        return self.params["m_Zp"] * MeV_in_GeV

    @property
    def m_phi_GeV(self):
        return self.params["m_phi"] * MeV_in_GeV

    @property
    def M1_GeV(self):
        return self.params["M1"]

    @property
    def g_p(self):
        return self.params["g_p"]


class ModelPoint(_PhysicsUnits):
    """One point of parameter space with cached derived quantities."""

    __slots__ = ("params", "settings", "_cache")

    def __init__(self, m_Zp, g_p, m_phi, M1, settings=None):
        self.params = {"m_Zp": float(m_Zp), "g_p": float(g_p),
                       "m_phi": float(m_phi), "M1": float(M1)}
        for name, value in self.params.items():
            if not math.isfinite(value) or value <= 0.0:
                raise PointRejected(f"nonpositive_{name}")
        self.settings = settings if settings is not None else model_settings()
        self._cache = {}

    @classmethod
    def from_dict(cls, params, settings=None):
        return cls(*(params[name] for name in PARAMETERS), settings=settings)

    def __getitem__(self, name):
        try:
            value = self._cache[name]
        except KeyError:
            if name not in DERIVED:
                raise KeyError(f"unknown derived quantity {name!r}") from None
            try:
                value = DERIVED[name].compute(self)
            except PointRejected as rejected:
                value = rejected
            self._cache[name] = value
        if isinstance(value, PointRejected):
            raise value
        return value

    def derived(self, names=None):
        """{name: value or None} for ``names`` (default: all registered), plus
        ``{name: reason}`` for those the physics rejects."""
        values, reasons = {}, {}
        for name in names if names is not None else DERIVED:
            try:
                values[name] = self[name]
            except PointRejected as rejected:
                values[name] = None
                reasons[name] = rejected.reason
            except Exception as exc:   # a failing provider must not take the others down
                values[name] = None
                reasons[name] = f"error: {type(exc).__name__}: {exc}"
        return values, reasons


class ModelBatch(_PhysicsUnits):
    """N points of parameter space evaluated together (arrays in the units of ModelPoint).

    ``batch[name]`` is derived quantity ``name`` on every row: an array (dict of arrays
    for keyed quantities) with NaN where a row is rejected, the reason in
    ``batch.reasons(name)``.  Providers with a batched form (``compute_batch``) evaluate
    all rows in one call of the same array physics functions ModelPoint's providers use;
    the others run row by row on ``batch.point(i)``, a ModelPoint reading the quantities
    already computed for the batch.  A row's reason is the one the lone point would give:
    a dependency's reason first (in the order the provider reads them), then its own.
    """

    __slots__ = ("params", "settings", "n", "rejected", "_points", "_values", "_reasons",
                 "_reading", "_params_rows")

    def __init__(self, rows, settings=None):
        """``rows``: a sequence of dicts with the four parameters, or a dict of arrays."""
        self.settings = settings if settings is not None else model_settings()
        if isinstance(rows, dict):
            self.params = {name: np.array(rows[name], dtype=float).reshape(-1)
                           for name in PARAMETERS}
        else:
            self.params = {name: np.array([row[name] for row in rows], dtype=float)
                           for name in PARAMETERS}
        self.n = len(self.params["m_Zp"])
        self.rejected = [None] * self.n
        for name, value in self.params.items():      # same order and test as ModelPoint
            bad = ~(np.isfinite(value) & (value > 0.0))
            for i in np.flatnonzero(bad):
                self.rejected[i] = self.rejected[i] or f"nonpositive_{name}"
        if any(self.rejected):
            # rejected rows get harmless numbers: their values are never read
            bad = np.array([r is not None for r in self.rejected])
            for value in self.params.values():
                value[bad] = 1.0
        self._points = [None] * self.n
        self._values, self._reasons = {}, {}
        self._reading = []          # dependency lists of the providers being evaluated
        self._params_rows = None

    def __len__(self):
        return self.n

    def __getitem__(self, name):
        if name not in self._values:
            self._compute(name)
        if self._reading:
            self._reading[-1].append(name)
        return self._values[name]

    def reasons(self, name):
        """Per-row rejection reasons of derived quantity ``name``: an object array holding
        None, the reason (str), or the exception a row-by-row provider raised."""
        if name not in self._values:
            self._compute(name)
        return self._reasons[name]

    def _compute(self, name):
        if name not in DERIVED:
            raise KeyError(f"unknown derived quantity {name!r}")
        quantity = DERIVED[name]
        if quantity.compute_batch is None:
            values, reasons = self._row_by_row(quantity)
        else:
            self._reading.append([])
            try:
                with np.errstate(all="ignore"):   # rejected rows carry NaN through
                    out = quantity.compute_batch(self)
            finally:
                read = self._reading.pop()
            values, own = out if isinstance(out, tuple) else (out, None)
            reasons = np.array(self.rejected, dtype=object)
            for why in [self._reasons[dep] for dep in dict.fromkeys(read)] + \
                    ([np.asarray(own, dtype=object)] if own is not None else []):
                take = _is_none(reasons) & ~_is_none(why)
                reasons[take] = why[take]
            values = _blank_rejected(values, reasons)
        self._values[name], self._reasons[name] = values, reasons

    def _row_by_row(self, quantity):
        """(values, reasons) of a provider without a batched form, one row at a time."""
        reasons = np.array(self.rejected, dtype=object)
        rows = []
        for i in range(self.n):
            if reasons[i] is not None:
                rows.append(None)
                continue
            try:
                rows.append(self.point(i)[quantity.name])
            except PointRejected as rejected:
                rows.append(None)
                reasons[i] = rejected.reason
            except Exception as exc:   # kept for the plugin that reads it (counted there)
                rows.append(None)
                reasons[i] = exc
        if quantity.keys:
            values = {key: np.array([math.nan if row is None else float(row[key])
                                     for row in rows]) for key in quantity.keys}
        else:
            values = np.array([math.nan if row is None else float(row) for row in rows])
        return values, reasons

    def subset(self, keep):
        """The batch of the rows selected by ``keep`` (bool mask or indices), with every
        quantity computed so far: later quantities are then computed for those rows only
        (the posterior drops rows once rejected, as the scalar path stops)."""
        keep = np.flatnonzero(keep) if np.asarray(keep).dtype == bool else np.asarray(keep)
        new = ModelBatch.__new__(ModelBatch)
        new.settings, new.n = self.settings, len(keep)
        new.params = {name: value[keep] for name, value in self.params.items()}
        new.rejected = [self.rejected[i] for i in keep]
        new._values = {name: ({k: v[keep] for k, v in value.items()}
                              if isinstance(value, dict) else value[keep])
                       for name, value in self._values.items()}
        new._reasons = {name: why[keep] for name, why in self._reasons.items()}
        new._reading = []
        new._params_rows = None
        new._points = [None] * new.n
        for j, i in enumerate(keep):
            if self._points[i] is not None:        # keep what a row computed on its own
                new._points[j] = _BatchRow(new, j)
                new._points[j]._cache = self._points[i]._cache
        return new

    def _row_params(self):
        """The rows' parameters as dicts of floats (made once: plugins without a batched
        method read one row at a time)."""
        if self._params_rows is None:
            self._params_rows = [dict(zip(PARAMETERS, row)) for row in
                                 zip(*(self.params[name].tolist() for name in PARAMETERS))]
        return self._params_rows

    def point(self, i):
        """The ModelPoint of row ``i`` (None if its parameters are rejected); it reads the
        quantities the batch computes in one go from the batch."""
        if self.rejected[i] is not None:
            return None
        if self._points[i] is None:
            self._points[i] = _BatchRow(self, i)
        return self._points[i]

    def column(self, name, rows):
        """(values on ``rows``, their reasons as an object array or None if none is
        rejected) of derived quantity ``name`` — what a batched plugin reads."""
        values, reasons = self[name], self.reasons(name)
        why = reasons[rows]
        picked = ({key: value[rows] for key, value in values.items()}
                  if isinstance(values, dict) else values[rows])
        return picked, (None if _is_none(why).all() else why)

    def values(self, name, rows=None):
        """(values, reasons) of derived quantity ``name`` on ``rows`` (default all):
        lists with a float (dict of floats) or None, and the reason or None."""
        array, reasons = self[name], self.reasons(name)
        rows = range(self.n) if rows is None else rows
        out = [None if reasons[i] is not None else _row_value(array, i) for i in rows]
        return out, [reasons[i] for i in rows]


def _is_none(reasons):
    """Boolean mask of the rows of an object array of reasons that hold None."""
    return np.equal(reasons, None)


def _row_value(values, i):
    if isinstance(values, dict):
        return {key: float(value[i]) for key, value in values.items()}
    return float(values[i])


def _blank_rejected(values, reasons):
    """``values`` as float arrays with NaN on the rejected rows."""
    bad = ~_is_none(reasons)
    if isinstance(values, dict):
        return {key: _blank_rejected(value, reasons) for key, value in values.items()}
    values = np.array(values, dtype=float).reshape(len(reasons))
    values[bad] = math.nan
    return values


class _BatchRow(ModelPoint):
    """Row ``i`` of a ModelBatch as a ModelPoint: quantities with a batched form (or already
    computed for the batch) come from the batch arrays, the others are computed here."""

    __slots__ = ("batch", "row")

    def __init__(self, batch, i):
        self.batch, self.row = batch, i
        self.params = batch._row_params()[i]
        self.settings = batch.settings
        self._cache = {}

    def __getitem__(self, name):
        batch = self.batch
        if name not in self._cache and name in DERIVED and (
                name in batch._values or DERIVED[name].compute_batch is not None):
            values = batch[name]
            why = batch.reasons(name)[self.row]
            if isinstance(why, Exception):      # a provider's bug: raised as in ModelPoint
                raise why
            self._cache[name] = PointRejected(why) if why is not None else \
                _row_value(values, self.row)
        return ModelPoint.__getitem__(self, name)
