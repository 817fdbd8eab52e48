"""σ_T·m_ϕ² by method: Born, partial waves or semi-classical (dimensionless a, b).
"""
import math

import numpy as np

from .born import born_applies, phase_shifts_born, sigmaT_born_m2
from .radial import phase_shifts_numeric
from .semiclassical import phase_shifts_wkb
from .transfer import sigmaT_k2_from_phases


K_SEMICLASSICAL = 20.0   # above this k/m_ϕ semi-classical phases replace the numerical ones
PHASE_TOL = 1e-9   # partial-wave sum stops where the Born phase < PHASE_TOL·min(1, δ₀ᴮ)
WKB_BORN_BLEND = 0.3   # a-scale of the first-order quantum correction to WKB phases


def partial_wave_count(a, b, phase_tol=PHASE_TOL):
    """Number of partial waves for the sum at (a, b), and their Born phases: the Born
    phases (monotone in ℓ, accurate where this criterion bites) fall below
    ``phase_tol``·min(1, δ₀ᴮ) beyond it."""
    k = a * b
    scale = min(1.0, math.log1p(4.0 * k * k) / (4.0 * a))
    guess = int(k * (math.log(max(1.0 / (a * phase_tol * scale), 2.0)) + 5.0)) + 12
    born = phase_shifts_born(a, b, guess)
    small = np.nonzero(born < phase_tol * scale)[0]
    count = min(int(small[0]) + 5, guess + 1) if small.size else guess + 1
    return count, born[:count]


def phase_shifts(a, b, dphi=0.06, tail_tol=1e-6, phase_tol=PHASE_TOL, start_decay=12.0):
    """All phase shifts needed for σ_T at scalar (a, b) with the partial-wave method:
    numerical where the potential matters, Born elsewhere (see the module docstring)."""
    lmax, delta = partial_wave_count(a, b, phase_tol)
    numeric, solved, _ = phase_shifts_numeric(np.array([a]), b, lmax - 1, dphi=dphi,
                                              tail_tol=tail_tol, start_decay=start_decay)
    return np.where(solved[0], numeric[0], delta)


def phase_shifts_semiclassical(a, b, phase_tol=PHASE_TOL):
    """WKB phases plus the first-order quantum correction Q_ℓ(z)/(2a) − K₀((ℓ+½)/k)/(2a)
    (Born minus its semi-classical limit), weighted by a²/(a² + WKB_BORN_BLEND²): at weak
    coupling the correction removes the WKB error, at strong coupling it would overcorrect."""
    from scipy.special import k0
    lmax, born = partial_wave_count(a, b, phase_tol)
    lam = np.arange(lmax) + 0.5
    correction = born - k0(lam / (a * b)) / (2.0 * a)
    blend = a * a / (a * a + WKB_BORN_BLEND ** 2)
    return phase_shifts_wkb(a, b, lmax - 1, born=born) + blend * correction


def sigmaT_m2(a, b, method="auto", **knobs):
    """σ_T·m_ϕ² for identical Majorana fermions at (a, b) (Eqs. 22–25); scalar inputs.

    ``method``: "auto" (Born where :func:`born_applies`, partial waves for
    k = ab ≤ K_SEMICLASSICAL, semi-classical above), or force "born", "partial_waves",
    "semiclassical".
    ``knobs`` are passed to :func:`phase_shifts` (convergence tests).
    """
    a, b = float(a), float(b)
    k = a * b
    if method == "auto":
        method = ("born" if born_applies(a, b) else
                  "partial_waves" if k <= K_SEMICLASSICAL else "semiclassical")
    if method == "born":
        return float(sigmaT_born_m2(a, b))
    if method == "partial_waves":
        delta = phase_shifts(a, b, **knobs)
    elif method == "semiclassical":
        delta = phase_shifts_semiclassical(a, b, knobs.get("phase_tol", PHASE_TOL))
    else:
        raise ValueError(f"unknown method {method!r}")
    return float(sigmaT_k2_from_phases(delta) / (k * k))


def sigmaT_m2_batch(a, b, return_swave=False, **knobs):
    """σ_T·m_ϕ² at many velocities ``a`` (array) for one b with the partial-wave method,
    integrating all of them on one shared grid (efficient when the a span ≲ 10×).
    With ``return_swave`` also the s-wave pair (P, Q) of :func:`phase_shifts_numeric`."""
    a = np.asarray(a, dtype=float)
    phase_tol = knobs.pop("phase_tol", PHASE_TOL)
    counts, borns = zip(*(partial_wave_count(ai, b, phase_tol) for ai in a))
    lmax = max(counts)
    numeric, solved, _, swave = phase_shifts_numeric(a, b, lmax - 1, return_swave=True, **knobs)
    out = np.empty(a.size)
    for i, ai in enumerate(a):
        delta = np.where(solved[i, : counts[i]], numeric[i, : counts[i]], borns[i])
        out[i] = sigmaT_k2_from_phases(delta) / (ai * b) ** 2
    return (out, swave) if return_swave else out


def swave_sigma_m2(a, b, p, q):
    """The s-wave part π sin²δ₀/k² of σ_T·m_ϕ² (Eq. 25 for ℓ = 0) from the pair (P, Q)."""
    aq = a * q
    return math.pi * b ** -2 * q * q / (aq * aq + p * p)
