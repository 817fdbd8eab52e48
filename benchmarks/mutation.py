"""Mutation testing: single-line bugs planted one at a time in a copy of the tree; the tests
that should notice each run against it.  Prints the kill rate and the survivors.

    python benchmarks/mutation.py                 # every mutant (~10-20 min on 2 cores)
    python benchmarks/mutation.py --only 1,5,40   # a few, by number
    python benchmarks/mutation.py --list          # the mutants, nothing run

The repository is never touched: HEAD is exported (``git archive``) into a temporary
directory and put first on PYTHONPATH; each mutant edits that copy and is undone in a
``finally`` (Ctrl-C too), and the copy is deleted at the end.  A mutant is killed when its
tests fail or time out.  The unmutated copy must pass the same tests first.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# test selections (paths relative to the repository)
Z = ["tests/test_zprime.py", "tests/test_properties.py", "tests/test_defaults.py"]
B = ["tests/test_borexino.py", "tests/test_defaults.py"]
D = ["tests/test_dark_sector.py", "tests/test_defaults.py", "tests/test_properties.py"]
S = ["tests/test_strength_sidm_posterior.py", "tests/test_defaults.py",
     "tests/test_headline_runs.py"]
N = ["tests/test_defaults.py", "tests/test_thermal_history.py", "tests/test_headline_runs.py"]
L = ["tests/test_defaults.py", "tests/test_muon_g2_data.py", "tests/test_zprime.py",
     "tests/test_borexino.py", "tests/test_headline_runs.py"]
P = ["tests/test_strength_priors.py"]
R = ["tests/test_resume.py::test_sigkill_then_resume"]
E = ["tests/test_cli_run.py::test_emcee_run_writes_everything"]
A = ["tests/test_analysis.py::test_analyze_cli_summary_equals_the_analytic_gaussian"]
F = ["tests/test_figures.py::test_figure_command_csv_holds_eq8_band_and_white_dwarf_line",
     "tests/test_figures.py::test_g2_band_reaches_the_closed_forms_of_eq8"]
G = ["tests/test_getdist.py::test_nearly_constant_column_is_left_out_of_the_getdist_copy"]

# (file, original text (must occur once), mutated text, tests)
MUTANTS = [
    # --- Z′ sector, Eqs. (3), (8), (9), (14), Sec. II A ---
    ("lmt_scan/physics/zprime.py", "return -c.e_charge * g_p * _LOG_TAU_MU / (12.0 * math.pi ** 2)",
     "return -c.e_charge * g_p * _LOG_TAU_MU / (8.0 * math.pi ** 2)", Z),
    ("lmt_scan/physics/zprime.py", "return -c.e_charge * g_p * _LOG_TAU_MU",
     "return c.e_charge * g_p * _LOG_TAU_MU", Z),
    ("lmt_scan/physics/zprime.py", "return 2.0 * g_p ** 2 * m_Zp / (24.0 * math.pi)",
     "return g_p ** 2 * m_Zp / (24.0 * math.pi)", Z),
    ("lmt_scan/physics/zprime.py", "(1.0 + 2.0 * r) * _sqrt_above_zero(1.0 - 4.0 * r)",
     "(1.0 - 2.0 * r) * _sqrt_above_zero(1.0 - 4.0 * r)", Z),
    ("lmt_scan/physics/zprime.py", "(m_Zp ** 2 + 2.0 * c.m_e ** 2)",
     "(m_Zp ** 2 + 4.0 * c.m_e ** 2)", Z),
    ("lmt_scan/physics/zprime.py", "return g_p ** 2 / (8.0 * math.pi ** 2) * g2_loop_integral",
     "return g_p ** 2 / (4.0 * math.pi ** 2) * g2_loop_integral", Z),
    ("lmt_scan/physics/zprime.py", "R_CLOSED_FORM_MAX = 20.0", "R_CLOSED_FORM_MAX = 2000.0", Z),
    ("lmt_scan/physics/zprime.py", "return _g2_closed(r, 0.5, math)",
     "return _g2_closed(r, 0.25, math)", Z),
    ("lmt_scan/physics/zprime.py", "return -c.e_charge * g_p * eps_AZp(g_p) / (2.0 * m_Zp ** 2)",
     "return -c.e_charge * g_p * eps_AZp(g_p) / (m_Zp ** 2)", Z),
    # --- constants and conversions ---
    ("lmt_scan/physics/constants.py", "C_V_plasmon = 0.964", "C_V_plasmon = 0.962", Z),
    ("lmt_scan/physics/constants.py", "m_mu = 0.1056583755", "m_mu = 0.10566", Z),
    ("lmt_scan/physics/constants.py", "hbarc_GeV_cm = 1.973269804e-14",
     "hbarc_GeV_cm = 1.973269804e-13", S),
    ("lmt_scan/physics/constants.py", "GeV_in_g = 1.78266192e-24", "GeV_in_g = 1.78266192e-21", S),
    ("lmt_scan/physics/constants.py", "sigmav_canonical_cm3_s = 3.0e-26",
     "sigmav_canonical_cm3_s = 3.4e-26", D),
    # --- Borexino, App. A ---
    ("lmt_scan/physics/neutrino_scattering.py", "P_EE_BE7 = 0.51", "P_EE_BE7 = 0.55", B),
    ("lmt_scan/physics/neutrino_scattering.py", "T_MIN_BOREXINO = 0.270e-3",
     "T_MIN_BOREXINO = 0.250e-3", B),
    ("lmt_scan/physics/neutrino_scattering.py", "net_charge = mu_fraction - (1.0 - mu_fraction)",
     "net_charge = mu_fraction + (1.0 - mu_fraction)", B),
    ("lmt_scan/physics/neutrino_scattering.py", "(g_v + g_a) + (g_v - g_a) * y ** 2 - g_v * recoil",
     "(g_v + g_a) + (g_v - g_a) * y ** 2 - g_a * recoil", B),
    ("lmt_scan/physics/neutrino_scattering.py", "propagator = 2.0 * c.m_e * T + m_Zp ** 2",
     "propagator = c.m_e * T + m_Zp ** 2", B),
    ("lmt_scan/physics/neutrino_scattering.py", "return -0.5 + 2.0 * sin2w, -0.5",
     "return -0.5 + 2.0 * sin2w, 0.5", B),
    # --- relic density, Eqs. (20)-(21), and the dark masses ---
    ("lmt_scan/physics/dark_sector.py", "sigmav_11 = 9.0 * prefactor / x ",
     "sigmav_11 = 9.0 * prefactor / (2.0 * x) ", D),
    ("lmt_scan/physics/dark_sector.py", "return (9.0 * prefactor / x * (r1 * r1 + r2 * r2)",
     "return (9.0 * prefactor / x * (r1 * r1 - r2 * r2)", D),
    ("lmt_scan/physics/dark_sector.py", "boltzmann = math.exp(-SQRT2 * y * v_Phi / m_N * x)",
     "boltzmann = math.exp(-y * v_Phi / m_N * x)", D),
    ("lmt_scan/physics/dark_sector.py", "return M1 + y * v_Phi / SQRT2",
     "return M1 + y * v_Phi * SQRT2", D),
    ("lmt_scan/derived/dark_sector.py", 'model_setting("x_f", float, 20.0,',
     'model_setting("x_f", float, 25.0,', D),
    ("lmt_scan/derived/dark_sector.py", 'model_setting("pseudo_dirac_max", float, 0.5,',
     'model_setting("pseudo_dirac_max", float, 1.0,', D),
    ("lmt_scan/derived/dark_sector.py", 'return point["y"] ** 2 / (4.0 * math.pi)',
     'return point["y"] ** 2 / (2.0 * math.pi)', D),
    ("lmt_scan/derived/dark_sector.py", 'return point.M1_GeV + point["delta_M"]',
     'return point.M1_GeV - point["delta_M"]', D),
    # --- self-scattering, Eqs. (22)-(25), Fig. 3 ---
    ("lmt_scan/physics/self_scattering/averaging.py", "return math.sqrt(math.pi / 8.0) * v_mean",
     "return math.sqrt(math.pi / 4.0) * v_mean", S),
    ("lmt_scan/physics/self_scattering/born.py",
     "bracket = np.where(c > 1e3, series, forward + backward - cross)",
     "bracket = np.where(c > 1e3, series, forward + backward + cross)",
     ["tests/test_self_scattering.py"]),   # the closed form is used below c = 1e3 only: the
                                           # table's generator and direct solver, not a point
    ("lmt_scan/derived/sidm.py", '"v200": 200.0', '"v200": 250.0', S),
    ("likelihoods/sidm_targets.py", '"dwarf": ("v30", 1.0, 10.0)', '"dwarf": ("v30", 1.0, 5.0)', S),
    ("likelihoods/sidm_halos.py",
     "return float(-0.5 * np.sum((predicted - self.observed) ** 2 / variance))",
     "return float(-1.0 * np.sum((predicted - self.observed) ** 2 / variance))", S),
    # --- N_eff ---
    ("lmt_scan/derived/thermal.py", 'model_setting("neff_T_dec_MeV", float, 1.5,',
     'model_setting("neff_T_dec_MeV", float, 2.0,', N),
    ("likelihoods/neff.py", "NEFF_SM = 3.044", "NEFF_SM = 3.046", N),
    ("likelihoods/neff.py", 'self.mean + 1.96 * self.sigma', 'self.mean + 2.0 * self.sigma', N),
    # --- likelihood shapes and default options ---
    ("likelihoods/white_dwarf.py", '"limit": Option(float, 1.0,', '"limit": Option(float, 1.2,', L),
    ("likelihoods/borexino.py", '"tolerance": Option(float, 0.08,',
     '"tolerance": Option(float, 0.1,', L),
    ("lmt_scan/plugins.py", "return -0.5 * (ratio * limit_sigma / limit) ** 2",
     "return -0.5 * (ratio / limit) ** 2", L),
    ("lmt_scan/plugins.py", '"limit_sigma": Option(float, 1.96,',
     '"limit_sigma": Option(float, 1.64,', L),
    ("lmt_scan/plugins.py", "return -0.5 * ((value - mean) / sigma) ** 2",
     "return -0.25 * ((value - mean) / sigma) ** 2", L),
    ("likelihoods/muon_g2.py",
     'sigma = math.hypot(exp["sigma"] * exp["unit"], th["sigma"] * th["unit"])',
     'sigma = exp["sigma"] * exp["unit"] + th["sigma"] * th["unit"]', L),
    ("likelihoods/muon_g2.py", '"dataset": Option(str, "paper2018_a",',
     '"dataset": Option(str, "paper2018_b",', L),
    ("likelihoods/phi_bbn.py", 'if point.params["m_phi"] <= point.params["m_Zp"]:',
     'if point.params["m_phi"] <= 0.5 * point.params["m_Zp"]:', N),
    ("likelihoods/babar.py", '"limit_chi2": Option(float, 2.71,',
     '"limit_chi2": Option(float, 3.84,', L),
    # --- priors and validation ---
    ("priors/basic.py", "if lo == hi:", "if lo == hi and False:", P),
    ("priors/basic.py", "return math.exp(self.log_lo + u * (self.log_hi - self.log_lo))",
     "return math.exp(self.log_lo + u * u * (self.log_hi - self.log_lo))", P),
    ("priors/basic.py", "return -math.log(self.hi - self.lo) if",
     "return -math.log(self.hi + self.lo) if", P),
    # --- resume and output ---
    ("lmt_scan/samplers/dynesty_adapter.py", "if resume and checkpoint.exists():",
     "if False and resume and checkpoint.exists():", R),
    ("lmt_scan/output.py", 'f"{v: .15E}"', 'f"{v: .6E}"', R),
    ("lmt_scan/samplers/emcee_adapter.py", '"burn_fraction": Option(float, 0.3,',
     '"burn_fraction": Option(float, 0.2,', E),
    # --- posterior summaries and figure data (analysis, figures) ---
    ("lmt_scan/analysis/summary.py", "[0.025, 0.16, 0.5, 0.84, 0.975]",
     "[0.05, 0.16, 0.5, 0.84, 0.95]", A),
    ("lmt_scan/analysis/summary.py", "or float(1.0 / np.sum(w ** 2)),",
     "or float(len(w)),", A),
    ("lmt_scan/analysis/summary.py", "mean = float(np.dot(wj, col[ok]))",
     "mean = float(np.mean(col[ok]))", A),
    ("lmt_scan/analysis/columns.py", "cdf = np.cumsum(w) - 0.5 * w",
     "cdf = np.cumsum(np.ones_like(w)) - 0.5", A),
    ("lmt_scan/analysis/getdist_layout.py", "bounds[name] = (lo, hi)",
     "bounds[name] = (lo, lo)", G),
    ("lmt_scan/figures/plane.py", "low = np.sqrt(np.maximum(delta - n_sigma * sigma, 0.0) / unit)",
     "low = np.sqrt(np.maximum(delta - sigma, 0.0) / unit)", F),
    ("lmt_scan/figures/plane.py", "1e-3 / math.sqrt(zprime.white_dwarf_ratio(mi, 1e-3))",
     "1e-3 / zprime.white_dwarf_ratio(mi, 1e-3) ** 0.25", F),
]

# mutants that cannot change any result, with the reason (not counted)
EQUIVALENT = {}


def export_tree(dest):
    """HEAD of the repository as plain files in ``dest`` (no .git: nothing can leak back)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def run_tests(tree, tests, timeout):
    """True if ``tests`` pass in ``tree`` (the copy first on the path), None on timeout."""
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")
    env.pop("LMT_SCAN_NO_SKIPS", None)
    try:
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p",
                                 "no:cacheprovider", *tests], cwd=tree, env=env,
                                capture_output=True, text=True, timeout=timeout,
                                start_new_session=True)
    except subprocess.TimeoutExpired:
        return None
    return result.returncode == 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated mutant numbers (1-based)")
    parser.add_argument("--list", action="store_true", help="print the mutants and stop")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant")
    args = parser.parse_args(argv)
    chosen = range(1, len(MUTANTS) + 1)
    if args.only:
        chosen = [int(x) for x in args.only.split(",")]
    if args.list:
        for i in chosen:
            path, old, new, _ = MUTANTS[i - 1]
            print(f"{i:3d} {path}: {old!r} -> {new!r}")
        return 0
    t0 = time.time()
    tree = Path(tempfile.mkdtemp(prefix="lmt-mutation-"))
    try:
        export_tree(tree)
        for path, old, _, _ in MUTANTS:          # every site must exist exactly once
            count = (tree / path).read_text().count(old)
            if count != 1:
                raise SystemExit(f"mutation site not unique ({count}x) in {path}: {old!r}")
        selections = sorted({tuple(MUTANTS[i - 1][3]) for i in chosen})
        for tests in selections:
            if not run_tests(tree, list(tests), args.timeout):
                raise SystemExit(f"the unmutated tree fails {' '.join(tests)}: fix that first")
        print(f"baseline passes ({time.time() - t0:.0f} s); {len(chosen)} mutants", flush=True)
        killed, survivors = 0, []
        for i in chosen:
            path, old, new, tests = MUTANTS[i - 1]
            target = tree / path
            original = target.read_text()
            start = time.time()
            try:
                target.write_text(original.replace(old, new))
                passed = run_tests(tree, tests, args.timeout)
            finally:
                target.write_text(original)       # restored even on Ctrl-C
            verdict = "survived" if passed else ("killed (timeout)" if passed is None else "killed")
            killed += not passed
            if passed:
                survivors.append(i)
            print(f"{i:3d} {verdict:16s} {time.time() - start:5.1f} s  {path}: {new.strip()!r}",
                  flush=True)
        counted = len(chosen) - len([i for i in chosen if i in EQUIVALENT])
        print(f"\nkilled {killed} of {counted} non-equivalent mutants "
              f"({100.0 * killed / max(counted, 1):.1f} %) in {time.time() - t0:.0f} s")
        for i in survivors:
            path, old, new, _ = MUTANTS[i - 1]
            note = f"  [equivalent: {EQUIVALENT[i]}]" if i in EQUIVALENT else ""
            print(f"  survivor {i}: {path}: {old!r} -> {new!r}{note}")
        return 0
    finally:
        shutil.rmtree(tree, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
