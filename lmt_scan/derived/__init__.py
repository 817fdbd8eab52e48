"""Derived quantities of a model point (registered providers).

Importing this package registers every provider module below; a new observable
adds its module here.
"""
from .registry import (DERIVED, SETTINGS, DerivedQuantity, batch_form, derived_quantity,
                       model_setting)
from . import zprime, dark_sector, trident, sidm, thermal  # noqa: F401  (registration side effect)
from . import relic, sidm_batch  # noqa: F401,E402  (batched forms of dark_sector's, sidm's)

__all__ = ["DERIVED", "SETTINGS", "DerivedQuantity", "batch_form", "derived_quantity",
           "model_setting"]
