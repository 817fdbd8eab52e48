"""UltraNest (reactive nested sampling; GPL-3, an optional extra only: never a core
dependency — ``pip install 'lmt-scan[ultranest]'``).

UltraNest checkpoints into ``<workdir>/ultranest/`` and ``resume`` continues from its
point store, ``results/points.tsv``: a text store, not UltraNest's default HDF5 one, which
a SIGKILL leaves unreadable ("bad object header"); a line cut by a kill is dropped
before resuming.  Its point store keeps, for every point, the ln L contour it
was born in (column 0, −∞: from the prior): the run directory gets the ``nested/``
dead-birth file from it (anesthetic recomputes ln Z with UltraNest's varying live-point
count from the births alone).
"""
import os

import numpy as np

from ..errors import ConfigError
from ..options import Option
from ..progress import Throttle
from .base import SamplerAdapter, SamplerResult, write_nested_info

HINT = "sampler 'ultranest' needs UltraNest (GPL-3): pip install 'lmt-scan[ultranest]'"
STORE = "points.tsv"


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

        throttle, best = Throttle(), [-np.inf]

        def loglike(theta):
            value = posterior.finite_loglike(theta)
            # its checkpoint is written inside the backend: counts every second instead
            self.save_counts(every_s=1.0)
            best[0] = max(best[0], value)
            if progress:
                throttle(f"ultranest: {self.calls_so_far(posterior)} calls, "
                         f"max ln L {best[0]:.3f}")
            return value

        store_path = workdir / "ultranest" / "results" / STORE
        store = point_store(store_path, 3 + 2 * posterior.ndim, resume)
        sampler = ultranest.ReactiveNestedSampler(
            list(posterior.free), loglike, posterior.prior_transform,
            log_dir=str(workdir / "ultranest"), resume="resume" if resume else "overwrite",
            storage_backend=store)
        result = sampler.run(min_num_live_points=s["nlive"], dlogz=s["dlogz"],
                             max_ncalls=s["max_ncalls"], show_status=False,
                             viz_callback=False)   # its status line: ours every 5 s
        store.close()
        ws = result["weighted_samples"]
        births = birth_rows(store_path, ws["logl"])
        if births is not None:
            write_nested_info(workdir, births, float(result["logz"]),
                              float(result["logzerr"]))
        weights = np.asarray(ws["weights"], float)
        # ncall: UltraNest's count over the whole run, resumed parts included
        return SamplerResult(samples=np.asarray(ws["points"]), weights=weights / weights.sum(),
                             loglike=np.asarray(ws["logl"]), logz=float(result["logz"]),
                             logz_err=float(result["logzerr"]), ncall=int(result["ncall"]),
                             info={"niter": int(result["niter"])}), posterior


def point_store(path, ncols, resume):
    """UltraNest's tab-separated point store at ``path`` (rows Lmin, L, quality, u, p),
    emptied for a fresh run; on resume, a last line a kill cut short is removed first
    (cut inside its last number it would still parse, as a wrong value)."""
    from ultranest.store import TextPointStore

    class ArrayRows(TextPointStore):
        """Rows read back as arrays (UltraNest's resume check reshapes them; the text
        store of 4.6 hands out lists)."""

        def _load(self, filepath):
            super()._load(filepath)
            self.stack = [(i, np.asarray(row, float)) for i, row in self.stack]
    path.parent.mkdir(parents=True, exist_ok=True)
    if not resume and path.exists():
        path.unlink()
    if path.exists():
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            os.truncate(path, data.rfind(b"\n") + 1)
    return _NamedStore(ArrayRows(str(path), ncols))


class _NamedStore(str):
    """A point store UltraNest 4.6 accepts as ``storage_backend``: it joins the backend
    into a file name before using a non-string one as the store (a TypeError), so the
    store is handed over as a string that forwards everything else to it."""

    def __new__(cls, store):
        self = super().__new__(cls, "lmt-text")
        self.store = store
        return self

    def __getattr__(self, name):
        return getattr(self.__dict__["store"], name)


def birth_rows(store, logl):
    """For each returned sample (in order of death, ln L ascending) the row whose ln L is
    the contour it was born in (−1: from the prior), from UltraNest's point store
    (columns ln L_birth, ln L, …); None when the store does not match the samples."""
    logl = np.asarray(logl, float)
    try:
        points = np.loadtxt(store, usecols=(0, 1), ndmin=2)
    except (OSError, ValueError):
        return None
    if np.any(np.diff(logl) < 0):
        return None
    birth_of = {}     # ln L → births of the store's points with that ln L (plateaus: several)
    for birth, value in points.tolist():
        birth_of.setdefault(value, []).append(birth)
    births = []
    for i, value in enumerate(logl.tolist()):
        if not birth_of.get(value):
            return None
        birth = birth_of[value].pop(0)
        # only the contour's ln L matters: the first row at that ln L stands for it
        j = -1 if not np.isfinite(birth) else int(np.searchsorted(logl, birth))
        if j >= i or (j >= 0 and logl[j] != birth):
            return None
        births.append(j)
    return np.array(births, int)
