"""Input kinds beyond the card's own fields: what the card path, the output path and the
command-line flags can be (a directory, a symlink loop, a dangling link, a path under a
file, a read-only file system, a non-empty directory that is not a run, absurd --jobs,
malformed --set), and analyze/report/compare/figure pointed at things that are not runs.
Each: exit 2, one line ``lmt-scan: error: …`` naming the file or flag, no traceback,
nothing of the user's lost.  The CLI runs in this process (each case is refused before any
run starts); whole runs are real processes bounded by timeout=."""
import subprocess
import sys

import pytest

from conftest import REPO, small_card

QUICK = {"name": "dynesty", "nlive": 20, "dlogz": 5.0}
RUN_DIR = REPO / "docs" / "runs" / "current_data"   # a shipped finished run (read only)


class _Result:
    def __init__(self, returncode, stderr):
        self.returncode, self.stderr = returncode, stderr


@pytest.fixture(autouse=True)
def _in_process(capsys, monkeypatch):
    """``_cli`` runs ``main`` here (fast); signal handlers it installs are put back."""
    import signal
    from lmt_scan.cli import main
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    monkeypatch.chdir(REPO)

    def cli(*args, timeout=None):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:       # argparse
            code = exc.code
        return _Result(code, capsys.readouterr().err)
    globals()["_cli"] = cli
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _process(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "lmt_scan", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=timeout)


def _refused(result, *fragments):
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lmt-scan: error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert str(fragment) in lines[0], lines[0]


@pytest.fixture
def place(tmp_path):
    card = small_card(tmp_path, name="g", likelihoods={"muon_g2": {}}, sampler=QUICK)
    (tmp_path / "a_dir.yaml").mkdir()
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to(tmp_path / "loop.yaml")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "afile").write_text("x")
    return tmp_path, card


CARD_PATHS = [("a_dir.yaml", "directory"), ("loop.yaml", "symbolic links"),
              ("dangling.yaml", "not found"), ("afile/c.yaml", "Not a directory"),
              ("missing.yaml", "not found")]


@pytest.mark.parametrize("name, fragment", CARD_PATHS, ids=[c[0] for c in CARD_PATHS])
def test_card_path_kinds(place, name, fragment):
    base, _ = place
    _refused(_cli("run", base / name), base / name, fragment)


OUTPUTS = [("afile", "not a directory"), ("afile/sub", "output"), ("loop.yaml", "output"),
           ("dangling.yaml", "output")]


@pytest.mark.parametrize("name, fragment", OUTPUTS, ids=[c[0] for c in OUTPUTS])
def test_output_path_kinds(place, name, fragment):
    base, card = place
    _refused(_cli("run", card, "--output", base / name), fragment)
    assert (base / "afile").read_text() == "x"


@pytest.mark.parametrize("overwrite", [False, True], ids=["plain", "--overwrite"])
def test_non_empty_directory_that_is_no_run_is_never_replaced(tmp_path, overwrite):
    """It was: the run was staged beside it and swapped in, deleting the user's files."""
    card = small_card(tmp_path, name="g", likelihoods={"muon_g2": {}}, sampler=QUICK)
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.tex").write_text("precious")
    result = _cli("run", card, "--output", mine, *(["--overwrite"] if overwrite else []))
    _refused(result, mine, "output", "not empty")
    assert [p.name for p in mine.iterdir()] == ["chapter1.tex"]
    assert (mine / "chapter1.tex").read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_read_only_output(tmp_path):
    """A read-only file system (a tmpfs mounted ro where allowed; else /proc, where no
    directory can be made): one line naming the output, exit 2."""
    card = small_card(tmp_path, name="g", likelihoods={"muon_g2": {}}, sampler=QUICK)
    ro = tmp_path / "ro"
    ro.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(ro)],
                             capture_output=True, timeout=30).returncode == 0
    try:
        target = ro / "out" if mounted else "/proc/lmt-scan-no-such/out"
        _refused(_cli("run", card, "--output", target), "output")
        if mounted:
            _refused(_cli("run", card, "--output", ro), "output")
            _refused(_cli("figure", "fig2", "--out", ro / "fig"), ro / "fig")
    finally:
        if mounted:
            subprocess.run(["umount", str(ro)], timeout=30)


FLAGS = [  # (extra run arguments, fragment)
    (["--jobs", "abc"], "--jobs"), (["--jobs", "-1"], "--jobs"), (["--jobs", "0"], "--jobs"),
    (["--jobs", "100000"], "--jobs"), (["--jobs", "2.5"], "--jobs"),
    (["--seed", "abc"], "--seed"), (["--seed", "1e3"], "--seed"), (["--seed", "-1"], "--seed"),
    (["--set", "=5"], "KEY.PATH=VALUE"), (["--set", ""], "KEY.PATH=VALUE"),
    (["--set", "sampler.nlive==4"], "sampler.nlive"), (["--set", "sampler.=5"], "sampler"),
    (["--set", "parameters.m_Zp.min=abc"], "parameters.m_Zp.min"),
    (["--set", "parameters.m_phi.prior=uniform"], "not a mapping"),
    (["--set", "seed=!!python/object:os.system {}"], "cannot read value"),
    (["--set", "seed=true"], "seed"), (["--set", "sampler.dlogz=.nan"], "NaN"),
    (["--set", "likelihoods=null"], "likelihoods"), (["--set", "name=[1]"], "name"),
    (["--set", "x=&a [*a]"], "x"),
    (["--sampler", "os:path"], "sampler.name"), (["--sampler", "nosuch"], "unknown sampler"),
]


@pytest.mark.parametrize("extra, fragment", FLAGS, ids=[" ".join(f[0]) for f in FLAGS])
def test_bad_flag_values(place, extra, fragment):
    base, card = place
    _refused(_cli("run", card, *extra), fragment)
    assert not (base / "out_g").exists()


NOT_RUNS = [  # (command, fragment); {b} = a temporary directory with non-run things
    (["analyze", "{b}/afile"], "not an lmt-scan run directory"),
    (["analyze", "{b}"], "not an lmt-scan run directory"),
    (["analyze", "{b}/loop.yaml"], "not an lmt-scan run directory"),
    (["analyze", "{b}/nothing"], "not an lmt-scan run directory"),
    (["report", "{b}"], "not an lmt-scan run directory"),
    (["compare", "{b}", "{b}"], "not an lmt-scan run directory"),
    (["report", str(RUN_DIR), "--out", "{b}/afile/r.html"], "{b}/afile"),
    (["compare", str(RUN_DIR), str(RUN_DIR), "--out", "{b}/afile"], "{b}/afile"),
    (["figure", "fig2", "--out", "{b}/afile"], "{b}/afile"),
    (["figure", "fig9"], "unknown figure"),
    (["analyze", str(RUN_DIR), "--truth", "m_Zp=abc"], "--truth"),
    (["analyze", str(RUN_DIR), "--truth", "mZ=1"], "--truth"),
    (["point", "--run", "{b}", "--set", "m_Zp=10"], "{b}"),
]


@pytest.mark.parametrize("argv, fragment", NOT_RUNS, ids=[" ".join(c[0]) for c in NOT_RUNS])
def test_commands_on_things_that_are_not_runs(place, argv, fragment):
    base, _ = place
    before = sorted(p.name for p in RUN_DIR.iterdir())
    _refused(_cli(*[a.format(b=base) for a in argv]), fragment.format(b=base))
    assert sorted(p.name for p in RUN_DIR.iterdir()) == before


def test_unfinished_run_is_refused_by_analyze_and_named_on_rerun(tmp_path):
    """A run stopped before its end (marker left) is never analysed as a run; a plain
    re-run says to resume or overwrite it."""
    card = small_card(tmp_path, name="g", likelihoods={"muon_g2": {}}, sampler=QUICK)
    assert _process("run", card, "--quiet").returncode == 0
    out = tmp_path / "out_g"
    (out / ".unfinished").write_text("{}")        # as a run killed before its swap leaves it
    _refused(_cli("analyze", out), out, "unfinished")
    _refused(_cli("run", card), out, "--resume")
    resumed = _process("run", card, "--resume", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert not (out / ".unfinished").exists() and (out / "summary.json").is_file()
