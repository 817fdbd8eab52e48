"""nautilus (neural-network-boosted importance nested sampling; nautilus-sampler, MIT).

Checkpoints to ``<workdir>/nautilus.hdf5`` (nautilus' own format, written as it goes);
``resume`` continues from it.  nautilus rewrites that file in place (unlink + write, or
an update of an open file): a SIGKILL in between leaves no file or a broken one, so every
write here goes to a copy that then replaces the file atomically.  nautilus returns importance weights, not dead points with
birth contours, so its run directories hold no ``nested/`` samples for anesthetic.
"""
import numpy as np

from ..errors import ConfigError
from ..options import Option
from ..progress import Throttle
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

        throttle, best = Throttle(), [-np.inf]

        def loglike(theta):
            value = posterior.finite_loglike(theta)
            # its checkpoint is written inside the backend: counts every second instead
            self.save_counts(every_s=1.0)
            best[0] = max(best[0], value)
            if progress:
                throttle(f"nautilus: {self.calls_so_far(posterior)} calls, "
                         f"max ln L {best[0]:.3f}")
            return value

        sampler = _atomic_sampler(nautilus)(posterior.prior_transform, loglike,
                                            n_dim=posterior.ndim, n_live=s["nlive"],
                                            n_networks=s["n_networks"],
                                            seed=seed32, filepath=str(checkpoint),
                                            resume=resume, pool=None)
        sampler.run(f_live=s["f_live"], n_eff=s["n_eff"], n_like_max=s["n_like_max"],
                    verbose=False)   # its table per batch floods a log: ours every 5 s
        points, log_w, log_l = sampler.posterior()
        weights = np.exp(log_w - np.max(log_w))
        # nautilus counts its own calls over the whole run (resumed parts included)
        return SamplerResult(samples=np.asarray(points), weights=weights / weights.sum(),
                             loglike=np.asarray(log_l), logz=float(sampler.log_z),
                             logz_err=float(1.0 / np.sqrt(sampler.n_eff)),
                             ncall=int(sampler.n_like),
                             info={"n_eff": float(sampler.n_eff)}), posterior


def _atomic_sampler(nautilus):
    """nautilus.Sampler whose checkpoint writes replace the file atomically (write or
    update a copy, then ``os.replace``): a kill at any moment leaves the last whole one."""
    import os
    import shutil
    from pathlib import Path

    class AtomicSampler(nautilus.Sampler):
        @staticmethod
        def _tmp(filepath):
            path = Path(filepath)
            return path.with_name(path.stem + ".tmp" + path.suffix)

        def write(self, filepath, overwrite=False):
            tmp = self._tmp(filepath)
            super().write(tmp, overwrite=True)
            os.replace(tmp, filepath)

        def write_shell_update(self, filepath, shell):
            tmp = self._tmp(filepath)
            shutil.copyfile(filepath, tmp)
            super().write_shell_update(tmp, shell)
            os.replace(tmp, filepath)
    return AtomicSampler
