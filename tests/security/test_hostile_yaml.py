"""Hostile YAML: alias bombs, deep nesting and huge files end in one located exit-1 error.

The loader that records file:line:column builds every value itself, so it must bound what
PyYAML's own loader gets for free (shared alias objects) and what recursion cannot take.
The bomb runs in a child process with its address space capped, so a regression fails
the test (MemoryError, exit 70) instead of eating the machine.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from fedctl.cli.main import cli

BOMB = "".join(
    f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + BOMB


def _capped(limit_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def _validate_in_child(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fedctl", "validate", str(folder)],
        capture_output=True,
        text=True,
        preexec_fn=lambda: _capped(1024 * 1024 * 1024),
        check=False,
    )


def test_the_alias_bomb_is_refused_with_a_located_error(tmp_path: Path) -> None:
    assert len(BOMB.encode()) < 400
    (tmp_path / "fedctl.yaml").write_text(BOMB)
    result = _validate_in_child(tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout == (
        f"{tmp_path / 'fedctl.yaml'}:6:4: YAML aliases expand to more than 100000 values; "
        "write the values out or use fewer aliases\n"
        "1 error found; the configuration is not valid.\n"
    )


def test_ordinary_aliases_still_work(tmp_path: Path) -> None:
    (tmp_path / "fedctl.yaml").write_text(
        "version: 1\nservice_accounts:\n"
        "  - name: a\n    workspaces: &ws [{workspace: default, role: workspace_user}]\n"
        "  - name: b\n    workspaces: *ws\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert (result.exit_code, result.stderr) == (0, "")


def _nested(folder: Path, opening: str, closing: str, depth: int) -> Path:
    target = folder / "fedctl.yaml"
    target.write_text(f"version: 1\nsettings: {opening * depth}{closing * depth}\n")
    return target


def test_thousands_of_nested_flow_lists_are_refused_where_they_get_too_deep(
    tmp_path: Path,
) -> None:
    target = _nested(tmp_path, "[", "]", 5000)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout == (
        f"{target}:2:74: YAML nested more than 64 levels deep; a fedctl configuration "
        "needs a few levels\n"
        "1 error found; the configuration is not valid.\n"
    )


def test_unclosed_nesting_is_refused_where_it_gets_too_deep(tmp_path: Path) -> None:
    target = tmp_path / "fedctl.yaml"
    target.write_text("version: 1\nsettings: " + "{a: " * 3000 + "\n")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{target}:2:")
    assert "YAML nested more than 64 levels deep" in result.stdout


def test_deep_block_nesting_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "fedctl.yaml"
    target.write_text("version: 1\nsettings:\n" + "- " * 3000 + "x\n")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{target}:3:")
    assert "YAML nested more than 64 levels deep" in result.stdout


def test_deep_nesting_in_a_variable_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "fedctl.yaml").write_text("version: 1\n")
    var_file = tmp_path / "vars.yaml"
    var_file.write_text("x: " + "[" * 5000 + "]" * 5000 + "\n")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--var-file", str(var_file)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{var_file}:1:")
    assert "YAML nested more than 64 levels deep" in result.stdout


def test_an_oversized_file_is_refused_without_parsing_it(tmp_path: Path) -> None:
    target = tmp_path / "fedctl.yaml"
    target.write_text("version: 1\n# " + "x" * (9 * 1024 * 1024) + "\n")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout == (
        f"{target}:1:1: the file is larger than 8 MiB; a fedctl configuration file is "
        "far smaller: split it or check that it is the right file\n"
        "1 error found; the configuration is not valid.\n"
    )


def test_an_oversized_scalar_is_refused_where_it_starts(tmp_path: Path) -> None:
    target = tmp_path / "fedctl.yaml"
    target.write_text(
        "version: 1\nservice_accounts:\n  - name: a\n    description: "
        + "x" * (1024 * 1024 + 1)
        + "\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"{target}:4:18: service_account/a: service_accounts[0].description: a YAML value "
        "longer than 1 MiB"
    )


def test_a_deeply_nested_snapshot_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "fedctl.yaml").write_text("version: 1\n")
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text("[" * 100_000 + "]" * 100_000)
    result = CliRunner().invoke(cli, ["plan", str(tmp_path), "--snapshot", str(snapshot)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {snapshot}: not a fedctl snapshot (nested too deeply); write one with "
        "`fedctl snapshot --out`\n"
    )


def test_a_deeply_nested_emulator_seed_is_a_clean_error(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("service_accounts: " + "[" * 5000 + "]" * 5000 + "\n")
    result = CliRunner().invoke(cli, ["emulator", "--port", "0", "--seed", str(seed)])
    assert result.exit_code == 1
    assert result.stderr == (f"error: {seed}: cannot read seed file: YAML nested too deeply\n")


def test_deeply_nested_claims_for_explain_are_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "fedctl.yaml").write_text("version: 1\n")
    claims = tmp_path / "claims.json"
    claims.write_text("[" * 100_000 + "]" * 100_000)
    result = CliRunner().invoke(cli, ["explain", str(tmp_path), "--claims", str(claims)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: --claims {claims}: JSON nested too deeply; give the decoded payload as a "
        "JSON object\n"
    )
