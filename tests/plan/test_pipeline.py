"""plan_from_config: the configuration loads while the live organization is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from fedctl.api.connect import open_client
from fedctl.emulator.server import RunningEmulator
from fedctl.errors import ApiError, ValidationFailed
from fedctl.pipeline import plan_from_config

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
