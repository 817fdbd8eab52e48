"""Exceptions shared by the configuration, plugin and physics layers."""


class ConfigError(Exception):
    """Bad user input: a run card, an option or a command-line value.

    ``where`` names the file (or command-line option) and ``field`` the key path
    inside it, so the CLI can print one line ``where: field: message`` and exit 2.
    """

    def __init__(self, message, where=None, field=None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.field = field

    def located(self, where=None, field_prefix=None):
        """Return a copy with the file and/or an outer field path filled in."""
        field = self.field
        if field_prefix:
            field = f"{field_prefix}.{field}" if field else field_prefix
        return ConfigError(self.message, where=self.where or where, field=field)

    def __str__(self):
        parts = [p for p in (self.where, self.field) if p]
        return ": ".join(parts + [self.message])


class RunFailed(Exception):
    """A run that ended without results (e.g. every point rejected): exit 1, one line."""


def short_repr(value, limit=60):
    """``repr(value)`` cut to ``limit`` characters: a YAML alias bomb must not be printed."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


class PointRejected(Exception):
    """A model point where the physics has no valid answer (log L = −∞).

    ``reason`` is a short stable identifier (e.g. ``no_relic_solution``) that the
    run counts and reports in ``summary.json``.
    """

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason
