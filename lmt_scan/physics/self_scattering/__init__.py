"""Dark-matter self-scattering through the attractive Yukawa potential (paper Sec. III B).

N1 N1 → N1 N1 via ϕ exchange, V(r) = −α_X e^{−m_ϕ r}/r with α_X = y²/4π (Eq. 22).
Everything here is dimensionless in the variables of Tulin, Yu, Zurek (arXiv:1302.3898):

    a = v/(2 α_X),   b = α_X M1/m_ϕ,   x = α_X M1 r,

with v the relative velocity (units of c) and reduced mass M1/2, so that the radial
equation for u_ℓ = r R_ℓ reads  u'' + [a² + e^{−x/b}/x − ℓ(ℓ+1)/x²] u = 0, the
momentum in units of m_ϕ is  k/m_ϕ = a·b  and  β ≡ 2α_X m_ϕ/(M1 v²) = 1/(2a²b).
Cross sections are returned as σ·m_ϕ² (divide by m_ϕ² [GeV²] for GeV⁻²).

Majorana N1 are identical fermions: the spin-averaged singlet/triplet combination of
Eq. (24) keeps even ℓ with weight 1 and odd ℓ with weight 3, and the transfer cross
section of Eq. (25) integrates (1 − cos θ) over half the angular range.  The angular
integral is done exactly in terms of the phase shifts (Legendre products on [0, 1],
:func:`half_range_legendre_matrix`).

Methods, chosen by :func:`sigmaT_m2`:

* **Born** (b ≤ ``B_BORN``, or α_X/v < 10⁻³ at k ≥ 1): closed-form identical-fermion Born
  σ_T (:func:`sigmaT_born_m2`); its error is ≈ b at low k (10⁻⁴ at the switch) and
  ≈ 1/(3a) at k ≥ 1 (< 10⁻³ at the switch a = ``A_BORN``).
* **Partial waves** (k/m_ϕ ≤ ``K_SEMICLASSICAL``): phase shifts from the radial equation
  (:func:`phase_shifts_numeric`: RK4 on a grid of fixed phase advance ``dphi`` per step,
  all ℓ at once, matched to Riccati–Bessel functions at the radius where the neglected
  potential tail can change a phase by less than ``tail_tol``·min(1, δ₀ᴮ) — not where
  V/E is small, which leaves percent errors at weak coupling), and the analytic Born
  phases Q_ℓ(1 + 1/(2a²b²))/(2a) for partial waves whose centrifugal barrier exceeds
  the potential tenfold everywhere inside that radius.  Converged to ~10⁻⁴ relative
  (``benchmarks/sidm.py`` tightens every knob).
* **Semi-classical** (k/m_ϕ > ``K_SEMICLASSICAL``, where hundreds to thousands of waves
  contribute): the same exact identical-particle sum over WKB (Langer) phase shifts plus
  the first-order quantum correction Born − eikonal (:func:`phase_shifts_semiclassical`);
  ≲ 1 % from the partial waves at the switch, and the classical limit of the
  distinguishable σ_T matches the published fits (tests).

Partial-wave convergence criterion: the sum runs over ℓ until the Born phase shift
(monotone in ℓ and exact where this bites) has fallen below ``PHASE_TOL``·min(1, δ₀ᴮ),
plus 5 more waves; the neglected tail then changes σ_T by ≪ 10⁻⁶ relative.  The
angular sum costs O(L log L) (``transfer._half_range_form``), so L ~ 10⁴ is cheap.

Smooth pairs (``phase_shifts_numeric(..., pairs=n)``): per wave ℓ the asymptotic amplitudes
of the solution regular at the origin, smooth through resonances (the table's pairs tier).

Modules: ``born`` (Born formula and phases), ``transfer`` (σ_T from phases, Eqs. 23–25),
``radial`` (numerical phases and pairs), ``semiclassical`` (WKB), ``solver`` (method
selection), ``averaging`` (Maxwell–Boltzmann averages by the direct solver).
"""
from .averaging import maxwell_boltzmann, mean_to_mode_scale, velocity_average_m2
from .born import (A_BORN, B_BORN, born_applies, legendre_q, phase_shifts_born,
                   phase_shifts_born_batch, sigmaT_born_m2)
from .radial import (barrier_start_points, matching_radius, phase_shifts_numeric,
                     regular_series_start)
from .semiclassical import phase_shifts_wkb
from .solver import (K_SEMICLASSICAL, PHASE_TOL, WKB_BORN_BLEND, partial_wave_count, phase_shifts,
                     phase_shifts_semiclassical, sigmaT_m2, sigmaT_m2_batch, swave_sigma_m2)
from .transfer import (half_range_legendre_matrix, identical_fermion_form, legendre_at_zero,
                       sigmaT_k2_distinguishable, sigmaT_k2_few_waves, sigmaT_k2_from_phases)

__all__ = [name for name in dir() if not name.startswith("_")]
