"""`fedctl init`: a starter per preset that validates and lints clean, never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.core.presets import PRESETS


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_starts_valid_and_lint_clean(tmp_path: Path, preset: str) -> None:
    folder = tmp_path / "federation"
    result = CliRunner().invoke(cli, ["init", str(folder), "--preset", preset])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"wrote {folder / 'fedctl.yaml'}\nwrote {folder / '.gitignore'}\n"
        f"next: fedctl validate {folder} && fedctl lint {folder} && fedctl plan {folder}\n"
    )
    validated = CliRunner().invoke(cli, ["validate", str(folder)])
    assert validated.exit_code == 0, validated.output
    linted = CliRunner().invoke(cli, ["lint", str(folder)])
    assert (linted.exit_code, linted.output) == (0, "No lint findings.\n")
    assert (folder / ".gitignore").read_text() == ".fedctl/\n"


def test_repo_and_workspaces_are_filled_in(tmp_path: Path) -> None:
    folder = tmp_path / "federation"
    result = CliRunner().invoke(
        cli,
        ["init", str(folder), "--preset", "github-actions", "--repo", "octo@42/widget@43",
         "--workspace", "staging", "--workspace", "production"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (folder / "fedctl.yaml").read_text()
    assert 'subject_prefix: "repo:octo@42/widget@43:ref:refs/heads/main"' in text
    assert 'repository_owner_id: "42"' in text
    assert "workspaces: [staging, production]" in text
    linted = CliRunner().invoke(cli, ["lint", str(folder)])
    assert (linted.exit_code, linted.output) == (0, "No lint findings.\n")


def test_a_repo_given_by_name_only_pins_no_borrowed_id_and_lint_says_what_to_add(
    tmp_path: Path,
) -> None:
    """Without IDs init cannot pin the owner's: it never keeps the example's ID."""
    folder = tmp_path / "federation"
    args = ["init", str(folder), "--preset", "github-actions", "--repo", "octo/widget"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    text = (folder / "fedctl.yaml").read_text()
    assert 'subject_prefix: "repo:octo/widget:ref:refs/heads/main"' in text
    assert "repository_owner_id" not in text
    linted = CliRunner().invoke(cli, ["lint", str(folder)])
    ids = [line.split(" ")[1] for line in linted.output.splitlines() if ": FED" in line]
    assert (linted.exit_code, ids) == (1, ["FED021", "FED023"])


def test_init_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "federation"
    folder.mkdir()
    (folder / "fedctl.yaml").write_text("version: 1\n")
    result = CliRunner().invoke(cli, ["init", str(folder), "--preset", "kubernetes"])
    assert result.exit_code == 1
    # Issue 31 item 3: a folder holding a configuration is refused as a whole (it used to
    # be refused only because fedctl.yaml itself existed).
    assert result.output == (
        f"error: {folder} already holds a configuration (fedctl.yaml); init writes a starter "
        "only into a new or empty folder, so its example resources are never planned next "
        "to yours: give another folder\n"
    )
    assert (folder / "fedctl.yaml").read_text() == "version: 1\n"
    assert not (folder / ".gitignore").exists()


def test_list_shows_the_presets_with_descriptions() -> None:
    result = CliRunner().invoke(cli, ["init", "--list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == sorted(PRESETS)
    assert "gke-cluster      GKE cluster" in lines
    assert (
        "gitlab           GitLab CI/CD (--repo GROUP/PROJECT or "
        "GROUP@NAMESPACE_ID/PROJECT@PROJECT_ID)"
    ) in lines
