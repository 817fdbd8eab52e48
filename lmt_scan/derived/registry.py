"""Registry of derived quantities and model settings.

A derived quantity is a function ``compute(point)`` returning a float (or a dict of
floats, flattened as ``name.key`` in chains) registered under a stable name with
its unit.  :class:`~lmt_scan.point.ModelPoint` computes each at most once per point.
Providers are thin: they call pure functions of ``lmt_scan.physics`` with the
point's parameters in GeV and convert units at the edge.

A quantity may also have a batched form ``compute_batch(batch)`` (attached with
:func:`batch_form`) evaluating every row of a :class:`~lmt_scan.point.ModelBatch` at once:
it returns an array (or a dict of arrays), or ``(values, reasons)`` with ``reasons`` an
object array holding the rejection reason (str) or None per row.  It calls the same
physics functions as ``compute`` — those take numpy arrays — so the batch never holds a
second copy of a formula.  Quantities without one are evaluated row by row.

A model setting is a run-card value under ``model:`` (e.g. the freeze-out x_f)
that providers read from ``point.settings``.
"""
from ..options import Option

DERIVED = {}
SETTINGS = {}


class DerivedQuantity:
    """A registered derived quantity: ``name``, ``unit``, ``doc`` and ``compute``."""

    def __init__(self, name, unit, doc, compute, keys=None, store=True):
        self.compute_batch = None                    # set by :func:`batch_form`
        self.name = name
        self.unit = unit
        self.doc = doc
        self.compute = compute
        self.keys = tuple(keys) if keys else None   # sub-keys of a dict-valued quantity
        self.store = store                           # written with every chain sample

    def columns(self):
        """Column names this quantity occupies in chains."""
        if self.keys:
            return [f"{self.name}.{k}" for k in self.keys]
        return [self.name]


def derived_quantity(name, unit, doc, keys=None, store=True, batched=False):
    """Decorator registering ``compute(point)`` as derived quantity ``name``.

    ``batched=True`` declares that ``compute`` works unchanged on a ModelBatch (its physics
    takes arrays): it is then also the batched form, one function for both paths."""
    def register(compute):
        if name in DERIVED:
            raise ValueError(f"derived quantity {name!r} registered twice")
        DERIVED[name] = DerivedQuantity(name, unit, doc, compute, keys, store)
        if batched:
            DERIVED[name].compute_batch = compute
        return compute
    return register


def batch_form(name):
    """Decorator attaching ``compute_batch(batch)`` to the registered quantity ``name``."""
    def attach(compute_batch):
        DERIVED[name].compute_batch = compute_batch
        return compute_batch
    return attach


def model_setting(name, kind, default, doc, **limits):
    """Declare a run-card ``model:`` setting with its default and allowed range."""
    SETTINGS[name] = Option(kind, default, doc, **limits)
