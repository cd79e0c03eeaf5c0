"""`--local` is a plain flag; the state file and workspaces have their own options."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(QUICKSTART, tmp_path / "federation")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_local_does_not_swallow_the_path_argument(project: Path) -> None:
    result = CliRunner().invoke(cli, ["plan", "--local", "federation"])
    assert result.exit_code == 0, result.output
    assert "Plan: 3 to create" in result.stdout
    assert (project / ".fedctl" / "local.db").is_file()
    assert not (project / "federation" / "local.db").exists()


def test_local_state_writes_a_gitignore_so_it_is_never_committed(project: Path) -> None:
    assert CliRunner().invoke(cli, ["plan", "federation", "--local"]).exit_code == 0
    assert (project / ".fedctl" / ".gitignore").read_text() == "*\n"


@pytest.mark.parametrize("name", ["prod.yaml", "prod.YML", "fedctl.yaml.j2"])
def test_a_configuration_file_name_is_refused_as_state(project: Path, name: str) -> None:
    result = CliRunner().invoke(cli, ["plan", "federation", "--local-state", name])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: --local-state {name}: names a configuration file, not the emulator's state; "
        "give a path such as .fedctl/local.db\n"
    )
    assert not (project / name).exists()


def test_a_folder_is_refused_as_state(project: Path) -> None:
    result = CliRunner().invoke(cli, ["plan", "federation", "--local-state", "federation"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --local-state federation: is a folder, not the emulator's state; "
        "give a path such as .fedctl/local.db\n"
    )


def test_local_state_elsewhere(project: Path) -> None:
    state = project / "states" / "one.db"
    result = CliRunner().invoke(cli, ["plan", "federation", "--local", "--local-state", str(state)])
    assert result.exit_code == 0, result.output
    assert state.is_file()
    assert not (project / ".fedctl").exists()


def test_local_workspace_sets_the_emulators_workspaces(project: Path) -> None:
    config = project / "federation" / "fedctl.yaml"
    config.write_text(config.read_text().replace("production", "qa"))
    default = CliRunner().invoke(cli, ["plan", "federation", "--local"])
    assert default.exit_code == 1
    assert 'no workspace has the name "qa" (workspaces: production, staging)' in default.stderr
    chosen = CliRunner().invoke(
        cli,
        ["plan", "federation", "--local", "--local-workspace", "qa", "--local-workspace", "dev"],
    )
    assert chosen.exit_code == 0, chosen.output
