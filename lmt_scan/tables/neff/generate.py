"""Regenerate the N_eff(m_Z′, g′) table for one neutrino-decoupling temperature.

    nice -n 10 python lmt_scan/tables/neff/generate.py [--T-dec 1.5] [--rtol 1e-6]
    nice -n 10 python lmt_scan/tables/neff/generate.py --collisional --coarsen 3

N_eff from :func:`lmt_scan.physics.thermal_history.neff` (Eqs. 10–15, App. B) on a
regular grid in (s, log10 g′) with s = log10(m_Z′/2m_e − 1)
(:func:`~lmt_scan.physics.thermal_history.table_coordinate`): s is ≈ log10 m_Z′ well
above the e⁺e⁻ threshold and resolves the steep rise of N_eff just above it.  Covers
m_Z′ = 2m_e(1 + 10⁻⁶) … 300 MeV and g′ = 10⁻⁵ … 10⁻².  One process, ≈ 10 min on one
core for the default grid.  Writes ``neff_Tdec<T>MeV.npz`` beside this script, or with
``--collisional`` (non-instantaneous decoupling, :func:`~lmt_scan.physics.thermal_history.
neff_collisional`, ~0.2 s per point) ``neff_collisional.npz``; ``--coarsen k`` keeps
every k-th node of the default grid in each direction (k = 3: 71 × 21 nodes, interpolation
error ~1e-3).
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np

from lmt_scan.derived.thermal import table_name
from lmt_scan.physics import thermal_history as th

HERE = Path(__file__).resolve().parent
S_MIN, S_STEP = -6.0, 0.04
LOG_G_MIN, LOG_G_MAX, LOG_G_STEP = -5.0, -2.0, 0.05
M_MAX_GEV = 0.3


def grids(coarsen=1):
    """(s nodes, log10 g′ nodes); the s grid ends exactly at m_Z′ = 300 MeV."""
    s_max = th.table_coordinate(M_MAX_GEV)
    n_s = (int(round((s_max - S_MIN) / S_STEP)) // coarsen) * coarsen + 1
    n_g = (int(round((LOG_G_MAX - LOG_G_MIN) / LOG_G_STEP)) // coarsen) * coarsen + 1
    return (np.linspace(S_MIN, s_max, (n_s - 1) // coarsen + 1),
            np.linspace(LOG_G_MIN, LOG_G_MAX, (n_g - 1) // coarsen + 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--T-dec", type=float, default=1.5, help="T_ν-dec [MeV]")
    parser.add_argument("--rtol", type=float, default=1e-6, help="solver relative tolerance")
    parser.add_argument("--collisional", action="store_true",
                        help="non-instantaneous decoupling (T-dec unused)")
    parser.add_argument("--coarsen", type=int, default=1, help="keep every k-th grid node")
    args = parser.parse_args()
    T_dec = None if args.collisional else args.T_dec
    s_grid, log_g_grid = grids(args.coarsen)
    masses = th.mass_from_table_coordinate(s_grid)
    start = time.time()
    values = np.empty((s_grid.size, log_g_grid.size))
    for i, m_Zp in enumerate(masses):
        for j, log_g in enumerate(log_g_grid):
            tolerances = {"rtol": args.rtol, "atol": args.rtol * 1e-2}
            if T_dec is None:
                values[i, j] = th.neff_collisional(m_Zp, 10.0 ** log_g, **tolerances)
            else:
                values[i, j] = th.neff(m_Zp, 10.0 ** log_g, T_dec=T_dec * 1e-3, **tolerances)
        if i % 20 == 0:
            print(f"m_Z' = {m_Zp * 1e3:9.4f} MeV done, {time.time() - start:6.0f} s", flush=True)
    meta = {"T_dec_MeV": T_dec, "decoupling": "collisional" if T_dec is None else "instantaneous",
            "rtol": args.rtol, "atol": args.rtol * 1e-2,
            "seconds": round(time.time() - start), "points": int(values.size),
            "coordinate": "s = log10(m_Zp / (2 m_e) - 1), m_Zp in GeV; log10 g'",
            "source": "lmt_scan.physics.thermal_history." + ("neff_collisional" if T_dec is None else "neff")
            + " (arXiv:1805.00651 Eqs. 10-15, B1-B3)"}
    np.savez_compressed(HERE / f"neff_{table_name(T_dec)}.npz", s=s_grid, log10_g=log_g_grid, neff=values,
                        meta=json.dumps(meta))
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
