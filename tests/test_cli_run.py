"""End to end: run cards → chains, summary, corner plot; `point --json`; plugins; seeds."""
import json
import os
import textwrap

import numpy as np
import pytest

from lmt_scan import output
from lmt_scan.samplers.multinest_adapter import multinest_available

from conftest import REPO, run_cli, small_card

POINT_ARGS = ["point", "--set", "m_Zp=10", "--set", "g_p=5e-4", "--set", "m_phi=20",
              "--set", "M1=20", "--json"]


def _check_run_dir(out):
    for name in (output.RUN_CARD, output.CHAIN, output.EQUAL_WEIGHTS, output.PARAMNAMES,
                 output.SUMMARY, output.RUN_INFO, "corner.png", "corner.pdf"):
        assert (out / name).is_file(), name
    chain = np.loadtxt(out / output.CHAIN)
    names = [line.split("\t")[0] for line in (out / output.PARAMNAMES).read_text().splitlines()]
    assert chain.shape[1] == 2 + len(names)
    assert np.isclose(chain[:, 0].sum(), 1.0)
    assert names[:4] == ["m_Zp", "g_p", "m_phi", "M1"]
    assert {"y*", "alpha_X*", "delta_a_mu*", "loglike.muon_g2*"} <= set(names)
    # −2 ln L column equals −2 Σ per-plugin log L wherever the point is valid
    per_plugin = [2 + i for i, n in enumerate(names) if n.startswith("loglike.")]
    valid = np.isfinite(chain[:, names.index("y*") + 2])
    assert valid.sum() > 0.5 * len(chain)
    assert np.allclose(chain[valid, 1], -2 * chain[valid][:, per_plugin].sum(axis=1))
    summary = json.loads((out / output.SUMMARY).read_text())
    assert {"parameters", "best_fit", "rejections", "ncall"} <= set(summary)
    assert set(summary["parameters"]["g_p"]) >= {"mean", "interval68", "interval95", "best_fit"}
    return summary


def _check_g2_band(summary):
    """The small card's posterior is the g−2 band of Eq. (8) under (26.1 ± 8.0)e-10, not the
    prior (g′ log-uniform 1e-4 … 3e-3, m_Z′ 5 … 300 MeV)."""
    p = summary["parameters"]
    # Δa_μ is pulled onto the data: median within 0.6σ of 26.1e-10, 68 % inside ±2σ
    assert abs(p["delta_a_mu"]["median"] - 26.1e-10) < 5e-10
    lo, hi = p["delta_a_mu"]["interval68"]
    assert 10.1e-10 < lo < 26.1e-10 < hi < 42.1e-10
    # light-Z′ limit Δa_μ = g′²/(8π²) (Eq. 8): 26.1e-10 needs g′ = 4.5e-4 at m_Z′ ≪ m_μ and
    # more for heavier Z′ (≈ 7e-4 at 60 MeV); the white dwarf and Borexino cut m_Z′ ≲ 7 MeV
    assert 4.5e-4 < p["g_p"]["median"] < 7.5e-4
    lo, hi = p["g_p"]["interval95"]
    assert 2e-4 < lo < 4.5e-4 and 7e-4 < hi < 1.3e-3
    assert 6.0 < p["m_Zp"]["interval95"][0] and p["m_Zp"]["interval95"][1] < 150.0


def test_dynesty_run_writes_everything(card_factory, tmp_path):
    card = card_factory()
    result = run_cli("run", card)
    assert result.returncode == 0, result.stderr
    summary = _check_run_dir(tmp_path / "out_small")
    assert summary["logz"] is not None
    # heavy Z′ at small g′ means v_Φ = m_Z′/g′ ≫ M1: no pseudo-Dirac relic solution there,
    # and the run counts those points by reason
    assert summary["rejections"].get("pseudo_dirac_violated", 0) > 0
    _check_g2_band(summary)
    # refuses to overwrite without being told
    again = run_cli("run", card)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert "Traceback" not in again.stderr


def test_emcee_run_writes_everything(card_factory, tmp_path):
    card = card_factory(sampler={"name": "emcee", "nwalkers": 8, "nsteps": 150})
    result = run_cli("run", card)
    assert result.returncode == 0, result.stderr
    summary = _check_run_dir(tmp_path / "out_small")
    assert summary["logz"] is None
    _check_g2_band(summary)
    # 150 steps × 8 walkers, the default 30 % burn-in dropped: (150 − 45) × 8 samples, all
    # inside the prior box
    chain = np.loadtxt(tmp_path / "out_small" / output.CHAIN)
    assert len(chain) == (150 - 45) * 8
    assert np.all((chain[:, 2] >= 5) & (chain[:, 2] <= 300))
    assert np.all((chain[:, 3] >= 1e-4) & (chain[:, 3] <= 3e-3))
    assert np.all(chain[:, 4] == 20) and np.all(chain[:, 5] == 20)


def test_multinest_run_or_install_hint(card_factory, tmp_path):
    # .ci/run builds libmultinest, so CI takes the first branch; a machine without it checks
    # the install hint instead: either branch is a real check and nothing is skipped
    card = card_factory(sampler={"name": "multinest", "nlive": 60})
    result = run_cli("run", card)
    if multinest_available():
        assert result.returncode == 0, result.stderr
        _check_g2_band(_check_run_dir(tmp_path / "out_small"))
        return
    assert result.returncode == 2
    assert "libmultinest" in result.stderr and "lmt-scan build-multinest" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out_small").exists()   # nothing written before the check


@pytest.mark.parametrize("sampler", [{"name": "dynesty", "nlive": 60, "dlogz": 1.0},
                                     {"name": "emcee", "nwalkers": 8, "nsteps": 100}])
def test_same_seed_same_chain(tmp_path, sampler):
    chains = []
    for tag, seed in (("a", 11), ("b", 11), ("c", 12)):
        card = small_card(tmp_path, name=f"seed_{tag}", seed=seed, sampler=sampler)
        assert run_cli("run", card, "--quiet").returncode == 0
        chains.append(np.loadtxt(tmp_path / f"out_seed_{tag}" / output.CHAIN))
    assert np.array_equal(chains[0], chains[1], equal_nan=True)   # NaN: y rejected there
    n = min(len(chains[0]), len(chains[2]))
    assert not np.array_equal(chains[0][:n], chains[2][:n], equal_nan=True)
    # the run directory records the seed and the package versions
    info = json.loads((tmp_path / "out_seed_a" / output.RUN_INFO).read_text())
    assert info["seed"] == 11 and {"numpy", "scipy", "python"} <= set(info["versions"])


def test_point_json_keys():
    result = run_cli(*POINT_ARGS)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"params", "derived", "loglike", "loglike_total"}
    for key in ("y", "alpha_X", "M2", "eps_AZp", "tau_Zp_s", "tau_phi_s", "delta_a_mu",
                "wd_ratio", "borexino_ratio"):
        assert key in data["derived"], key
    assert data["derived"]["eps_AZp"] == pytest.approx(-7.2e-6, rel=0.01, abs=0)
    assert data["derived"]["tau_Zp_s"] == pytest.approx(1e-14, rel=0.02, abs=0)
    assert {"muon_g2", "white_dwarf", "borexino"} <= set(data["loglike"])
    assert data["loglike_total"] == pytest.approx(sum(data["loglike"].values()))


def test_point_with_run_card_uses_its_likelihoods(card_factory):
    card = card_factory(likelihoods={"muon_g2": {"dataset": "exp2025_wp2025"}})
    result = run_cli("point", "--set", "m_Zp=10", "--set", "g_p=5e-4", "--run", card, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data["loglike"]) == ["muon_g2"]
    assert data["params"]["m_phi"] == 20   # fixed value taken from the card


def test_plugins_lists_everything():
    # every installed plugin with its entry point, and every option and model setting with
    # its declared default (the expectation is built from the declarations, not the listing)
    from lmt_scan.plugins import LIKELIHOOD_GROUP, PRIOR_GROUP, installed_plugins
    from lmt_scan.point import model_settings
    result = run_cli("plugins")
    assert result.returncode == 0
    lines = result.stdout.splitlines()

    def line_of(prefix, after=0):
        return next(i for i in range(after, len(lines)) if lines[i].strip().startswith(prefix))

    for group in (LIKELIHOOD_GROUP, PRIOR_GROUP):
        for name, cls in installed_plugins(group).items():
            at = line_of(f"{name} — ")
            assert f"[{cls.__module__}:{cls.__name__}]" in lines[at], name
            for option, declared in cls.options.items():
                shown = lines[line_of(f"{option}: ", at + 1)]
                assert (f"= {declared.default!r}" in shown) if not declared.required \
                    else "(required)" in shown, (name, option)
    settings = line_of("model settings")
    for name, default in model_settings().items():
        assert f"= {default!r}" in lines[line_of(f"{name}: ", settings)], name
    for sampler in ("dynesty", "emcee", "multinest"):
        line_of(f"{sampler} — ", line_of("samplers:"))


TOY_PLUGIN = textwrap.dedent('''
    from lmt_scan.options import Option
    from lmt_scan.plugins import Likelihood

    class HeavyZp(Likelihood):
        """A toy outside observable: Gaussian in log10 m_Z′."""
        name = "heavy_zp"
        options = {"centre_MeV": Option(float, 100.0, "centre [MeV]", minimum=0.0)}
        requires = ()

        def loglike(self, point):
            import math
            return -0.5 * ((math.log10(point.params["m_Zp"]) -
                            math.log10(self.opts["centre_MeV"])) / 0.05) ** 2
''')


def _m_zp_mean(out):
    return json.loads((out / output.SUMMARY).read_text())["parameters"]["m_Zp"]["median"]


def test_outside_plugin_by_file_reference(tmp_path):
    plugin = tmp_path / "toy_plugin.py"
    plugin.write_text(TOY_PLUGIN)
    card = small_card(tmp_path, name="toy", likelihoods={
        "muon_g2": {}, "toy": {"plugin": f"{plugin}:HeavyZp", "centre_MeV": 25.0}})
    result = run_cli("run", card, "--quiet")
    assert result.returncode == 0, result.stderr
    assert _m_zp_mean(tmp_path / "out_toy") == pytest.approx(25.0, rel=0.1)


def test_outside_plugin_through_entry_point(tmp_path):
    # an installed distribution (here: a dist-info on PYTHONPATH) declaring the entry point
    site = tmp_path / "site"
    (site / "toy_lmt_plugin").mkdir(parents=True)
    (site / "toy_lmt_plugin" / "__init__.py").write_text(TOY_PLUGIN)
    dist = site / "toy_lmt_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-lmt-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[lmt_scan.likelihoods]\nheavy_zp = toy_lmt_plugin:HeavyZp\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(REPO)]))
    listed = run_cli("plugins", env=env)
    assert "heavy_zp" in listed.stdout
    card = small_card(tmp_path, name="toy_ep", likelihoods={"muon_g2": {},
                                                            "heavy_zp": {"centre_MeV": 12.0}})
    result = run_cli("run", card, "--quiet", env=env)
    assert result.returncode == 0, result.stderr
    assert _m_zp_mean(tmp_path / "out_toy_ep") == pytest.approx(12.0, rel=0.1)
