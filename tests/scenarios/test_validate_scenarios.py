"""Golden scenarios for `fedctl validate`: one folder per behaviour, output compared whole.

Each folder holds `config/` (the files given to validate), optionally `args.txt` (more
command-line arguments) and `expected.txt` (the exact output and the exit code on its
first line). Regenerate with FEDCTL_REGEN_GOLDEN=1 after checking the change.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli

SCENARIOS = Path(__file__).parent / "validate"
SECRET_IN_FIXTURES = "c2VjcmV0LXZhbHVlLW5ldmVyLXByaW50ZWQ"


def _scenarios() -> list[str]:
    return sorted(entry.name for entry in SCENARIOS.iterdir() if entry.is_dir())


@pytest.mark.parametrize("name", _scenarios())
def test_validate_scenario(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = SCENARIOS / name
    monkeypatch.chdir(folder)
    args_file = folder / "args.txt"
    extra = shlex.split(args_file.read_text()) if args_file.exists() else []
    result = CliRunner().invoke(cli, ["validate", "config", *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    actual = f"exit {result.exit_code}\n{result.output}"
    expected_file = folder / "expected.txt"
    if os.environ.get("FEDCTL_REGEN_GOLDEN"):
        expected_file.write_text(actual)
    assert actual == expected_file.read_text()
    assert SECRET_IN_FIXTURES not in result.output
    assert "Traceback" not in result.output
