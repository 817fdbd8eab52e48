"""Bad input: one clear line naming file and field, exit code 2, no traceback, nothing lost."""
import pytest

from conftest import run_cli, small_card
from lmt_scan.cli import main

PARAMS_OK = {"m_Zp": {"prior": "log_uniform", "min": 5, "max": 300},
             "g_p": {"prior": "log_uniform", "min": 1e-4, "max": 3e-3}, "m_phi": 20, "M1": 20}


def _with_params(**changes):
    params = dict(PARAMS_OK)
    params.update(changes)
    return {"parameters": params}


CASES = [
    # (id, card overrides, expected fragments of the message)
    ("unknown top-level key", {"sampelr": "dynesty"}, ["sampelr", "unknown key"]),
    ("unknown likelihood", {"likelihoods": {"muon_g3": {}}}, ["likelihoods.muon_g3", "unknown likelihood"]),
    ("unknown plugin option", {"likelihoods": {"muon_g2": {"datset": "x"}}},
     ["likelihoods.muon_g2.datset", "unknown option"]),
    ("bad choice", {"likelihoods": {"muon_g2": {"dataset": "fnal2099"}}},
     ["likelihoods.muon_g2.dataset", "fnal2099"]),
    ("wrong option type", {"likelihoods": {"white_dwarf": {"limit": "big"}}},
     ["likelihoods.white_dwarf.limit", "expected float"]),
    ("nan option", {"likelihoods": {"white_dwarf": {"limit": float("nan")}}},
     ["likelihoods.white_dwarf.limit", "NaN"]),
    ("prior min >= max", _with_params(m_Zp={"prior": "uniform", "min": 300, "max": 5}),
     ["parameters.m_Zp.min", "smaller than max"]),
    ("log prior non-positive", _with_params(g_p={"prior": "log_uniform", "min": 0, "max": 1e-3}),
     ["parameters.g_p.min", "> 0"]),
    ("negative fixed mass", _with_params(m_phi=-20), ["parameters.m_phi", "positive"]),
    ("unknown prior", _with_params(M1={"prior": "jeffreys", "min": 1, "max": 100}),
     ["parameters.M1", "unknown prior"]),
    ("missing parameter", {"parameters": {k: v for k, v in PARAMS_OK.items() if k != "M1"}},
     ["parameters.M1", "missing"]),
    ("unknown parameter", _with_params(m_chi=3), ["parameters.m_chi", "unknown parameter"]),
    ("unknown sampler", {"sampler": {"name": "ultranest"}}, ["sampler.name", "unknown sampler"]),
    ("bad sampler setting", {"sampler": {"name": "dynesty", "nlive": -3}}, ["sampler.nlive", ">= 10"]),
    ("unknown sampler setting", {"sampler": {"name": "emcee", "nlive": 100}},
     ["sampler.nlive", "unknown option"]),
    ("bad seed", {"seed": "abc"}, ["seed", "integer"]),
    ("bad model setting", {"model": {"x_f": 0.1}}, ["model.x_f", ">= 1"]),
    ("unknown model setting", {"model": {"x_F": 20}}, ["model.x_F", "unknown option"]),
    ("all fixed", _with_params(m_Zp=10, g_p=5e-4), ["parameters", "nothing to sample"]),
    ("plugin file missing", {"likelihoods": {"x": {"plugin": "/nonexistent/p.py:Cls"}}},
     ["likelihoods.x", "not found"]),
    ("plugin module missing", {"likelihoods": {"x": {"plugin": "no_such_module:Cls"}}},
     ["likelihoods.x", "cannot import"]),
]


def run_main(capsys, *args):
    """The CLI in-process (fast); returns (exit code, stderr)."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:    # argparse errors
        code = exc.code
    return code, capsys.readouterr().err


@pytest.mark.parametrize("overrides, fragments", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_card(tmp_path, capsys, overrides, fragments):
    card = small_card(tmp_path, **overrides)
    code, err = run_main(capsys, "run", card)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(card) in lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert not (tmp_path / "out_small").exists()


def test_yaml_syntax_error_names_line(tmp_path):
    card = tmp_path / "broken.yaml"
    card.write_text("name: x\nparameters:\n  m_Zp: {prior: uniform, min: 1\n  g_p: 3\n")
    result = run_cli("run", card)
    assert result.returncode == 2
    assert str(card) in result.stderr and "line" in result.stderr and "YAML" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", ["", "- just\n- a list\n"])
def test_card_not_a_mapping(tmp_path, capsys, content):
    card = tmp_path / "c.yaml"
    card.write_text(content)
    code, err = run_main(capsys, "run", card)
    assert code == 2 and "mapping" in err


def test_missing_card_file(tmp_path, capsys):
    code, err = run_main(capsys, "run", tmp_path / "nope.yaml")
    assert code == 2 and "not found" in err


def test_missing_data_file():
    from lmt_scan.errors import ConfigError
    from likelihoods.muon_g2 import MuonG2
    like = MuonG2()
    with pytest.raises(ConfigError) as info:
        like.data_path("no_such_file.yaml")
    assert "no_such_file.yaml" in str(info.value) and "muon_g2" in str(info.value)


def test_existing_run_is_not_touched(tmp_path):
    card = small_card(tmp_path)
    assert run_cli("run", card, "--quiet").returncode == 0
    chain = (tmp_path / "out_small" / "lmt-.txt").read_bytes()
    # a second, broken attempt into the same directory leaves the run intact
    bad = small_card(tmp_path, sampler={"name": "dynesty", "nlive": 0})
    assert run_cli("run", bad, "--overwrite").returncode == 2
    assert run_cli("run", card).returncode == 2      # refuses to overwrite
    assert (tmp_path / "out_small" / "lmt-.txt").read_bytes() == chain


def test_unwritable_output_dir(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    card = small_card(tmp_path, output=str(blocker / "sub"))
    result = run_cli("run", card)
    assert result.returncode == 2 and "output" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args, fragment", [
    (["point", "--set", "m_Zp=abc"], "not a number"),
    (["point", "--set", "m_Zp"], "NAME=VALUE"),
    (["point", "--set", "m_Zp=10", "--set", "g_p=5e-4", "--set", "m_phi=20"], "M1"),
    (["point", "--set", "m_Zp=-10", "--set", "g_p=5e-4", "--set", "m_phi=20", "--set", "M1=1"],
     "positive"),
    (["point", "--set", "mZ=10"], "unknown parameter"),
    (["point", "--set", "m_Zp=nan"], "finite"),
    (["run"], "card"),
    (["frobnicate"], "invalid choice"),
    (["analyze", "/nonexistent/run"], "not an lmt-scan run directory"),
])
def test_bad_command_line(capsys, args, fragment):
    code, err = run_main(capsys, *args)
    assert code == 2, err
    assert fragment in err and len(err.strip().splitlines()) <= 2
