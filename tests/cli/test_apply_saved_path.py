"""A saved plan records its configuration's path and digest, but `fedctl apply plan.json`
loads only the configuration its own command line names (`--config`): a plan file is
untrusted, and the folder it names could be any on disk. The `plan --out` hint is the
command, --config included."""

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
        f"Saved the plan to plan.json; apply it with: fedctl apply plan.json --config prod "
        f"--base-url {emulator.base_url}"
    )


def test_apply_plan_file_with_the_config_flag_applies(
    project: Path, emulator: RunningEmulator
) -> None:
    assert _run(emulator, "plan", "prod", "--out", "plan.json").exit_code == 0
    result = _run(emulator, "apply", "plan.json", "--config", "prod", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.splitlines()[-1] == "The resources this plan changed match the configuration."
    )


def test_a_plan_made_from_another_folder_is_never_loaded_from_the_file(
    project: Path, emulator: RunningEmulator
) -> None:
    # The attack: a plan made from some other folder on disk (here one that prunes) is
    # handed to apply; without --config, apply used to load whatever folder it named.
    other = project / "elsewhere"
    shutil.copytree(project / "prod", other)
    (other / "extra.yaml").write_text("settings: {max_archives: 1000}\n")
    assert _run(emulator, "plan", str(other), "--out", "plan.json").exit_code == 0
    emulator.reset_request_log()

    result = _run(emulator, "apply", "plan.json", "--auto-approve")

    assert result.exit_code == 1
    assert result.stderr == (
        "error: apply plan.json needs the configuration on its command line: pass --config "
        "PATH (the folder the plan was made from); apply never loads the folder a plan file "
        "names\n"
    )
    assert emulator.requests() == []
    # Given the reviewed configuration instead, the other folder's plan does not match it.
    checked = _run(emulator, "apply", "plan.json", "--config", "prod", "--auto-approve")
    assert checked.exit_code == 1
    assert "the configuration changed since this plan was made" in checked.stderr
    assert [m for m, _ in emulator.requests() if m != "GET"] == []


def test_config_flag_overrides_the_recorded_path(project: Path, emulator: RunningEmulator) -> None:
    assert _run(emulator, "plan", "prod", "--out", "plan.json").exit_code == 0
    shutil.move(project / "prod", project / "moved")
    result = _run(emulator, "apply", "plan.json", "--config", "moved", "--auto-approve")
    assert result.exit_code == 0, result.output


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
        "fedctl apply plan.json --config prod --var 'team=pay ments' --var-file vars.yaml "
        f"--base-url {emulator.base_url}"
    )
