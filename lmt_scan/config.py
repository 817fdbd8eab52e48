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

from .errors import ConfigError, short_repr
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


MAX_ALIASES = 100     # a card needs a few anchors; thousands are an alias bomb
MAX_DEPTH = 20        # a run card is 4 levels deep


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (the last would silently win), more than
    MAX_ALIASES aliases and nesting deeper than MAX_DEPTH (before anything is expanded)."""

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _CardError(f"more than {MAX_ALIASES} YAML aliases (an alias bomb?)",
                                 self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _CardError(f"nested deeper than {MAX_DEPTH} levels",
                                 self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:     # unhashable key: SafeLoader reports it below
                duplicate = False
            if duplicate:
                raise _CardError(f"duplicate key {short_repr(key)} (refused: the last one "
                                 "would silently win)", key_node.start_mark, field=str(key))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _CardError(Exception):
    def __init__(self, message, mark, field=None):
        super().__init__(message)
        self.message, self.mark, self.field = message, mark, field


def read_yaml(path):
    """Parse a YAML file (UTF-8) into a mapping; every problem is a ConfigError with the line."""
    where = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        text = raw.decode("utf-8")
        if "\x00" in text:
            raise UnicodeDecodeError("utf-8", raw, text.index("\x00"), text.index("\x00") + 1,
                                     "NUL byte")
        data = yaml.load(text, Loader=_StrictLoader)
    except FileNotFoundError:
        raise ConfigError("run card not found", where=where) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a run card", where=where) from None
    except PermissionError:
        raise ConfigError("run card not readable (permission denied)", where=where) from None
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError(f"not UTF-8 text (byte {exc.start}: {exc.reason}); save the card "
                          "as UTF-8", where=where, field=f"line {line}") from None
    except _CardError as exc:
        field = f"line {exc.mark.line + 1}" + (f": {exc.field}" if exc.field else "")
        raise ConfigError(exc.message, where=where, field=field) from None
    except RecursionError:
        raise ConfigError(f"nested too deeply (at most {MAX_DEPTH} levels)", where=where) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"YAML syntax error: {problem}", where=where, field=line) from None
    if not isinstance(data, dict):
        raise ConfigError("a run card must be a YAML mapping", where=where)
    bad_key = next((k for k in data if not isinstance(k, str)), None)
    if bad_key is not None:
        raise ConfigError(f"keys must be text, got {short_repr(bad_key)}", where=where,
                          field=str(bad_key))
    return data


def apply_overrides(raw, items, where="--set"):
    """Apply ``KEY.PATH=VALUE`` command-line overrides (VALUE read as YAML) to a card mapping."""
    raw = copy.deepcopy(raw)
    for item in items or []:
        key, sep, value = item.partition("=")
        path = [k for k in key.strip().split(".") if k]
        if not sep or not path:
            raise ConfigError(f"expected KEY.PATH=VALUE (e.g. sampler.nlive=400), got "
                              f"{short_repr(item)}", where=where)
        try:
            parsed = yaml.load(value, Loader=_StrictLoader)
        except (yaml.YAMLError, _CardError):
            raise ConfigError(f"cannot read value {short_repr(value)}", where=where,
                              field=key) from None
        node = raw
        for i, k in enumerate(path[:-1]):
            child = node.get(k)
            if child is None:
                child = node[k] = {}
            elif isinstance(child, str) and k == "sampler":
                child = node[k] = {"name": child}
            elif not isinstance(child, dict):
                raise ConfigError(f"{'.'.join(path[:i + 1])} is not a mapping in the card",
                                  where=where, field=key)
            node = child
        node[path[-1]] = parsed
    return raw


def first_difference(old, new, prefix=""):
    """Dotted path of the first field where two card mappings differ (None if equal)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            if key not in old or key not in new:
                return f"{prefix}{key}"
            found = first_difference(old[key], new[key], f"{prefix}{key}.")
            if found:
                return found
        return None
    return None if old == new else prefix.rstrip(".") or "(whole card)"


def _prior(name, spec):
    """Prior instance for parameter ``name`` from a number or a mapping."""
    if isinstance(spec, bool) or spec is None:
        raise ConfigError(f"expected a number or a prior mapping, got {short_repr(spec)}")
    if isinstance(spec, (int, float, str)) and not isinstance(spec, dict):
        spec = {"prior": "fixed", "value": spec}
    if not isinstance(spec, dict):
        raise ConfigError(f"expected a number or a prior mapping, got {short_repr(spec)}")
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
            raise ConfigError(f"options must be a mapping, got {short_repr(options)}", field=str(label))
        options = dict(options)
        plugin = options.pop("plugin", label)
        try:
            cls = load_plugin(plugin, LIKELIHOOD_GROUP)
            result[str(label)] = cls(**options)
        except ConfigError as err:
            raise err.located(field_prefix=str(label)) from None
        except Exception as exc:   # the plugin's own setup() failed: its error, one line
            raise ConfigError(f"plugin {plugin!s} failed to set up: {type(exc).__name__}: "
                              f"{short_repr(str(exc), 120)}", field=str(label)) from None
    return result


def _sampler(spec, override=None):
    from .samplers import sampler_class   # late import: samplers import config
    if spec is None:
        spec = {}
    if isinstance(spec, str):
        spec = {"name": spec}
    if not isinstance(spec, dict):
        raise ConfigError(f"expected a sampler name or mapping, got {short_repr(spec)}")
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


def _check_sizes(sampler_name, settings, priors, likelihoods, out_dir):
    """Refuse sampler sizes this machine cannot hold (memory, disk), before any output."""
    from .posterior import derived_columns
    from .resources import check_resources, row_bytes
    from .samplers import sampler_class
    ndim = sum(not prior.fixed for prior in priors.values())
    n_columns = 2 + len(PARAMETERS) + len(derived_columns(list(likelihoods)))
    needs = sampler_class(sampler_name).resource_needs(settings, ndim, row_bytes(n_columns))
    check_resources(needs, out_dir)


def _with_sampler(raw, name):
    """The card with sampler ``name``; the card's settings are dropped if they are another's."""
    spec = raw.get("sampler")
    if isinstance(spec, str) or spec is None:
        card_name = spec or DEFAULT_SAMPLER
    elif isinstance(spec, dict):
        card_name = spec.get("name", DEFAULT_SAMPLER)
    else:
        return raw   # not a sampler spec: _sampler reports it
    return raw if card_name == name else {**raw, "sampler": {"name": name}}


def load_run_card(path, output_override=None, sampler_override=None, overwrite=False,
                  seed_override=None, overrides=()):
    """Read and validate the run card at ``path`` → RunConfig (ConfigError on any problem).

    ``overrides`` are ``KEY.PATH=VALUE`` strings (``--set sampler.nlive=400``) and
    ``seed_override`` an int (``--seed``); both end up in the resolved card (run.yaml).
    """
    where = str(path)
    raw = read_yaml(path)
    if sampler_override:   # before --set, so `--sampler X --set sampler.k=v` keeps k
        raw = _with_sampler(raw, sampler_override)
    if overrides:
        raw = apply_overrides(raw, overrides)
        where = f"{where} (with --set)"
    if seed_override is not None:
        raw["seed"] = seed_override
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
        raise ConfigError(f"must be a non-negative integer, got {short_repr(seed)}", where=where, field="seed")

    output = raw.get("output", f"chains/{name}")
    if isinstance(output, str):
        output = {"dir": output}
    if not isinstance(output, dict) or not isinstance(output.get("dir"), str) \
            or set(output) - {"dir", "overwrite"}:
        raise ConfigError("expected a directory or {dir: ..., overwrite: bool}",
                          where=where, field="output")
    out_dir = Path(output_override or output["dir"])
    if not isinstance(output.get("overwrite", False), bool):   # "no" would be true
        raise ConfigError(f"must be true or false, got {short_repr(output['overwrite'])}",
                          where=where, field="output.overwrite")
    overwrite = overwrite or output.get("overwrite", False)

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
    from . import card_paths   # data files named in the card: relative to its directory
    with card_paths.card_directory(Path(path).resolve().parent):
        likelihoods = section("likelihoods", lambda: _likelihoods(raw["likelihoods"]))
    raw = card_paths.record(raw, likelihoods)
    sampler_name, sampler_settings = section(
        "sampler", lambda: _sampler(raw.get("sampler"), sampler_override))
    section("sampler", lambda: _check_sizes(sampler_name, sampler_settings, priors,
                                            likelihoods, out_dir))

    resolved = copy.deepcopy(raw)
    resolved.update({"name": name, "seed": seed, "model": settings,
                     "sampler": {"name": sampler_name, **sampler_settings}})
    return RunConfig(path=where, name=name, seed=seed, output_dir=out_dir, overwrite=overwrite,
                     settings=settings, priors=priors, likelihoods=likelihoods,
                     sampler_name=sampler_name, sampler_settings=sampler_settings, raw=resolved)
