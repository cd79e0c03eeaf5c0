"""A saved plan records its configuration's path and digest: `fedctl apply plan.json`
needs no flags, `--config` still overrides, and the `plan --out` hint is the command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(QUICKSTART, tmp_path / "prod")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(emulator: RunningEmulator, *args: str) -> Result:
    api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
    return CliRunner().invoke(cli, [*args, *api])


def test_the_saved_plan_records_path_and_digest(project: Path, emulator: RunningEmulator) -> None:
    result = _run(emulator, "plan", "prod", "--out", "plan.json")
    assert result.exit_code == 0, result.output
    saved = json.loads((project / "plan.json").read_text())
    assert saved["config_path"] == "prod"
    assert len(saved["config_digest"]) == 64
    assert result.stdout.splitlines()[-1] == (
        f"Saved the plan to plan.json; apply it with: fedctl apply plan.json "
        f"--base-url {emulator.base_url}"
    )


def test_apply_plan_file_needs_no_config_flag(project: Path, emulator: RunningEmulator) -> None:
    # The current folder holds other YAML: only the recorded path gives the right digest.
    (project / "other.yaml").write_text("settings: {prune: true}\n")
    assert _run(emulator, "plan", str(project / "prod"), "--out", "plan.json").exit_code == 0
    result = _run(emulator, "apply", "plan.json", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.splitlines()[-1] == "The resources this plan changed match the configuration."
    )


def test_config_flag_overrides_the_recorded_path(project: Path, emulator: RunningEmulator) -> None:
    assert _run(emulator, "plan", "prod", "--out", "plan.json").exit_code == 0
    shutil.move(project / "prod", project / "moved")
    result = _run(emulator, "apply", "plan.json", "--config", "moved", "--auto-approve")
    assert result.exit_code == 0, result.output


def test_a_missing_recorded_path_is_a_clear_error(project: Path, emulator: RunningEmulator) -> None:
    assert _run(emulator, "plan", "prod", "--out", "plan.json").exit_code == 0
    shutil.rmtree(project / "prod")
    result = _run(emulator, "apply", "plan.json", "--auto-approve")
    assert result.exit_code == 1
    assert result.stderr == (
        'error: plan.json was made from the configuration at "prod", which does not exist '
        "here; run apply from the folder the plan was made in, or pass --config PATH\n"
    )
    assert [m for m, _ in emulator.requests() if m != "GET"] == []


def test_the_hint_repeats_the_template_variables(project: Path, emulator: RunningEmulator) -> None:
    (project / "vars.yaml").write_text("env: prod\n")
    result = _run(
        emulator,
        "plan",
        "prod",
        "--var",
        "team=pay ments",
        "--var-file",
        "vars.yaml",
        "--out",
        "plan.json",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "Saved the plan to plan.json; apply it with: "
        "fedctl apply plan.json --var 'team=pay ments' --var-file vars.yaml "
        f"--base-url {emulator.base_url}"
    )
