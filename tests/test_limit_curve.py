"""limit_curve: a g′(m_Z′) bound from a data file (interpolation, fillers, shapes, bad files,
a scan constrained by a file and no code) and the Borexino cross-check against the
Bauer–Foldenauer–Jaeckel recast (arXiv:1803.05466)."""
import math

import numpy as np
import pytest
import yaml
from scipy.optimize import brentq

from likelihoods.limit_curve import LimitCurve, shipped_curves
from lmt_scan.errors import ConfigError, PointRejected
from lmt_scan.physics import neutrino_scattering
from lmt_scan.point import ModelPoint

from conftest import REPO, run_cli, small_card

DATA = REPO / "likelihoods" / "data" / "limits_2025"
UPPER_LIMITS = [n for n, e in shipped_curves().items() if e.get("use") != "plot"]
rng = np.random.default_rng(20180601)


def rows(name):
    data = np.loadtxt(DATA / shipped_curves()[name]["file"])
    return data[:, 0], data[:, 1]


def hand_limit(m, mass, limit):
    """Log-log interpolation written out, NaN on segments touching a 1e5 filler."""
    i = np.searchsorted(mass, m, side="right") - 1
    i = min(max(i, 0), len(mass) - 2)
    if not mass[0] <= m <= mass[-1] or limit[i] >= 99900 or limit[i + 1] >= 99900:
        return math.nan
    slope = math.log(limit[i + 1] / limit[i]) / math.log(mass[i + 1] / mass[i])
    return limit[i] * (m / mass[i]) ** slope


def point(m_Zp_MeV, g_p):
    return ModelPoint(m_Zp_MeV, g_p, 20.0, 20.0)


def test_shipped_curves_listed_with_provenance_and_licence():
    assert set(UPPER_LIMITS) == {"Borexino_Bauer2018onh", "CHARMII_Bauer2018onh",
                                 "NA64_Banerjee2016tad", "NA64_Banerjee2017hhz",
                                 "NA64_NA642019imj", "BaBar_Lees2017lec", "BelleII_Adachi2019otg"}
    for entry in shipped_curves().values():
        assert (DATA / entry["file"]).is_file() and "arXiv" in entry["citation"]
    assert "GNU GENERAL PUBLIC LICENSE" in (DATA / "LICENSE_GPLv2_upstream").read_text()
    readme = (DATA / "README.md").read_text()
    assert "2a86698dee49d66b193c99154c63087c8d798f72" in readme and "GPL" in readme
    listing = run_cli("plugins", ).stdout
    line = next(x for x in listing.splitlines() if x.strip().startswith("limit_curve — "))
    assert all(name in line for name in UPPER_LIMITS)
    assert "AMMmu" not in line


@pytest.mark.parametrize("name", UPPER_LIMITS)
def test_interpolation_log_log_at_random_masses(name):
    mass, limit = rows(name)
    plugin = LimitCurve(file=name)
    m = np.exp(rng.uniform(np.log(mass[0]), np.log(mass[-1]), 300))
    got = plugin.limit(m)
    expected = np.array([hand_limit(x, mass, limit) for x in m])
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    ok = np.isfinite(expected)
    assert np.allclose(got[ok], expected[ok], rtol=1e-10)
    # at the tabulated rows the curve is the file itself
    assert np.allclose(plugin.limit(mass[limit < 99900]), limit[limit < 99900], rtol=1e-12)
    # outside the file's range the curve says nothing, at any coupling
    outside = np.concatenate([mass[0] * np.exp(-rng.uniform(0.01, 5, 20)),
                              mass[-1] * np.exp(rng.uniform(0.01, 5, 20))])
    for m_GeV in outside:
        assert plugin.loglike(point(m_GeV * 1e3, 10 ** rng.uniform(-5, -1))) == 0.0


@pytest.mark.parametrize("shape", ["hard", "smooth"])
def test_shapes_against_formula_over_random_points(shape):
    for name in UPPER_LIMITS:
        mass, limit = rows(name)
        cl = rng.uniform(0.6, 0.99)
        power = rng.choice([1.0, 2.0, 4.0])
        plugin = LimitCurve(file=name, shape=shape, cl=cl, power=power)
        for _ in range(40):
            m_MeV = 1e3 * math.exp(rng.uniform(math.log(mass[0]), math.log(mass[-1])))
            g = 10 ** rng.uniform(-5.5, -0.5)
            g_lim = hand_limit(m_MeV * 1e-3, mass, limit)
            if math.isnan(g_lim):
                expected = 0.0
            elif shape == "hard":
                expected = 0.0 if g <= g_lim else -math.inf
            else:   # Δχ²(cl) of one dof at the limit; signal ∝ g′^power
                from scipy.stats import chi2
                expected = -0.5 * chi2.ppf(cl, 1) * (g / g_lim) ** (2 * power)
            if expected == -math.inf:
                with pytest.raises(PointRejected) as info:
                    plugin.loglike(point(m_MeV, g))
                assert info.value.reason == f"{name}_excluded"
            else:
                assert plugin.loglike(point(m_MeV, g)) == pytest.approx(expected, rel=1e-9)


def test_smooth_at_the_limit_is_the_cl_quantile():
    plugin = LimitCurve(file="NA64_NA642019imj", shape="smooth")
    g_lim = float(plugin.limit(0.01)[0])
    assert g_lim == pytest.approx(2.28e-3, rel=0.02)      # NA64 PRL 123 (2019): 2.3e-3
    assert plugin.loglike(point(10.0, g_lim)) == pytest.approx(-0.5 * 2.7055, rel=1e-4)
    plugin95 = LimitCurve(file="NA64_NA642019imj", cl=0.95)
    assert plugin95.loglike(point(10.0, g_lim)) == pytest.approx(-0.5 * 3.8415, rel=1e-4)


def test_user_file_mass_unit_and_filler(tmp_path):
    # a user's curve in MeV with a DarkCast filler row in the middle
    masses = np.array([2.0, 5.0, 10.0, 30.0, 60.0, 100.0])
    limits = np.array([1e-4, 2e-4, 1e5, 6e-4, 1e-3, 2e-3])
    path = tmp_path / "mine.lmt"
    path.write_text("# m [MeV]  g'\n" + "".join(f"{m} {g}  # row\n" for m, g in zip(masses, limits)))
    plugin = LimitCurve(file=str(path), mass_unit="MeV", shape="hard", citation="me")
    for m in np.exp(rng.uniform(math.log(2.0), math.log(100.0), 200)):
        g_lim = float(plugin.limit(m * 1e-3)[0])
        if 5.0 < m < 30.0:      # both segments touching the filler: no constraint
            assert math.isnan(g_lim)
            assert plugin.loglike(point(m, 0.5)) == 0.0
        else:
            assert g_lim == pytest.approx(hand_limit(m, masses, limits), rel=1e-10)
    assert plugin.opts["cl"] == 0.90 and plugin.opts["power"] == 2.0


@pytest.mark.parametrize("text, complaint", [
    ("0.01 1e-3\n0.02 abc\n", "line 2: not a number"),
    ("0.01 1e-3\n0.02 2e-3 5\n", "line 2: expected two numbers"),
    ("# c\n0.02 1e-3\n0.01 2e-3\n", "line 3: masses must increase"),
    ("0.01 1e-3\n0.02 -2e-3\n", "line 2: mass and limit must be finite and positive"),
    ("0.01 1e-3\n0.02 nan\n", "line 2: mass and limit must be finite and positive"),
    ("# only a comment\n0.01 1e-3\n", "needs at least two rows"),
])
def test_malformed_file_one_line_exit_2(tmp_path, text, complaint):
    bad = tmp_path / "bad.lmt"
    bad.write_text(text)
    with pytest.raises(ConfigError):
        LimitCurve(file=str(bad))
    card = small_card(tmp_path, likelihoods={"my_limit": {"plugin": "limit_curve",
                                                         "file": str(bad)}})
    result = run_cli("run", card, "--overwrite")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert str(bad) in lines[0] and "likelihoods.my_limit.file" in lines[0]
    assert complaint in lines[0]
    assert not (tmp_path / "out_small").exists()


def test_missing_file_and_plot_only_curve():
    with pytest.raises(ConfigError, match="no such file 'no_such_curve'.* nor shipped curve"):
        LimitCurve(file="no_such_curve")
    with pytest.raises(ConfigError, match="plots only"):
        LimitCurve(file="AMMmu_Bodas2021fsy_2u")


def test_a_curve_file_constrains_a_scan(tmp_path):
    # no code: a file and a card.  Every posterior sample lies below the hard curve, and
    # the prior box above it is not empty (the cut did something).
    curve = tmp_path / "wall.lmt"
    curve.write_text("# m_Zp [MeV]  g'\n5 3e-4\n300 3e-3\n")
    card = small_card(tmp_path, likelihoods={"wall": {"plugin": "limit_curve",
                                                      "file": str(curve), "mass_unit": "MeV",
                                                      "shape": "hard"}})
    result = run_cli("run", card, "--overwrite")
    assert result.returncode == 0, result.stderr
    chain = np.loadtxt(tmp_path / "out_small" / "lmt-.txt")
    m, g = chain[:, 2], chain[:, 3]
    g_lim = 3e-4 * (m / 5.0) ** (math.log(10) / math.log(60))
    assert len(m) > 50 and np.all(g <= g_lim * (1 + 1e-9))
    assert np.any(g < 0.5 * g_lim) and np.max(g / g_lim) > 0.8


def test_relative_curve_path_is_read_from_the_card_directory(tmp_path):
    # card and curve in cards/sub/, the command run from elsewhere: the path in the card is
    # relative to the card; run.yaml (the resolved card) records the file read, absolute
    card_dir = tmp_path / "cards" / "sub"
    card_dir.mkdir(parents=True)
    (card_dir / "curves").mkdir()
    (card_dir / "curves" / "wall.lmt").write_text("5 3e-4\n300 3e-3\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "curves").mkdir()     # a same-named file under the cwd must not be used
    (elsewhere / "curves" / "wall.lmt").write_text("5 1e-9\n300 1e-9\n")
    likelihoods = {"wall": {"plugin": "limit_curve", "file": "curves/wall.lmt",
                            "mass_unit": "MeV", "shape": "hard"}}
    card = small_card(card_dir, likelihoods=likelihoods)
    from lmt_scan.config import load_run_card
    config = load_run_card(card)
    assert config.raw["likelihoods"]["wall"]["file"] == str(card_dir / "curves" / "wall.lmt")
    assert config.likelihoods["wall"].limit(0.005)[0] == pytest.approx(3e-4)
    result = run_cli("point", "--run", card, "--set", "m_Zp=10", "--set", "g_p=2e-4",
                     "--set", "m_phi=20", "--set", "M1=20", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "wall_excluded" not in result.stdout
    # the resolved card, written as a run dir's run.yaml, reads the same file from anywhere
    run_dir = elsewhere / "run_dir"
    run_dir.mkdir()
    (run_dir / "run.yaml").write_text(yaml.safe_dump(config.raw, sort_keys=False))
    resolved = load_run_card(run_dir / "run.yaml")
    assert resolved.likelihoods["wall"].path == str(card_dir / "curves" / "wall.lmt")
    # a path that is not there (relative to the card): one line, card file and field, exit 2
    (card_dir / "curves" / "wall.lmt").unlink()
    result = run_cli("run", card, "--overwrite", cwd=elsewhere)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert str(card) in lines[0] and "likelihoods.wall.file" in lines[0]
    assert "curves/wall.lmt" in lines[0] and str(card_dir) in lines[0]


def test_shipped_curve_name_wins_wherever_the_card_is(tmp_path):
    card = small_card(tmp_path, likelihoods={"na64": {"plugin": "limit_curve",
                                                      "file": "NA64_NA642019imj"}})
    from lmt_scan.config import load_run_card
    config = load_run_card(card)
    assert config.likelihoods["na64"].path == str(DATA / "NA64_NA642019imj.lmt")
    assert config.raw["likelihoods"]["na64"]["file"] == "NA64_NA642019imj"   # name kept


# ---------------------------------------------------------------- Borexino cross-check

def project_borexino_limit(m_GeV, tolerance=0.08):
    """g′ where the project's ⁷Be rate (physical mode, App. A) is ``tolerance`` above the SM."""
    f = lambda lg: neutrino_scattering.borexino_rate_ratio(m_GeV, math.exp(lg)) - 1 - tolerance
    return math.exp(brentq(f, math.log(1e-6), math.log(0.1), xtol=1e-8))


def test_borexino_recast_vs_project_at_10_MeV():
    bfj = float(LimitCurve(file="Borexino_Bauer2018onh").limit(0.010)[0])
    assert bfj == pytest.approx(5.9e-4, rel=0.01)
    assert project_borexino_limit(0.010) == pytest.approx(4.2e-4, rel=0.01)


def test_borexino_recast_is_the_same_physics_with_a_31_percent_rate_criterion():
    # With ν_μ : ν_τ = 1 : 1 the interference cancels and ν_e has no L_μ−L_τ charge, so the
    # rate excess is the |Z′|² term ∝ g′⁴/m_Z′⁴ in both calculations.  The project's rate at
    # the recast's curve is then one constant excess, ≈ 31 % (not 8 %), at every mass where
    # m_Z′² ≫ 2 m_e T (2–120 MeV), and the two limits differ by (0.31/0.08)^(1/4) ≈ 1.4.
    curve = LimitCurve(file="Borexino_Bauer2018onh")
    masses = np.exp(rng.uniform(math.log(2e-3), math.log(0.12), 25))
    excess = np.array([neutrino_scattering.borexino_rate_ratio(m, curve.limit(m)[0]) - 1
                       for m in masses])
    assert np.all((excess > 0.28) & (excess < 0.35)), excess
    ratio = np.array([curve.limit(m)[0] / project_borexino_limit(m) for m in masses[:8]])
    assert np.allclose(ratio, ((excess[:8] / 0.08) ** 0.25), rtol=0.01)
    assert np.all((ratio > 1.35) & (ratio < 1.45))
    # and the project's own limit moved to a 31 % criterion reproduces the recast to 2 %
    for m in masses[:8]:
        assert project_borexino_limit(m, 0.31) == pytest.approx(curve.limit(m)[0], rel=0.03)
