"""`fedctl init` (issue 31 item 3, issue 27 item 11): its own help example passes
`validate && lint`, it never writes beside an existing configuration, GitLab projects map
to `project_path`, missing IDs come with the command that finds them, and every value it
writes into YAML is quoted or refused."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from fedctl.cli.init import command as init_command
from fedctl.cli.main import cli


def _help_examples() -> list[list[str]]:
    epilog = init_command.epilog or ""
    return [
        shlex.split(line.strip())[1:]
        for line in epilog.splitlines()
        if line.strip().startswith("fedctl init ") and "--list" not in line
    ]


@pytest.mark.parametrize("example", _help_examples(), ids=lambda args: " ".join(args[2:4]))
def test_every_help_example_gives_a_configuration_that_passes_validate_and_lint(
    example: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    made = CliRunner().invoke(cli, example)
    assert made.exit_code == 0, made.output
    folder = example[1]
    validated = CliRunner().invoke(cli, ["validate", folder])
    linted = CliRunner().invoke(cli, ["lint", folder])
    if "--repo" in example and "@" not in example[example.index("--repo") + 1]:
        # Without IDs init cannot pin them; it says how to find them (tested below).
        assert "api" in made.output
        return
    assert (validated.exit_code, linted.exit_code) == (0, 0), validated.output + linted.output


def test_the_first_help_example_is_the_github_one_and_lints_clean() -> None:
    assert _help_examples()[0][:4] == ["init", "federation", "--preset", "github-actions"]


def test_a_folder_holding_a_configuration_in_a_subfolder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "federation"
    (folder / "teams").mkdir(parents=True)
    (folder / "teams" / "payments.yaml").write_text("version: 1\n")
    result = CliRunner().invoke(cli, ["init", str(folder), "--preset", "gitlab"])
    assert result.exit_code == 1
    assert "already holds a configuration (teams/payments.yaml)" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["teams"]


def test_an_empty_existing_folder_is_fine(tmp_path: Path) -> None:
    folder = tmp_path / "federation"
    folder.mkdir()
    (folder / "README.md").write_text("ours\n")
    result = CliRunner().invoke(cli, ["init", str(folder), "--preset", "kubernetes"])
    assert result.exit_code == 0, result.output


def test_gitlab_group_and_project_map_to_project_path_and_ids(tmp_path: Path) -> None:
    folder = tmp_path / "federation"
    args = ["init", str(folder), "--preset", "gitlab", "--repo", "acme/tools@4522/api@87212"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = (folder / "fedctl.yaml").read_text()
    assert 'subject_prefix: "project_path:acme/tools/api:ref_type:branch:ref:main"' in text
    assert 'namespace_id: "4522"' in text and 'project_id: "87212"' in text
    linted = CliRunner().invoke(cli, ["lint", str(folder)])
    assert (linted.exit_code, linted.output) == (0, "No lint findings.\n")


def test_a_gitlab_project_without_ids_keeps_no_borrowed_ids_and_says_how_to_find_them(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "federation"
    args = ["init", str(folder), "--preset", "gitlab", "--repo", "acme/api"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    text = (folder / "fedctl.yaml").read_text()
    assert "4521" not in text and "87211" not in text
    assert "  glab api projects/acme%2Fapi | jq '.namespace.id, .id'\n" in result.output


def test_a_github_repo_without_ids_prints_how_to_find_them(tmp_path: Path) -> None:
    folder = tmp_path / "federation"
    args = ["init", str(folder), "--preset", "github-actions", "--repo", "acme/app"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert "  gh api repos/acme/app --jq '.owner.id, .id'\n" in result.output


def test_the_gke_starter_names_no_on_prem_issuer(tmp_path: Path) -> None:
    folder = tmp_path / "federation"
    assert CliRunner().invoke(cli, ["init", str(folder), "--preset", "gke-cluster"]).exit_code == 0
    text = (folder / "fedctl.yaml").read_text()
    assert "onprem" not in text and "on-prem" not in text
    assert "  - name: gke-k8s\n" in text


def test_a_workspace_that_would_inject_yaml_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "federation"
    args = ["init", str(folder), "--preset", "kubernetes", "--workspace", 'prod"uction\nx: 1']
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.output == (
        'error: --workspace "prod\\"uction\\nx: 1": control characters have no place in a '
        "name; give the name as the Admin API shows it\n"
    )
    assert not folder.exists()


@pytest.mark.parametrize("name", ['prod"uction x: 1', "yes", "1:20", "a, b]", "#x", "null"])
def test_every_workspace_name_is_written_so_it_reads_back_as_itself(
    name: str, tmp_path: Path
) -> None:
    folder = tmp_path / "federation"
    args = ["init", str(folder), "--preset", "kubernetes", "--workspace", name]
    assert CliRunner().invoke(cli, args).exit_code == 0
    data = yaml.safe_load((folder / "fedctl.yaml").read_text())
    assert data["service_accounts"][0]["workspaces"][0]["workspace"] == name
    assert data["rules"][0]["workspaces"] == [name]
    # Nothing injected: the starter's own keys only (settings: prune, written out).
    assert set(data) == {"version", "settings", "service_accounts", "issuers", "rules"}


def test_a_folder_name_is_shell_quoted_in_the_next_step(tmp_path: Path) -> None:
    folder = tmp_path / "my fed; rm -rf x"
    result = CliRunner().invoke(cli, ["init", str(folder), "--preset", "kubernetes"])
    assert result.exit_code == 0
    assert f"next: fedctl validate {shlex.quote(str(folder))} &&" in result.output
    assert os.path.isdir(folder)
