"""Every file fedctl writes is a new file renamed over the target (issue 27 item 9).

A symlink planted at `--out` (by a pull request's checkout, or another user of a shared
folder) must be replaced, never followed: the file it points at keeps its content and
its mode, and the new file sits where the link was.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.core.safe_write import write_file
from fedctl.emulator.server import RunningEmulator
from tests.security.helpers import run

CONFIG = "version: 1\n"


def _planted_link(tmp_path: Path, name: str) -> tuple[Path, Path]:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    victim.chmod(0o644)
    link = tmp_path / name
    os.symlink(victim, link)
    return link, victim


def _assert_untouched(link: Path, victim: Path) -> None:
    assert victim.read_text() == "precious\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert not link.is_symlink()
    assert stat.S_IMODE(link.stat().st_mode) == 0o600


def test_snapshot_out_replaces_a_planted_symlink_without_following_it(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    link, victim = _planted_link(tmp_path, "snapshot.json")
    result = run(emulator, "snapshot", "--out", str(link))
    assert result.exit_code == 0, result.output
    _assert_untouched(link, victim)
    assert '"format": "fedctl-snapshot"' in link.read_text()


def test_plan_out_replaces_a_planted_symlink_without_following_it(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "fedctl.yaml").write_text(CONFIG)
    link, victim = _planted_link(tmp_path, "plan.json")
    result = run(emulator, "plan", str(config), "--out", str(link))
    assert result.exit_code == 0, result.output
    _assert_untouched(link, victim)
    assert link.read_text().startswith("{")


def test_a_dangling_symlink_is_not_followed_to_create_a_file(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "created-by-fedctl"
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "out.json"
    os.symlink(target, link)
    write_file(link, "new\n")
    assert not target.exists()
    assert link.read_text() == "new\n" and not link.is_symlink()


def test_init_does_not_write_through_a_dangling_symlink(tmp_path: Path) -> None:
    target = tmp_path / "outside.yaml"
    folder = tmp_path / "conf"
    folder.mkdir()
    os.symlink(target, folder / ".gitignore")
    result = CliRunner().invoke(cli, ["init", str(folder), "--preset", "github-actions"])
    assert not target.exists(), result.output


def test_a_failed_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "taken").mkdir()
    with pytest.raises(IsADirectoryError):
        write_file(folder / "taken", "x")

    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(PermissionError):
        write_file(folder / "plan.json", "x")
    assert sorted(p.name for p in folder.iterdir()) == ["taken"]


def test_no_module_writes_a_file_but_through_write_file() -> None:
    """One helper everywhere: a new direct write would bypass the rename."""
    import re

    package = Path(__file__).resolve().parents[2] / "fedctl"
    direct = re.compile(
        r"\.write_text\(|\.write_bytes\(|\bos\.open\(|mkstemp\(|open\([^)]*[\"'][wax]"
    )
    offenders = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "safe_write.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if direct.search(line)
    ]
    assert offenders == []
