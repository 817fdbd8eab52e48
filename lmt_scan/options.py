"""Declared, validated options for plugins and model settings.

An :class:`Option` says what a setting is (type, default, allowed range or choices,
unit in its doc).  :func:`validate_options` turns a user's mapping into a checked
dict, raising :class:`~lmt_scan.errors.ConfigError` naming the offending field.
"""
import math

from .errors import ConfigError, short_repr

_REQUIRED = object()
MAX_INT = 2**31 - 1      # an int option beyond this (nlive: 1e12) is a typo, not a setting


class Option:
    """One option: ``kind`` is float, int, bool, str, list or dict."""

    def __init__(self, kind, default=_REQUIRED, doc="", choices=None,
                 minimum=None, maximum=None, exclusive_minimum=False):
        self.kind = kind
        self.default = default
        self.doc = doc
        self.choices = tuple(choices) if choices is not None else None
        self.minimum = minimum
        self.maximum = maximum
        self.exclusive_minimum = exclusive_minimum

    @property
    def required(self):
        return self.default is _REQUIRED

    def describe(self):
        """One-line description for ``lmt-scan plugins``."""
        text = f"{self.kind.__name__}"
        if self.choices:
            text += " in {" + ", ".join(map(str, self.choices)) + "}"
        if self.minimum is not None or self.maximum is not None:
            lo = "(" if self.exclusive_minimum else "["
            text += f" {lo}{self.minimum if self.minimum is not None else '-inf'}, " \
                    f"{self.maximum if self.maximum is not None else 'inf'}]"
        text += " (required)" if self.required else f" = {self.default!r}"
        return text + (f" — {self.doc}" if self.doc else "")

    def coerce(self, value, field):
        """Return ``value`` converted to this option's kind or raise ConfigError."""
        kind = self.kind
        try:
            if kind is bool:
                if not isinstance(value, bool):
                    raise TypeError
            elif kind is float:
                if isinstance(value, bool):
                    raise TypeError
                # YAML 1.1 reads "1e-5" (no dot) as a string: accept numeric strings.
                value = float(value)
                if math.isnan(value):
                    raise ConfigError("must be a number, not NaN", field=field)
                if math.isinf(value):   # an explicit infinity: omit the option instead
                    raise ConfigError(f"must be finite, got {value}", field=field)
            elif kind is int:
                if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                    raise TypeError
                value = int(value)
                if abs(value) > MAX_INT:
                    raise ConfigError(f"absurdly large, got {value:.3g} (at most {MAX_INT})",
                                      field=field)
            elif kind is str:
                if not isinstance(value, str):
                    raise TypeError
            elif kind is list:
                if not isinstance(value, (list, tuple)):
                    raise TypeError
                value = list(value)
                if any(isinstance(v, (list, tuple, dict)) for v in value):
                    raise ConfigError(f"expected a flat list, got {short_repr(value)}",
                                      field=field)
            elif kind is dict:
                if not isinstance(value, dict):
                    raise TypeError
        except (TypeError, ValueError):
            raise ConfigError(f"expected {kind.__name__}, got {short_repr(value)}", field=field) from None
        if self.choices is not None and value not in self.choices:
            raise ConfigError(f"{short_repr(value)} is not one of {', '.join(map(str, self.choices))}",
                              field=field)
        if self.minimum is not None:
            if value < self.minimum or (self.exclusive_minimum and value == self.minimum):
                rel = ">" if self.exclusive_minimum else ">="
                raise ConfigError(f"must be {rel} {self.minimum}, got {short_repr(value)}", field=field)
        if self.maximum is not None and value > self.maximum:
            raise ConfigError(f"must be <= {self.maximum}, got {short_repr(value)}", field=field)
        return value


def validate_options(declared, given, owner):
    """Check ``given`` (a mapping or None) against ``declared`` {name: Option}.

    Returns a dict with every declared option (defaults filled in).  ``owner`` names
    the plugin in messages.  Unknown keys and missing required ones are errors.
    """
    given = {} if given is None else given
    if not isinstance(given, dict):
        raise ConfigError(f"options of {owner} must be a mapping, got {short_repr(given)}")
    unknown = sorted(set(given) - set(declared))
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise ConfigError(f"unknown option for {owner} (known: {known})", field=unknown[0])
    result = {}
    for name, option in declared.items():
        if name in given:
            result[name] = option.coerce(given[name], name)
        elif option.required:
            raise ConfigError(f"required option of {owner} is missing", field=name)
        else:
            result[name] = option.default
    return result
