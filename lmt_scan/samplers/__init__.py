"""Sampler adapters behind one interface, found as plugins.

An adapter has ``name``, declared ``options``, and ``run(posterior, workdir, seed,
resume, progress, pool) -> (SamplerResult, posterior)``.  Adapters are registered in the
entry-point group ``lmt_scan.samplers`` (the built-ins too, in setup.cfg); a run card may
also name one as ``module:Class`` or ``path/file.py:Class``.  Backends are imported only
when used (so a missing MultiNest library never breaks ``import lmt_scan``).
"""
from importlib import metadata

from ..errors import ConfigError
from .base import SamplerAdapter, SamplerResult, SamplerUnavailable

GROUP = "lmt_scan.samplers"
# used only when the package metadata is missing (e.g. running from a source tree)
_BUILTIN = {
    "dynesty": "lmt_scan.samplers.dynesty_adapter:DynestyAdapter",
    "emcee": "lmt_scan.samplers.emcee_adapter:EmceeAdapter",
    "multinest": "lmt_scan.samplers.multinest_adapter:MultiNestAdapter",
    "nautilus": "lmt_scan.samplers.nautilus_adapter:NautilusAdapter",
    "ultranest": "lmt_scan.samplers.ultranest_adapter:UltraNestAdapter",
}


def registered():
    """{name: "module:Class"} of every adapter in the entry-point group (built-ins first)."""
    found = dict(_BUILTIN)
    for ep in metadata.entry_points(group=GROUP):
        found[ep.name] = ep.value
    return found


def __getattr__(name):      # SAMPLERS reflects the plugins installed right now
    if name == "SAMPLERS":
        return tuple(registered())
    raise AttributeError(name)


def _load(spec, name):
    from ..plugins import _load_by_reference    # the loader of likelihood/prior plugins
    try:
        return _load_by_reference(spec, SamplerAdapter)
    except ConfigError as err:
        raise ConfigError(f"sampler {name!r}: {err}", field="name") from None


def sampler_class(name):
    """Adapter class for sampler ``name`` or ``module:Class`` (ConfigError if unknown)."""
    adapters = registered()
    if name in adapters:
        cls = _load(adapters[name], name)
    elif ":" in str(name):
        cls = _load(name, name)
    else:
        raise ConfigError(f"unknown sampler {name!r} (available: {', '.join(adapters)}; or "
                          "module:Class)", field="name")
    return cls


__all__ = ["GROUP", "SAMPLERS", "SamplerAdapter", "SamplerResult", "SamplerUnavailable",
           "registered", "sampler_class"]
