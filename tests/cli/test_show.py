"""`fedctl show PLANFILE`: the saved plan, rendered exactly as `plan` printed it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import running_emulator
from tests.support.cli import run_api

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_show_of_a_saved_plan_equals_plans_output(tmp_path: Path, output_format: str) -> None:
    config = tmp_path / "quickstart"
    shutil.copytree(QUICKSTART, config)
    saved = tmp_path / "plan.json"
    with running_emulator(workspaces=("production",)) as emulator:
        planned = run_api(emulator, "plan", str(config), "--format", output_format, "--no-color")
        assert run_api(emulator, "plan", str(config), "--out", str(saved)).exit_code == 0
    shown = CliRunner().invoke(cli, ["show", str(saved), "--format", output_format, "--no-color"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == planned.stdout


def test_show_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["show", str(tmp_path / "nope.json")])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {tmp_path / 'nope.json'}: cannot read the saved plan")
