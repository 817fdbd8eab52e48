"""The paper's figures from the project's own physics (``lmt-scan figure NAME``).

Each figure has a ``*_data`` function returning the numbers behind it (plain dicts of
arrays, computed by ``lmt_scan.physics`` / ``lmt_scan.derived`` — never digitised
curves) and a drawing function that writes ``NAME.png``, ``NAME.pdf`` and one CSV per
table of numbers into the output directory.  Figures whose physics is not yet in the
project draw what exists and list what is missing.  One module per figure:

    fig1-left   plane        (m_Z′, g′) plane: g−2 1σ/2σ bands, Borexino, CCFR, white dwarfs, BaBar
    fig1-right  neff         N_eff vs m_Z′ for several ε_AZ′ (Z′ alone and Z′+ϕ)
    fig2        sidm_planes  (m_ϕ, M1) planes of σ_T/M1 for the two (m_Z′, g′) benchmarks
    fig3        sigmav       ⟨σ_T v⟩/M1 vs ⟨v⟩ for the three benchmarks with the halo data
    fig1-today  today        Fig. 1 (left) with today's constraints and the shipped today run
"""
from pathlib import Path

from .common import (CCFR_CL95_CHI2, HALO_VELOCITIES_KMS, NEFF_LIMIT, SIDM_BENCHMARKS,
                     ZP_BENCHMARKS, _pyplot, _save, boundary_in_g, draw_limits, write_csv)
from .neff import (EPSILONS_FIG1, PHI_OVER_ZP_FIG1, fig1_right, fig1_right_data, neff_curve,
                   neff_lower_bound)
from .plane import excluded_limits, fig1_left, fig1_left_data, g2_band, g2_viable_region
from .sidm_planes import dark_sector_row, fig2, fig2_data, sidm_viable, sigmaT_over_M_grid
from .sigmav import fig3, fig3_data
from .today import fig1_today

FIGURES = {"fig1-left": fig1_left, "fig1-right": fig1_right, "fig2": fig2, "fig3": fig3,
           "fig1-today": fig1_today}


def make_figure(name, out_dir):
    """Draw figure ``name`` into ``out_dir`` (created); returns {files, data, missing}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return FIGURES[name](out_dir)
