"""`--var-json` on every command that takes `--var` (issue 31 item 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator

QUICKSTART = Path(__file__).parents[2] / "examples" / "quickstart" / "fedctl.yaml"


@pytest.fixture
def templated(tmp_path: Path) -> Path:
    text = QUICKSTART.read_text().replace(
        "workspaces: [production]", "workspaces: {{ workspaces | tojson }}"
    )
    text = text.replace("token_lifetime_seconds: 600", "token_lifetime_seconds: {{ lifetime }}")
    folder = tmp_path / "federation"
    folder.mkdir()
    (folder / "fedctl.yaml.j2").write_text(text)
    return folder


def test_validate_takes_typed_variables(templated: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "validate",
            str(templated),
            "--var-json",
            'workspaces=["production"]',
            "--var-json",
            "lifetime=600",
        ],
    )
    assert (result.exit_code, result.output) == (
        0,
        "Valid: 1 file, 1 service account, 1 issuer, 1 rule.\n",
    )


def test_a_var_json_that_is_not_json_is_a_usage_error(templated: Path) -> None:
    result = CliRunner().invoke(cli, ["lint", str(templated), "--var-json", "lifetime=ten"])
    assert result.exit_code == 1
    assert 'error: --var-json lifetime: not JSON; quote strings ("x") or use --var' in result.output


def test_plan_takes_typed_variables_and_repeats_them_for_apply(
    templated: Path, emulator: RunningEmulator, tmp_path: Path
) -> None:
    saved = tmp_path / "plan.json"
    args = ["--var-json", 'workspaces=["production"]', "--var-json", "lifetime=600"]
    result = CliRunner().invoke(
        cli,
        [
            "plan",
            str(templated),
            *args,
            "--out",
            str(saved),
            "--no-color",
            "--base-url",
            emulator.base_url,
            "--auth-token",
            emulator.admin_token,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "token_lifetime_seconds: 600" in result.stdout
    hint = result.stdout.splitlines()[-1]
    assert hint.startswith(f"Saved the plan to {saved}; apply it with: fedctl apply {saved} ")
    assert " --var-json 'workspaces=[\"production\"]' --var-json lifetime=600 " in hint
    result = CliRunner().invoke(
        cli,
        [
            "apply",
            str(saved),
            "--config",
            str(templated),
            *args,
            "--auto-approve",
            "--base-url",
            emulator.base_url,
            "--auth-token",
            emulator.admin_token,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Apply complete: 3 resources created" in result.stdout
