"""lmt-scan's likelihood plugins as Cobaya components (``pip install "lmt-scan[cobaya]"``).

Two components, used together in a Cobaya input file (``runs/cobaya/quickstart.yaml``)::

    theory:
      lmt_scan.interop.cobaya.LmtScanTheory:
        model: {x_f: 20}               # lmt-scan model settings (a run card's model:)
    likelihood:
      muon_g2:                         # the label, as in a run card
        class: lmt_scan.interop.cobaya.LmtScanLikelihood
        plugin: muon_g2                # entry-point name, module:Class or file.py:Class
        dataset: paper2018_a           # the plugin's own options
    params:
      m_Zp: {prior: {dist: loguniform, a: 5, b: 300}}      # MeV
      g_p: {prior: {dist: loguniform, a: 1.0e-4, b: 3.0e-3}}
      m_phi: 20                                            # MeV
      M1: 20                                               # GeV

:class:`LmtScanTheory` takes the four parameters, evaluates every lmt-scan likelihood
of the run at once with :func:`lmt_scan.posterior.evaluate_point` — the very function
``lmt-scan run`` and ``lmt-scan point`` call, so one model point, its cached derived
quantities and its rejection rules (no relic solution, −∞, NaN) are shared, never
recomputed or re-implemented — and outputs the registered derived quantities as Cobaya
derived parameters (dict-valued ones flattened: ``sigmaT_over_M.v30`` →
``sigmaT_over_M__v30``).  Each :class:`LmtScanLikelihood` registers its plugin with the
theory through a Cobaya requirement and returns that plugin's log L, so Cobaya still
sees one likelihood per observable (its own ``chi2__<label>`` columns).  Other Cobaya
likelihoods can require ``lmt_point`` to read any derived quantity of the point.

Only this module imports Cobaya; lmt-scan itself never does.
"""
import math
from collections import Counter

try:
    from cobaya.likelihood import Likelihood as _CobayaLikelihood
    from cobaya.log import LoggedError
    from cobaya.theory import Theory as _CobayaTheory
except ImportError as exc:   # pragma: no cover - depends on the environment
    raise ImportError('lmt_scan.interop.cobaya needs Cobaya: pip install "lmt-scan[cobaya]"'
                      ) from exc

from ..derived import DERIVED
from ..errors import ConfigError
from ..plugins import LIKELIHOOD_GROUP, load_plugin
from ..point import PARAMETER_LABELS, PARAMETERS, model_settings
from ..posterior import evaluate_point

POINT = "lmt_point"        # result: the ModelPoint (derived quantities via point["y"] …)
LOGLIKE = "lmt_loglike"    # result: log L of one lmt-scan plugin, get_result(LOGLIKE, label=…)

# keys Cobaya itself reads in a component's block: a plugin option with one of these
# names cannot be given flat and goes under ``options:`` instead
_COBAYA_KEYS = frozenset({"external", "class", "provides", "requires", "renames",
                          "input_params", "output_params", "python_path", "aliases",
                          "package_install", "plugin", "options"})


def cobaya_name(column):
    """Cobaya parameter name of an lmt-scan chain column (names must be Python identifiers)."""
    return column.replace(".", "__")


def _latex(text):
    return text.replace("$", "")


def derived_columns(selection="all"):
    """[(quantity, key or None, Cobaya name)] of the stored derived quantities in
    ``selection`` ("all", or a list of lmt-scan names; [] for none)."""
    if selection in ("all", None):
        names = [name for name, q in DERIVED.items() if q.store]
    else:
        names = [selection] if isinstance(selection, str) else list(selection)
        unknown = [n for n in names if n not in DERIVED]
        if unknown:
            raise ConfigError(f"unknown derived quantity {unknown[0]!r} "
                              f"(known: {', '.join(DERIVED)})", field="derived")
    columns = []
    for name in names:
        keys = DERIVED[name].keys or (None,)
        columns += [(name, key, cobaya_name(f"{name}.{key}" if key else name)) for key in keys]
    return columns


def _config_error(log, err):
    return LoggedError(log, "%s", err)


class LmtScanTheory(_CobayaTheory):
    """The lmt-scan model: m_Zp [MeV], g_p, m_phi [MeV], M1 [GeV] → one model point,
    every lmt-scan likelihood's log L, and the derived quantities."""

    # lmt-scan model settings (a run card's ``model:``; ``lmt-scan plugins`` lists them)
    model: dict = {}
    # derived quantities written as Cobaya derived parameters: "all" or a list of names
    derived = "all"

    @classmethod
    def get_modified_defaults(cls, defaults, input_options=None):
        """Declare the four inputs (with labels) and the derived parameters."""
        defaults = dict(defaults)
        params = dict(defaults.get("params") or {})
        for p in PARAMETERS:
            params.setdefault(p, {"latex": _latex(PARAMETER_LABELS[p])})
        selection = (input_options or {}).get("derived", cls.derived)
        for name, key, cname in derived_columns(selection):
            unit = DERIVED[name].unit
            text = name.replace("_", r"\_") + (f".{key}" if key else "")
            latex = r"\mathrm{%s}" % text + (r"\,[\mathrm{%s}]" % unit if unit else "")
            params.setdefault(cname, {"derived": True, "latex": latex})
        defaults["params"] = params
        return defaults

    def initialize(self):
        try:
            self.settings = model_settings(self.model or {})
            self.columns = derived_columns(self.derived)
        except ConfigError as err:
            raise _config_error(self.log, err) from None
        self.likelihoods = {}          # label → lmt-scan Likelihood, from the requirements
        self.rejections = Counter()    # −∞ points by reason, as in lmt-scan's summary.json

    def get_can_support_params(self):
        return list(PARAMETERS)

    def get_can_provide_params(self):
        return [cname for _, _, cname in self.columns]

    def get_can_provide(self):
        return [POINT, LOGLIKE]

    def must_provide(self, **requirements):
        super().must_provide(**requirements)
        request = requirements.get(LOGLIKE)
        if request:
            self.likelihoods[request["label"]] = request["likelihood"]

    def initialize_with_params(self):
        missing = [p for p in PARAMETERS if p not in self.input_params]
        if missing:
            raise LoggedError(self.log, "parameter %r is missing from params: the lmt-scan "
                              "model needs m_Zp [MeV], g_p, m_phi [MeV] and M1 [GeV] "
                              "(a prior or a fixed value each)", missing[0])

    def calculate(self, state, want_derived=True, **params_values_dict):
        params = {p: float(params_values_dict[p]) for p in PARAMETERS}
        point, _, per_plugin, reason = evaluate_point(params, self.likelihoods, self.settings)
        if reason is not None:         # Cobaya's way of saying log L = −∞
            self.rejections[reason] += 1
            self.log.debug("point rejected: %s", reason)
            return False
        state[POINT] = point
        state[LOGLIKE] = per_plugin
        if want_derived:
            values = point.derived(sorted({name for name, _, _ in self.columns}))[0]
            state["derived"] = {
                cname: math.nan if values[name] is None
                else float(values[name][key] if key else values[name])
                for name, key, cname in self.columns}
        return True

    def get_result(self, result_name, **kwargs):
        if result_name == LOGLIKE:
            return self.current_state[LOGLIKE][kwargs["label"]]
        return super().get_result(result_name, **kwargs)

    def close(self, *args):
        if self.rejections:
            self.log.info("points rejected (log L = -inf) by reason: %s",
                          dict(self.rejections.most_common()))


class LmtScanLikelihood(_CobayaLikelihood):
    """One lmt-scan likelihood plugin; its options are given flat in the component's block.

    ``plugin`` (default: the component's name) is an entry-point name, ``module:Class`` or
    ``path/file.py:Class``; options whose names Cobaya reserves go under ``options:``.
    Needs :class:`LmtScanTheory` in the ``theory`` block.
    """

    plugin = None
    options: dict = {}

    @classmethod
    def _plugin_class(cls, reference):
        return load_plugin(reference, LIKELIHOOD_GROUP)

    @classmethod
    def _flat_options(cls, plugin_class):
        """The plugin's option names that can be given flat (not used by Cobaya itself)."""
        reserved = _COBAYA_KEYS | set(dir(_CobayaLikelihood))
        return [name for name in plugin_class.options if name not in reserved]

    @classmethod
    def get_modified_defaults(cls, defaults, input_options=None):
        """Add the selected plugin's options (with their defaults) to the block's options,
        so Cobaya accepts them and records them in its ``.updated.yaml``."""
        reference = (input_options or {}).get("plugin")
        if not reference:
            return defaults
        try:
            plugin_class = cls._plugin_class(reference)
        except ConfigError as err:
            raise LoggedError(cls.get_qualified_class_name(), "plugin: %s", err) from None
        defaults = dict(defaults)
        for name in cls._flat_options(plugin_class):
            option = plugin_class.options[name]
            defaults.setdefault(name, None if option.required else option.default)
        return defaults

    def initialize(self):
        reference = self.plugin or self.get_name()
        try:
            plugin_class = self._plugin_class(reference)
            given = {name: getattr(self, name) for name in self._flat_options(plugin_class)
                     if getattr(self, name, None) is not None}
            given.update(self.options or {})
            self.lmt_likelihood = plugin_class(**given)
        except ConfigError as err:
            raise _config_error(self.log, err.located(field_prefix=self.get_name())) from None

    def get_requirements(self):
        return {LOGLIKE: {"label": self.get_name(), "likelihood": self.lmt_likelihood}}

    def logp(self, **params_values):
        return self.provider.get_result(LOGLIKE, label=self.get_name())
