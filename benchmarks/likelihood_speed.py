"""Likelihood evaluations per second: scalar path, batched path, and the cost of each derived quantity.

    python benchmarks/likelihood_speed.py [--against REV] [RUN.yaml ...]

For each run card: the one-off cost of loading its tables and building the likelihoods
(first evaluation), then the mean wall time per full log L on the scalar path
(``Posterior.loglike``, point by point) and on the batched path (``Posterior.loglike_batch``)
in blocks of 8 (dynesty's queue), 100 and 1000, with the ratio scalar / batched.  Two sets of
points: prior draws (most are rejected early, by the relic y or Borexino) and, where the card
has a shipped posterior (docs/runs/<name>/), posterior samples (they reach every
likelihood: σ_T windows, N_eff, trident …).  ``--against REV`` also times the scalar path
of git revision REV (exported to a temporary directory, run in a subprocess on the same
points, interleaved with this tree's), so "today's scalar path" is measured in the same run.
Load averages are printed: the machine may be shared.  Finally the cost of each derived
quantity at one point (with its dependencies).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from lmt_scan.config import load_run_card
from lmt_scan.derived import DERIVED
from lmt_scan.point import PARAMETERS, ModelPoint
from lmt_scan.posterior import Posterior

REPO = Path(__file__).resolve().parent.parent
BLOCKS = (8, 100, 1000)

# run in a subprocess with another revision's code on sys.path: scalar µs per point
_SCALAR_SNIPPET = """
import json, sys, time
import numpy as np
from lmt_scan.config import load_run_card
from lmt_scan.posterior import Posterior
posterior = Posterior.from_config(load_run_card(sys.argv[1]))
thetas = np.load(sys.argv[2])
for theta in thetas[:50]:
    posterior.loglike(theta)
t0 = time.perf_counter()
for theta in thetas:
    posterior.loglike(theta)
print(json.dumps((time.perf_counter() - t0) / len(thetas)))
"""


def draws(posterior, card, n, seed=0):
    """{label: (n, ndim) thetas}: prior draws, and shipped posterior samples if any."""
    rng = np.random.default_rng(seed)
    out = {"prior draws": np.array([posterior.prior_transform(rng.uniform(size=posterior.ndim))
                                    for _ in range(n)])}
    chain = REPO / "docs" / "runs" / Path(card).stem / "lmt-.txt"
    if chain.is_file():
        samples = np.loadtxt(chain)[:, 2:6]
        rows = samples[rng.choice(len(samples), n, replace=len(samples) < n)]
        out["posterior samples"] = rows[:, [PARAMETERS.index(p) for p in posterior.free]]
    return out


def scalar_cost(posterior, thetas):
    t0 = time.perf_counter()
    for theta in thetas:
        posterior.loglike(theta)
    return (time.perf_counter() - t0) / len(thetas)


def batched_cost(posterior, thetas, block):
    t0 = time.perf_counter()
    for start in range(0, len(thetas), block):
        posterior.loglike_batch(thetas[start:start + block])
    return (time.perf_counter() - t0) / len(thetas)


def reference_scalar_cost(tree, card, thetas):
    with tempfile.NamedTemporaryFile(suffix=".npy") as handle:
        np.save(handle.name, thetas)
        env = dict(os.environ, PYTHONPATH=str(tree))
        out = subprocess.run([sys.executable, "-c", _SCALAR_SNIPPET, str(card), handle.name],
                             capture_output=True, text=True, cwd=tree, env=env, check=True)
    return json.loads(out.stdout)


def export_revision(rev, directory):
    archive = subprocess.run(["git", "archive", rev], cwd=REPO, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive.stdout, check=True)
    return Path(directory)


def time_card(card, n, reference=None):
    t0 = time.perf_counter()
    posterior = Posterior.from_config(load_run_card(card))
    sets = draws(posterior, card, n)
    for thetas in sets.values():
        posterior.loglike_batch(thetas[:50])       # first calls load every table once
    setup = time.perf_counter() - t0
    print(f"{card}: tables, likelihoods and first calls {setup:5.2f} s once")
    for label, thetas in sets.items():
        posterior.reasons.clear()
        scalar = scalar_cost(posterior, thetas)
        reasons = dict(posterior.reasons.most_common(4))
        batched = {block: batched_cost(posterior, thetas, block) for block in BLOCKS}
        line = (f"  {label:17s} scalar {scalar * 1e6:7.1f} µs/pt; batched "
                + ", ".join(f"{block}: {cost * 1e6:6.1f}" for block, cost in batched.items())
                + f" µs/pt (scalar/batched at 1000: {scalar / batched[1000]:5.1f}×)")
        if reference is not None:
            old = reference_scalar_cost(reference, card, thetas)
            line += f"; {args.against} scalar {old * 1e6:7.1f} µs/pt " \
                    f"(÷ batched 1000: {old / batched[1000]:5.1f}×)"
        print(line)
        print(f"  {'':17s} most frequent rejections: {reasons or 'none'}")


def time_derived(params=(10.0, 5e-4, 20.0, 20.0), repeat=200):
    costs = {}
    for name in DERIVED:
        t0 = time.perf_counter()
        for _ in range(repeat if name not in ("width_phi_GeV", "tau_phi_s") else 5):
            point = ModelPoint(*params)
            try:
                point[name]
            except Exception:
                pass
        costs[name] = (time.perf_counter() - t0) / (repeat if name not in ("width_phi_GeV",
                                                                             "tau_phi_s") else 5)
    return costs


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cards", nargs="*", default=[str(REPO / "runs" / c) for c in
                        ("quickstart.yaml", "paper_zprime.yaml", "paper_full.yaml")])
    parser.add_argument("--against", metavar="REV", help="also time REV's scalar path")
    parser.add_argument("-n", type=int, default=2000, help="points per set (default 2000)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (1 min)")
    with tempfile.TemporaryDirectory() as tmp:
        tree = export_revision(args.against, tmp) if args.against else None
        for card in args.cards:
            time_card(card, args.n, tree)
    print(f"load average at end: {os.getloadavg()[0]:.2f} (1 min)")
    print("derived quantities at (m_Zp, g_p, m_phi, M1) = (10 MeV, 5e-4, 20 MeV, 20 GeV), "
          "including their dependencies (scalar path):")
    for name, cost in time_derived().items():
        print(f"  {name:24s} {cost * 1e6:9.1f} µs")
