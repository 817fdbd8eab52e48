"""Run cards: read a YAML file, validate it, resolve plugins → :class:`RunConfig`.

Every error is a :class:`~lmt_scan.errors.ConfigError` naming the file and the field
(``parameters.m_Zp.min``, ``likelihoods.borexino.shape`` …).

Run-card layout::

    name: quickstart            # optional, default: file stem
    seed: 12345                 # drives everything (numpy SeedSequence)
    output: chains/quickstart   # or {dir: ..., overwrite: false}
    model: {x_f: 20}            # optional model settings (lmt-scan plugins lists them)
    parameters:                 # all four; a number fixes the parameter
      m_Zp: {prior: log_uniform, min: 5, max: 300}     # MeV
      g_p:  {prior: log_uniform, min: 1.0e-5, max: 1.0e-2}
      m_phi: 20                                         # MeV
      M1: 20                                            # GeV
    likelihoods:                # label: options (plugin defaults to the label)
      muon_g2: {dataset: paper2018_a}
      g2_new: {plugin: muon_g2, dataset: exp2025_wp2025}
    sampler: {name: dynesty, nlive: 200}
"""
import copy
import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ConfigError
from .plugins import LIKELIHOOD_GROUP, PRIOR_GROUP, load_plugin
from .point import PARAMETERS, PARAMETER_UNITS, model_settings

TOP_LEVEL_KEYS = ("name", "seed", "output", "model", "parameters", "likelihoods", "sampler")
MASS_PARAMETERS = ("m_Zp", "m_phi", "M1")
DEFAULT_SAMPLER = "dynesty"


@dataclass
class RunConfig:
    """A validated run card.  ``raw`` is the card as read (written back to the run dir)."""
    path: str
    name: str
    seed: int
    output_dir: Path
    overwrite: bool
    settings: dict
    priors: dict                 # {parameter: Prior instance}
    likelihoods: dict            # {label: Likelihood instance}
    sampler_name: str
    sampler_settings: dict
    raw: dict = field(repr=False, default_factory=dict)

    @property
    def free_parameters(self):
        return [p for p in PARAMETERS if not self.priors[p].fixed]


def read_yaml(path):
    """Parse a YAML file into a mapping; syntax errors become ConfigError with the line."""
    where = str(path)
    try:
        with open(path) as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError:
        raise ConfigError("run card not found", where=where) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a run card", where=where) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"YAML syntax error: {problem}", where=where, field=line) from None
    if not isinstance(data, dict):
        raise ConfigError("a run card must be a YAML mapping", where=where)
    return data


def _prior(name, spec):
    """Prior instance for parameter ``name`` from a number or a mapping."""
    if isinstance(spec, bool) or spec is None:
        raise ConfigError(f"expected a number or a prior mapping, got {spec!r}")
    if isinstance(spec, (int, float, str)) and not isinstance(spec, dict):
        spec = {"prior": "fixed", "value": spec}
    if not isinstance(spec, dict):
        raise ConfigError(f"expected a number or a prior mapping, got {spec!r}")
    spec = dict(spec)
    prior_name = spec.pop("prior", None)
    if prior_name is None:
        raise ConfigError("missing 'prior' (uniform, log_uniform, gaussian, fixed, or module:Class)",
                          field="prior")
    cls = load_plugin(prior_name, PRIOR_GROUP)
    prior = cls(**spec)
    if name in MASS_PARAMETERS:
        lo, hi = prior.bounds
        if not (lo > 0.0 and math.isfinite(hi)) and prior_name != "gaussian":
            raise ConfigError(f"masses must be positive and finite ({PARAMETER_UNITS[name]}), "
                              f"got support [{lo}, {hi}]",
                              field="value" if prior.fixed else "min")
    if name == "g_p" and prior.bounds[0] <= 0.0 and prior_name != "gaussian":
        raise ConfigError("the coupling g' must be positive",
                          field="value" if prior.fixed else "min")
    return prior


def _likelihoods(spec):
    if isinstance(spec, list):   # a plain list of plugin names
        spec = {entry: {} for entry in spec} if all(isinstance(e, str) for e in spec) else spec
    if not isinstance(spec, dict) or not spec:
        raise ConfigError("expected a non-empty mapping {label: options}")
    result = {}
    for label, options in spec.items():
        options = {} if options is None else options
        if not isinstance(options, dict):
            raise ConfigError(f"options must be a mapping, got {options!r}", field=str(label))
        options = dict(options)
        plugin = options.pop("plugin", label)
        try:
            cls = load_plugin(plugin, LIKELIHOOD_GROUP)
            result[str(label)] = cls(**options)
        except ConfigError as err:
            raise err.located(field_prefix=str(label)) from None
    return result


def _sampler(spec, override=None):
    from .samplers import sampler_class   # late import: samplers import config
    if spec is None:
        spec = {}
    if isinstance(spec, str):
        spec = {"name": spec}
    if not isinstance(spec, dict):
        raise ConfigError(f"expected a sampler name or mapping, got {spec!r}")
    spec = dict(spec)
    name = spec.pop("name", DEFAULT_SAMPLER)
    settings = spec.pop("settings", None)
    if override and override != name:   # the card's settings belong to another sampler
        name, spec, settings = override, {}, None
    if settings is not None:
        if not isinstance(settings, dict):
            raise ConfigError("expected a mapping", field="settings")
        spec.update(settings)
    cls = sampler_class(name)
    return name, cls.validate(spec)


def load_run_card(path, output_override=None, sampler_override=None, overwrite=False):
    """Read and validate the run card at ``path`` → RunConfig (ConfigError on any problem)."""
    where = str(path)
    raw = read_yaml(path)
    unknown = [k for k in raw if k not in TOP_LEVEL_KEYS]
    if unknown:
        raise ConfigError(f"unknown key (allowed: {', '.join(TOP_LEVEL_KEYS)})",
                          where=where, field=str(unknown[0]))

    def section(key, build):
        try:
            return build()
        except ConfigError as err:
            raise err.located(where=where, field_prefix=key) from None

    name = raw.get("name", Path(path).stem)
    if not isinstance(name, str) or not name or "/" in name:
        raise ConfigError("must be a non-empty string without '/'", where=where, field="name")
    seed = raw.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigError(f"must be a non-negative integer, got {seed!r}", where=where, field="seed")

    output = raw.get("output", f"chains/{name}")
    if isinstance(output, str):
        output = {"dir": output}
    if not isinstance(output, dict) or not isinstance(output.get("dir"), str) \
            or set(output) - {"dir", "overwrite"}:
        raise ConfigError("expected a directory or {dir: ..., overwrite: bool}",
                          where=where, field="output")
    out_dir = Path(output_override or output["dir"])
    overwrite = overwrite or bool(output.get("overwrite", False))

    settings = model_settings(raw.get("model"), where=where)

    params = raw.get("parameters")
    if not isinstance(params, dict):
        raise ConfigError("missing or not a mapping (needs m_Zp, g_p, m_phi, M1)",
                          where=where, field="parameters")
    extra = [p for p in params if p not in PARAMETERS]
    if extra:
        raise ConfigError(f"unknown parameter (model parameters: {', '.join(PARAMETERS)})",
                          where=where, field=f"parameters.{extra[0]}")
    priors = {}
    for p in PARAMETERS:
        if p not in params:
            raise ConfigError("missing (give a prior or a fixed value)", where=where,
                              field=f"parameters.{p}")
        priors[p] = section(f"parameters.{p}", lambda p=p: _prior(p, params[p]))
    if all(prior.fixed for prior in priors.values()):
        raise ConfigError("every parameter is fixed: nothing to sample", where=where,
                          field="parameters")

    if "likelihoods" not in raw:
        raise ConfigError("missing", where=where, field="likelihoods")
    likelihoods = section("likelihoods", lambda: _likelihoods(raw["likelihoods"]))
    sampler_name, sampler_settings = section(
        "sampler", lambda: _sampler(raw.get("sampler"), sampler_override))

    resolved = copy.deepcopy(raw)
    resolved.update({"name": name, "seed": seed, "model": settings,
                     "sampler": {"name": sampler_name, **sampler_settings}})
    return RunConfig(path=where, name=name, seed=seed, output_dir=out_dir, overwrite=overwrite,
                     settings=settings, priors=priors, likelihoods=likelihoods,
                     sampler_name=sampler_name, sampler_settings=sampler_settings, raw=resolved)
