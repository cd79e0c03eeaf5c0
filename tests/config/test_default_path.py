"""Without PATH, fedctl reads `federation/`, else the folder `.fedctl-config` names, else
stops and says what to pass; a repository root's other YAML never loads silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli

VALID = "Valid: 1 file, 1 service account, 1 issuer, 1 rule.\n"
QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root the way people have them: an action, hooks, tests, workflows."""
    (tmp_path / "action.yml").write_text("name: deploy\nruns: {using: composite, steps: []}\n")
    (tmp_path / ".pre-commit-hooks.yaml").write_text("- id: x\n  entry: x\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "case.yaml").write_text("input: 1\n")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs: {}\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_without_a_configuration_folder_it_says_what_to_pass(repository: Path) -> None:
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: no configuration given: pass PATH (a YAML file or folder), create a "
        "federation/ folder, or write the folder's path in .fedctl-config\n"
    )


def test_the_federation_folder_is_the_default(repository: Path) -> None:
    shutil.copytree(QUICKSTART, repository / "federation")
    result = CliRunner().invoke(cli, ["validate"])
    assert (result.exit_code, result.stdout) == (0, VALID)


def test_a_root_file_names_the_configuration_folder(repository: Path) -> None:
    shutil.copytree(QUICKSTART, repository / "infra" / "wif")
    (repository / ".fedctl-config").write_text("infra/wif\n")
    result = CliRunner().invoke(cli, ["validate"])
    assert (result.exit_code, result.stdout) == (0, VALID)


def test_an_empty_pointer_file_is_an_error(repository: Path) -> None:
    (repository / ".fedctl-config").write_text("\n")
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: .fedctl-config: is empty; write the configuration folder's path on its first line\n"
    )


def test_an_explicit_folder_never_loads_action_yml_or_hidden_files(repository: Path) -> None:
    shutil.copy(QUICKSTART / "fedctl.yaml", repository / "fedctl.yaml")
    (repository / "tests").joinpath("case.yaml").unlink()
    result = CliRunner().invoke(cli, ["validate", "."])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "action.yml: the metadata of a GitHub Action, not fedctl configuration; "
        "give the configuration folder as PATH"
    )


def test_inside_the_configuration_folder_the_folder_itself_is_the_default(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `cd federation && fedctl plan`, as Terraform users work (issue 31 item 15).
    shutil.copytree(QUICKSTART, repository / "federation")
    monkeypatch.chdir(repository / "federation")
    result = CliRunner().invoke(cli, ["validate"])
    assert (result.exit_code, result.stdout) == (0, VALID)


def test_a_repository_root_holding_configuration_is_still_not_the_default(
    repository: Path,
) -> None:
    shutil.copy(QUICKSTART / "fedctl.yaml", repository / "fedctl.yaml")
    (repository / ".git").mkdir()
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no configuration given")


def test_a_folder_of_other_yaml_is_not_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "values.yaml").write_text("replicas: 3\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no configuration given")
