"""The common sampler interface and its result type."""
from dataclasses import dataclass, field

import numpy as np

from ..errors import ConfigError
from ..options import validate_options


class SamplerUnavailable(ConfigError):
    """The backend cannot run on this machine (e.g. libmultinest missing)."""


@dataclass
class SamplerResult:
    """Weighted samples of the free parameters.

    ``samples`` (N × ndim), ``weights`` (N, sum 1), ``loglike`` (N), ``logz``/``logz_err``
    (None for MCMC), ``ncall`` likelihood evaluations (None: the Posterior's own count,
    which includes pool workers once collected), ``info`` sampler-specific extras.
    """
    samples: np.ndarray
    weights: np.ndarray
    loglike: np.ndarray
    logz: float = None
    logz_err: float = None
    ncall: int = None
    info: dict = field(default_factory=dict)


class SamplerAdapter:
    """Base adapter: subclasses set ``name``, ``options`` and implement ``run``."""

    name = None
    options = {}
    description = ""

    @classmethod
    def validate(cls, given):
        return validate_options(cls.options, given, f"sampler {cls.name!r}")

    def __init__(self, settings):
        self.settings = settings

    def check_available(self):
        """Raise SamplerUnavailable when the backend cannot run here (before any output)."""

    def run(self, posterior, workdir, seed, resume=False, progress=True, pool=None):
        """Sample ``posterior``; ``pool`` (with ``map`` and ``size``) parallelises calls."""
        raise NotImplementedError
