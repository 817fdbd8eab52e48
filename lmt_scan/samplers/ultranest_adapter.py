"""UltraNest (reactive nested sampling; GPL-3, an optional extra only: never a core
dependency — ``pip install 'lmt-scan[ultranest]'``).

UltraNest checkpoints into ``<workdir>/ultranest/`` (its own HDF5 point store) and
``resume`` continues from it.  Its live-point count varies, so its run directories hold no
``nested/`` dead-birth file (``lmt-stats.dat`` holds its ln Z).
"""
import numpy as np

from ..errors import ConfigError
from ..options import Option
from .base import SamplerAdapter, SamplerResult

HINT = "sampler 'ultranest' needs UltraNest (GPL-3): pip install 'lmt-scan[ultranest]'"


class UltraNestAdapter(SamplerAdapter):
    name = "ultranest"
    description = "UltraNest reactive nested sampling (GPL-3, optional extra); gives ln Z"
    options = {
        "nlive": Option(int, 400, "minimum number of live points", minimum=10),
        "dlogz": Option(float, 0.5, "stop when the remaining evidence is below this",
                        minimum=0.0, exclusive_minimum=True, maximum=1000.0),
        "max_ncalls": Option(int, 2000000, "hard cap on likelihood calls", minimum=1),
    }

    backend_module, install_hint = "ultranest", HINT

    @classmethod
    def validate(cls, given):
        s = super().validate(given)
        if s["nlive"] > s["max_ncalls"]:   # the first live points alone exceed the cap
            raise ConfigError(f"{s['nlive']} live points take more likelihood calls than "
                              f"max_ncalls = {s['max_ncalls']}", field="nlive")
        return s

    @classmethod
    def resource_needs(cls, settings, ndim, row_bytes):
        # live points (u, p, ln L) and at least as many weighted samples with table rows
        n = settings["nlive"]
        return [("nlive", "memory", n * ((2 * ndim + 1) * 8 + row_bytes), f"{n} live points")]

    def run(self, posterior, workdir, seed, resume=False, progress=True, pool=None):
        """Serial; UltraNest's own MPI support is not used."""
        self.check_available()
        import ultranest
        s = self.settings
        # UltraNest draws from NumPy's global generator: seed it from the run seed
        np.random.seed(int(np.random.SeedSequence(seed).generate_state(1)[0]))

        def loglike(theta):
            # its checkpoint is written inside the backend: counts every 2 s instead
            self.save_counts(every_s=2.0)
            return posterior.finite_loglike(theta)

        sampler = ultranest.ReactiveNestedSampler(
            list(posterior.free), loglike, posterior.prior_transform,
            log_dir=str(workdir / "ultranest"), resume="resume" if resume else "overwrite")
        result = sampler.run(min_num_live_points=s["nlive"], dlogz=s["dlogz"],
                             max_ncalls=s["max_ncalls"], show_status=progress,
                             viz_callback=False)
        ws = result["weighted_samples"]
        weights = np.asarray(ws["weights"], float)
        # ncall: UltraNest's count over the whole run, resumed parts included
        return SamplerResult(samples=np.asarray(ws["points"]), weights=weights / weights.sum(),
                             loglike=np.asarray(ws["logl"]), logz=float(result["logz"]),
                             logz_err=float(result["logzerr"]), ncall=int(result["ncall"]),
                             info={"niter": int(result["niter"])}), posterior
