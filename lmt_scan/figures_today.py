"""Fig. 1 (left) with today's constraints: kept as an import path; the code is in
``lmt_scan.figures.today``."""
from .figures.today import (CURVES_DRAWN, G2_TODAY, TODAY_RUN, credible_region,  # noqa: F401
                            fig1_today, fig1_today_data, today_run_samples)
