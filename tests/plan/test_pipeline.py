"""plan_from_config: the configuration loads while the live organization is read, and the
plan it returns is judged as `fedctl plan`'s is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fedctl.api.connect import open_client
from fedctl.cli.plan import recorded_path
from fedctl.core.errors import ApiError, ValidationFailed
from fedctl.emulator.server import RunningEmulator
from fedctl.pipeline import GateChecks, plan_from_config
from fedctl.plan.plan import Plan
from tests.support.cli import run_api

QUICKSTART = Path(__file__).parents[2] / "examples" / "quickstart"


def test_live_read_and_config_load_both_arrive(emulator: RunningEmulator) -> None:
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        plan, live, config = plan_from_config(QUICKSTART, client=client)
    assert live.organization.id == emulator.organization_id
    assert config.service_accounts
    assert {change.name for change in plan.changes} >= {sa.name for sa in config.service_accounts}
    assert all(method == "GET" for method, _ in emulator.requests())


def test_a_configuration_error_wins_over_an_unreachable_api(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text("version: 1\nrules:\n  - name: x\n")
    with (
        pytest.raises(ValidationFailed) as caught,
        open_client(base_url="http://127.0.0.1:9", auth_token="t") as client,
    ):
        plan_from_config(tmp_path, client=client)
    assert "rules[0].issuer: is required" in caught.value.render()


def test_an_api_error_surfaces_when_the_configuration_is_valid(tmp_path: Path) -> None:
    with (
        pytest.raises(ApiError) as caught,
        open_client(base_url="http://127.0.0.1:9", auth_token="t") as client,
    ):
        client.retry = type(client.retry)(max_retries=0)
        plan_from_config(QUICKSTART, client=client)
    assert "could not connect (ConnectError)" in caught.value.render()


POLICY = """\
policies:
  - name: short-tokens
    description: Tokens live at most a minute.
    severity: warn
    applies_to: rule
    require: rule.token_lifetime_seconds <= 60
"""


def test_the_library_plan_is_the_plan_the_cli_saves(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    """Issue 28: plan_from_config judges the plan as `fedctl plan` does (policies, lint,
    access tests), so the two return one Plan."""
    config = tmp_path / "config"
    shutil.copytree(QUICKSTART, config)
    assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
    main_file = config / "fedctl.yaml"
    main_file.write_text(
        main_file.read_text().replace(
            "pipeline:payments:ref:refs/heads/main", "pipeline:payments:*"
        ),
        encoding="utf-8",
    )
    (tmp_path / "policies.yaml").write_text(POLICY, encoding="utf-8")
    policy = str(tmp_path / "policies.yaml")
    saved = tmp_path / "plan.json"
    planned = run_api(emulator, "plan", str(config), "--policy", policy, "--out", str(saved))
    assert planned.exit_code == 0, planned.output

    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        checks = GateChecks(policy_files=(policy,))
        plan, _, _ = plan_from_config(config, client=client, checks=checks)

    assert plan.gate_checked and plan.policy_failures and plan.access_test_changes
    assert Plan.from_file(saved) == plan.model_copy(update={"config_path": recorded_path(config)})
