"""`lmt-scan point` must not pay for scipy modules only fall-backs need (issue 14: ≤ 0.3 s).
These physics modules import scipy.integrate / scipy.stats / scipy.optimize only inside the
functions that use them (priors.basic and likelihoods.limit_curve too, but importing any
plugin imports lmt_scan.point and with it every provider)."""
import subprocess
import sys

from conftest import REPO

LAZY = ("lmt_scan.physics.zprime", "lmt_scan.physics.thermal_history",
        "lmt_scan.physics.neutrino_scattering")


def test_physics_modules_do_not_import_heavy_scipy_parts():
    code = (f"import sys, {', '.join(LAZY)}; print(','.join(m for m in ('scipy.integrate', "
            "'scipy.stats', 'scipy.optimize') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=120, check=True).stdout.strip()
    assert out == ""
