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


def test_show_of_a_live_resource(tmp_path: Path) -> None:
    config = tmp_path / "quickstart"
    shutil.copytree(QUICKSTART, config)
    with running_emulator(workspaces=("production",)) as emulator:
        assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
        issuer = run_api(emulator, "show", "issuer/acme-build")
        rule = run_api(emulator, "show", "rule/payments-main")
        missing = run_api(emulator, "show", "rule/nope")
    assert issuer.exit_code == 0, issuer.output
    lines = issuer.output.splitlines()
    assert lines[0].startswith("issuer/acme-build (fdis_")
    assert lines[1].startswith("  created      ") and "by user_" in lines[1]
    # The configuration language, as `fedctl export` writes it (issue 31 item 11).
    assert "      issuer_url: https://build.acme.example" in lines
    assert lines[-1] == "  referenced by: rule/payments-main"
    assert rule.exit_code == 0, rule.output
    assert rule.output.splitlines()[3:] == [
        "  configuration:",
        "    - name: payments-main",
        "      issuer: acme-build",
        "      service_account: payments-inference",
        "      description: Main-branch builds of the payments service",
        "      match:",
        "        subject_prefix: pipeline:payments:ref:refs/heads/main",
        "        audience: https://api.anthropic.com",
        "        claims:",
        "          project: payments",
        "      oauth_scope: workspace:inference",
        "      workspaces:",
        "        - production",
        "      token_lifetime_seconds: 600",
    ]
    assert missing.exit_code == 1
    assert missing.output == (
        "error: rule/nope: no live resource of that name (archived ones are not shown)\n"
    )
