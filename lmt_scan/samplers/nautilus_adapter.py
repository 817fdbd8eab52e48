"""nautilus (neural-network-boosted importance nested sampling; nautilus-sampler, MIT).

Checkpoints to ``<workdir>/nautilus.hdf5`` (nautilus' own format, written as it goes);
``resume`` continues from it.  nautilus returns importance weights, not dead points with
birth contours, so its run directories hold no ``nested/`` samples for anesthetic.
"""
import numpy as np

from ..errors import ConfigError
from ..options import Option
from .base import SamplerAdapter, SamplerResult

HINT = "sampler 'nautilus' needs nautilus-sampler: pip install 'lmt-scan[nautilus]'"


class NautilusAdapter(SamplerAdapter):
    name = "nautilus"
    description = "nautilus importance nested sampling (nautilus-sampler, MIT); gives ln Z"
    options = {
        "nlive": Option(int, 1000, "live points per bound update", minimum=10),
        "n_eff": Option(float, 10000.0, "stop at this effective sample size", minimum=1.0),
        "f_live": Option(float, 0.01, "stop when the live set holds less than this evidence "
                         "fraction", minimum=0.0, exclusive_minimum=True, maximum=1.0),
        "n_networks": Option(int, 4, "neural networks per bound", minimum=1),
        "n_like_max": Option(int, 2000000, "hard cap on likelihood calls", minimum=1),
    }

    backend_module, install_hint = "nautilus", HINT

    @classmethod
    def validate(cls, given):
        s = super().validate(given)
        for field in ("nlive", "n_eff"):    # unreachable within the call cap
            if s[field] > s["n_like_max"]:
                raise ConfigError(f"{s[field]:g} is more than n_like_max = {s['n_like_max']} "
                                  "likelihood calls can give", field=field)
        return s

    @classmethod
    def resource_needs(cls, settings, ndim, row_bytes):
        # nautilus keeps every point it drew (>= n_eff of them end in the posterior, each a
        # chain-table row); each network of its bounds has >= ~6000 float64 weights
        rows = settings["n_eff"] * ((ndim + 2) * 8 + row_bytes)
        return [("n_eff", "memory", rows, f"{settings['n_eff']:g} effective samples"),
                ("nlive", "memory", settings["nlive"] * (ndim + 2) * 8,
                 f"{settings['nlive']} live points"),
                ("n_networks", "memory", settings["n_networks"] * 6000 * 8,
                 f"{settings['n_networks']} neural networks")]

    def run(self, posterior, workdir, seed, resume=False, progress=True, pool=None):
        """Serial (a ``pool`` is passed to nautilus for likelihood calls when given)."""
        self.check_available()
        import nautilus
        s = self.settings
        workdir.mkdir(parents=True, exist_ok=True)
        checkpoint = workdir / "nautilus.hdf5"
        if not resume and checkpoint.exists():
            checkpoint.unlink()
        seed32 = int(np.random.SeedSequence(seed).generate_state(1)[0])

        def loglike(theta):
            # its checkpoint is written inside the backend: counts every 2 s instead
            self.save_counts(every_s=2.0)
            return posterior.finite_loglike(theta)

        sampler = nautilus.Sampler(posterior.prior_transform, loglike, n_dim=posterior.ndim,
                                   n_live=s["nlive"], n_networks=s["n_networks"],
                                   seed=seed32, filepath=str(checkpoint), resume=resume,
                                   pool=None)
        sampler.run(f_live=s["f_live"], n_eff=s["n_eff"], n_like_max=s["n_like_max"],
                    verbose=progress)
        points, log_w, log_l = sampler.posterior()
        weights = np.exp(log_w - np.max(log_w))
        # nautilus counts its own calls over the whole run (resumed parts included)
        return SamplerResult(samples=np.asarray(points), weights=weights / weights.sum(),
                             loglike=np.asarray(log_l), logz=float(sampler.log_z),
                             logz_err=float(1.0 / np.sqrt(sampler.n_eff)),
                             ncall=int(sampler.n_like),
                             info={"n_eff": float(sampler.n_eff)}), posterior
