"""Sampler adapters behind one interface.

An adapter has ``name``, declared ``options``, and ``run(posterior, workdir, seed,
resume, progress) -> SamplerResult``.  Backends are imported only when used (so a
missing MultiNest library never breaks ``import lmt_scan``).
"""
import importlib

from ..errors import ConfigError
from .base import SamplerAdapter, SamplerResult, SamplerUnavailable

_ADAPTERS = {
    "dynesty": "lmt_scan.samplers.dynesty_adapter:DynestyAdapter",
    "emcee": "lmt_scan.samplers.emcee_adapter:EmceeAdapter",
    "multinest": "lmt_scan.samplers.multinest_adapter:MultiNestAdapter",
}

SAMPLERS = tuple(_ADAPTERS)


def sampler_class(name):
    """Adapter class for sampler ``name`` (ConfigError if unknown)."""
    if name not in _ADAPTERS:
        raise ConfigError(f"unknown sampler {name!r} (available: {', '.join(_ADAPTERS)})",
                          field="name")
    module, _, cls = _ADAPTERS[name].partition(":")
    return getattr(importlib.import_module(module), cls)


__all__ = ["SAMPLERS", "SamplerAdapter", "SamplerResult", "SamplerUnavailable", "sampler_class"]
