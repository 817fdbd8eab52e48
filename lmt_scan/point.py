"""ModelPoint: the four free parameters plus lazily computed, cached derived quantities.

Units at this interface: ``m_Zp`` [MeV], ``g_p`` [dimensionless], ``m_phi`` [MeV],
``M1`` [GeV].  Every derived quantity is computed at most once per point and shared
by all likelihood plugins (``point["y"]``, ``point["tau_Zp_s"]`` …).  A quantity
whose physics fails raises :class:`~lmt_scan.errors.PointRejected`; the failure is
cached too, so every plugin sees the same reason.
"""
import math

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


class ModelPoint:
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

    # parameters in the physics unit system (GeV)
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


class ModelBatch:
    """N points of parameter space evaluated together (arrays in the units of ModelPoint).

    Row ``i`` is the :class:`ModelPoint` ``batch.point(i)`` (None where the parameters
    themselves are rejected, reason in ``batch.rejected[i]``): derived quantities come from
    the same registry of providers, so a batch never holds a second copy of the physics and
    a value in row ``i`` is bit-identical to the one of the lone point.
    """

    __slots__ = ("params", "settings", "n", "rejected", "_points")

    def __init__(self, rows, settings=None):
        """``rows``: sequence of dicts with the four parameters."""
        self.settings = settings if settings is not None else model_settings()
        self.n = len(rows)
        self.params = {name: [float(row[name]) for row in rows] for name in PARAMETERS}
        self.rejected = [None] * self.n
        self._points = [None] * self.n
        for i, row in enumerate(rows):
            try:
                self._points[i] = ModelPoint.from_dict(row, self.settings)
            except PointRejected as rejected:
                self.rejected[i] = rejected.reason

    def __len__(self):
        return self.n

    def point(self, i):
        """The ModelPoint of row ``i`` (its derived quantities cached with the batch)."""
        return self._points[i]

    def values(self, name, rows=None):
        """(values, reasons) of derived quantity ``name`` on ``rows`` (default all):
        lists with None as value and the reason string where the physics rejects a row."""
        values, reasons = [], []
        for i in range(self.n) if rows is None else rows:
            point = self._points[i]
            if point is None:
                values.append(None)
                reasons.append(self.rejected[i])
                continue
            try:
                values.append(point[name])
                reasons.append(None)
            except PointRejected as rejected:
                values.append(None)
                reasons.append(rejected.reason)
        return values, reasons
