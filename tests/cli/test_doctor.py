"""`fedctl doctor` against the emulator: ok on a sound organization, FAIL on a broken
response, warn when the API has grown, and only GET requests, ever."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fedctl.emulator.server import RunningEmulator, running_emulator
from fedctl.emulator.unsafe import ABSENT, unsafe_patch_resource
from tests.support.cli import k8s_org, k8s_rule, run_api

CONFIG = k8s_org(
    k8s_rule("deploy", "deploy"),
    k8s_rule("build", "build").replace("workspace:developer", "workspace:inference"),
)


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[RunningEmulator]:
    with running_emulator(workspaces=("production", "staging")) as running:
        config = tmp_path / "fedctl.yaml"
        config.write_text(CONFIG)
        assert run_api(running, "apply", str(config), "--auto-approve").exit_code == 0
        running.reset_request_log()
        yield running


def test_doctor_passes_on_the_emulator_and_sends_only_gets(emulator: RunningEmulator) -> None:
    result = run_api(emulator, "doctor")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "13 checks, 0 failed."
    assert all(line.startswith("ok   ") for line in lines[:-1]), result.output
    assert (
        "ok   pagination: GET /v1/organizations/federation_rules?limit=1: 2 page(s) of one, "
        "then next_page null"
    ) in lines
    methods = {method for method, _path in emulator.requests()}
    assert methods == {"GET"}


def test_doctor_fails_with_a_clear_line_on_a_broken_response(emulator: RunningEmulator) -> None:
    [account] = emulator.store.list_service_accounts(include_archived=False, limit=20, page=None)[
        "data"
    ]
    unsafe_patch_resource(
        emulator.store, "service_account", account["id"], {"organization_role": ABSENT}
    )
    result = run_api(emulator, "doctor")
    assert result.exit_code == 1
    failing = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert failing == [
        "FAIL service accounts: GET /v1/organizations/service_accounts: objects lack "
        "organization_role, which fedctl reads (expected: archived_at, archived_by_actor_id, "
        "created_at, created_by_actor_id, description, id, name, organization_role, "
        "updated_at, updated_by_actor_id; got: archived_at, archived_by_actor_id, created_at, "
        "created_by_actor_id, description, id, name, type, updated_at, updated_by_actor_id)"
    ]
    assert result.output.splitlines()[-1] == "13 checks, 1 failed."
    assert {method for method, _path in emulator.requests()} == {"GET"}


def test_doctor_warns_when_the_api_has_grown(emulator: RunningEmulator) -> None:
    [rule, _other] = emulator.store.list_rules(
        include_archived=False, limit=20, page=None, issuer_id=None
    )["data"]
    unsafe_patch_resource(emulator.store, "federation_rule", rule["id"], {"labels\x1b[2K": {}})
    result = run_api(emulator, "doctor")
    assert result.exit_code == 0, result.output
    assert (
        "warn rules: GET /v1/organizations/federation_rules: the API has grown: labels\\x1b[2K "
        "(ignored when parsing; a resource using them may show as unmanageable)"
    ) in result.output.splitlines()


def test_doctor_json_is_a_bug_report_without_secrets(emulator: RunningEmulator) -> None:
    result = run_api(emulator, "doctor", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["fedctl_version"], report["contract_revision"], report["result"]) == (
        "0.1.0",
        3,
        "ok",
    )
    assert [check["name"] for check in report["checks"]][:3] == [
        "credential",
        "organization",
        "service accounts",
    ]
    assert emulator.admin_token not in result.output
