"""Write failures: a full disk (a small tmpfs where the machine lets us mount one, else an
injected ENOSPC) and an injected OSError are one line naming the file, exit 2, and the
previous run in the directory stays byte-identical."""
import errno
import shutil
import subprocess

import pytest

from lmt_scan import output
from lmt_scan.cli import main

from conftest import run_cli, small_card


def _snapshot(run_dir):
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted(run_dir.rglob("*"))
            if p.is_file()}


@pytest.fixture
def old_run(tmp_path):
    card = small_card(tmp_path)
    result = run_cli("run", card, "--quiet")
    assert result.returncode == 0, result.stderr
    return card, tmp_path / "out_small"


def _mount_tmpfs(path, size_kb):
    path.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs",
                               str(path)], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _inject_enospc(monkeypatch, target):
    real = output.atomic_write

    def failing(path, data, mode="w"):
        if str(path).endswith(target):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data, mode)
    monkeypatch.setattr(output, "atomic_write", failing)


def test_full_disk(old_run, tmp_path, monkeypatch, capsys):
    card, out = old_run
    disk = tmp_path / "disk"
    size_kb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) // 1024 + 120
    mounted = _mount_tmpfs(disk, size_kb)
    try:
        if mounted:      # the old run fits, a second copy beside it does not
            target = disk / "out_small"
            shutil.copytree(out, target)
            before = _snapshot(target)
            result = run_cli("run", card, "--output", target, "--overwrite", "--quiet")
            code, err = result.returncode, result.stderr
        else:            # no mount here: the same failure, injected where the chain is written
            target = out
            before = _snapshot(target)
            _inject_enospc(monkeypatch, output.CHAIN)
            code = main(["run", str(card), "--overwrite", "--quiet"])
            err = capsys.readouterr().err
        assert code == 2, err
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "No space left on device" in lines[0], err
        assert str(target.parent) in lines[0]          # names the file that failed
        assert _snapshot(target) == before
    finally:
        if mounted:
            subprocess.run(["umount", str(disk)], timeout=30)


@pytest.mark.parametrize("target", [output.CHAIN, output.RUN_INFO, output.PARAMNAMES,
                                    output.RUN_CARD])
def test_injected_oserror(old_run, monkeypatch, capsys, target):
    import signal
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    card, out = old_run
    before = _snapshot(out)
    _inject_enospc(monkeypatch, target)
    try:
        code = main(["run", str(card), "--overwrite", "--quiet"])
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and target in lines[0] and "Traceback" not in err, err
    assert _snapshot(out) == before
