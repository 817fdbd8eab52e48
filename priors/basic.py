"""The standard priors: uniform, log-uniform, Gaussian (optionally truncated) and fixed.

``transform(u)`` maps u ∈ [0, 1] to the parameter (inverse CDF, for nested samplers);
``log_density(x)`` is the normalised log density (for MCMC), −∞ outside the support.
Values are in the parameter's own unit (MeV for masses m_Zp, m_phi; GeV for M1).
"""
import math


from lmt_scan.errors import ConfigError
from lmt_scan.options import Option
from lmt_scan.plugins import Prior


def _check_range(lo, hi, positive=False):
    if lo == hi:   # an empty range: the samplers would divide by zero (emcee) or stall
        raise ConfigError(f"min equals max ({lo}): the range is empty; to fix the parameter "
                          "give the number itself instead of a prior", field="min")
    if not lo < hi:
        raise ConfigError(f"min ({lo}) must be smaller than max ({hi})", field="min")
    if positive and lo <= 0.0:
        raise ConfigError(f"min must be > 0 for a log prior, got {lo}", field="min")


class Uniform(Prior):
    """Flat in the parameter between ``min`` and ``max``."""

    name = "uniform"
    options = {"min": Option(float, doc="lower edge"), "max": Option(float, doc="upper edge")}

    def setup(self):
        _check_range(self.opts["min"], self.opts["max"])
        self.lo, self.hi = self.opts["min"], self.opts["max"]

    def transform(self, u):
        return self.lo + u * (self.hi - self.lo)

    def log_density(self, x):
        return -math.log(self.hi - self.lo) if self.lo <= x <= self.hi else -math.inf

    @property
    def bounds(self):
        return (self.lo, self.hi)


class LogUniform(Prior):
    """Flat in ln(parameter) between ``min`` > 0 and ``max``."""

    name = "log_uniform"
    log_axis = True
    options = {"min": Option(float, doc="lower edge (> 0)"),
               "max": Option(float, doc="upper edge")}

    def setup(self):
        _check_range(self.opts["min"], self.opts["max"], positive=True)
        self.log_lo, self.log_hi = math.log(self.opts["min"]), math.log(self.opts["max"])

    def transform(self, u):
        return math.exp(self.log_lo + u * (self.log_hi - self.log_lo))

    def log_density(self, x):
        if not self.opts["min"] <= x <= self.opts["max"]:
            return -math.inf
        return -math.log(x) - math.log(self.log_hi - self.log_lo)

    @property
    def bounds(self):
        return (self.opts["min"], self.opts["max"])


class Gaussian(Prior):
    """Normal(``mean``, ``sigma``), truncated to [``min``, ``max``] when given."""

    name = "gaussian"
    options = {"mean": Option(float, doc="centre"),
               "sigma": Option(float, doc="width (> 0)", minimum=0.0, exclusive_minimum=True),
               "min": Option(float, -math.inf, "optional lower truncation"),
               "max": Option(float, math.inf, "optional upper truncation")}

    def setup(self):
        o = self.opts
        _check_range(o["min"], o["max"])
        a, b = (o["min"] - o["mean"]) / o["sigma"], (o["max"] - o["mean"]) / o["sigma"]
        self.truncated = math.isfinite(a) or math.isfinite(b)
        from scipy.stats import truncnorm   # lazy: scipy.stats costs ~0.4 s to import
        self.dist = truncnorm(a, b, loc=o["mean"], scale=o["sigma"])

    def transform(self, u):
        if not self.truncated:
            from scipy.special import ndtri
            return self.opts["mean"] + self.opts["sigma"] * float(ndtri(u))
        return float(self.dist.ppf(u))

    def log_density(self, x):
        return float(self.dist.logpdf(x))


class Fixed(Prior):
    """A parameter held at ``value`` (not sampled)."""

    name = "fixed"
    fixed = True
    options = {"value": Option(float, doc="the fixed value")}

    def transform(self, u):
        return self.opts["value"]

    def log_density(self, x):
        return 0.0

    @property
    def bounds(self):
        return (self.opts["value"], self.opts["value"])
