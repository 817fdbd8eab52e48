"""MultiNest through pymultinest (optional backend).

``import pymultinest`` without the shared library libmultinest raises SystemExit, so
the library is probed with ctypes first and the import happens only inside ``run``.
MultiNest's own resume files live in ``<workdir>/multinest/``.
"""
import ctypes.util
import os

import numpy as np

from ..options import Option
from .base import SamplerAdapter, SamplerResult, SamplerUnavailable

INSTALL_HINT = ("MultiNest's shared library (libmultinest) was not found. Build it from "
                "https://github.com/JohannesBuchner/MultiNest (cmake, make, make install) and put "
                "its lib directory on LD_LIBRARY_PATH; or use sampler 'dynesty' (the default).")


def multinest_available():
    """True when libmultinest can be loaded (as pymultinest would)."""
    if ctypes.util.find_library("multinest"):
        return True
    for directory in os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep):
        if directory and any(os.path.exists(os.path.join(directory, f"libmultinest{ext}"))
                             for ext in (".so", ".dylib")):
            return True
    return False


class MultiNestAdapter(SamplerAdapter):
    name = "multinest"
    description = "MultiNest nested sampling (pymultinest; needs libmultinest); gives ln Z"
    options = {
        "nlive": Option(int, 400, "live points", minimum=10),
        "evidence_tolerance": Option(float, 0.5, "stop tolerance on ln Z", minimum=0.0,
                                     exclusive_minimum=True),
        "sampling_efficiency": Option(float, 0.8, "MultiNest efficiency (0.8 for parameter "
                                      "estimation, 0.3 for evidence)", minimum=0.0,
                                      exclusive_minimum=True),
        "importance_nested_sampling": Option(bool, False, "MultiNest's INS mode"),
    }

    def check_available(self):
        if not multinest_available():
            raise SamplerUnavailable(INSTALL_HINT, field="sampler.name")

    def run(self, posterior, workdir, seed, resume=False, progress=True, pool=None):
        """MultiNest parallelises itself under mpiexec (when libmultinest is built with
        MPI); a Python pool is not used."""
        self.check_available()
        import pymultinest

        s = self.settings
        basename = workdir / "multinest" / "mn-"
        basename.parent.mkdir(parents=True, exist_ok=True)

        def prior(cube, ndim, nparams):
            theta = posterior.prior_transform([cube[i] for i in range(ndim)])
            for i in range(ndim):
                cube[i] = theta[i]

        def loglike(cube, ndim, nparams):
            return posterior.finite_loglike([cube[i] for i in range(ndim)])

        pymultinest.run(loglike, prior, posterior.ndim, outputfiles_basename=str(basename),
                        n_live_points=s["nlive"], evidence_tolerance=s["evidence_tolerance"],
                        sampling_efficiency=s["sampling_efficiency"],
                        importance_nested_sampling=s["importance_nested_sampling"],
                        seed=int(np.random.SeedSequence(seed).generate_state(1)[0] % 2**31),
                        resume=resume, verbose=progress, init_MPI=False)
        analyzer = pymultinest.Analyzer(posterior.ndim, outputfiles_basename=str(basename))
        data = analyzer.get_data()   # columns: weight, −2 ln L, parameters
        stats = analyzer.get_stats()
        return SamplerResult(samples=data[:, 2:], weights=data[:, 0] / data[:, 0].sum(),
                             loglike=-0.5 * data[:, 1],
                             logz=float(stats["nested sampling global log-evidence"]),
                             logz_err=float(stats["nested sampling global log-evidence error"])), posterior
