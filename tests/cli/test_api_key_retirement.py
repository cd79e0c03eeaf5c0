"""`api_keys.manage`: plan and apply deactivate exactly the active keys not allowed, leave
the rest as they are, converge, and stop at settings.max_key_deactivations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import jsonschema
import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator, running_emulator
from tests.support.cli import k8s_org, k8s_rule, run_api

KEYS = [
    {"name": "ci-legacy", "status": "active", "workspace": "production"},
    {"name": "local-dev", "status": "active", "workspace": "staging"},
    {"name": "pinned-by-id", "status": "active", "workspace": "staging"},
    {"name": "already-off", "status": "inactive", "workspace": "production"},
    {"name": "allowed-but-off", "status": "inactive", "workspace": "staging"},
    {"name": "gone", "status": "archived", "workspace": "production"},
]
POLICY = """\
api_keys:
  manage: true
  allow_active:
    - name: local-dev
      reason: developer laptops until the SSO rollout
    - id: {pinned}
      reason: the billing export, moved next quarter
    - name: allowed-but-off
      reason: switched off by hand, allowed back if needed
    - name: no-such-key
      reason: a typo
"""


def key_statuses(emulator: RunningEmulator) -> dict[str, tuple[str, str]]:
    response = httpx.get(
        f"{emulator.base_url}/v1/organizations/api_keys",
        params={"limit": 100},
        headers={
            "authorization": f"Bearer {emulator.admin_token}",
            "anthropic-version": "2023-06-01",
        },
    )
    return {key["name"]: (key["id"], key["status"]) for key in response.json()["data"]}


@pytest.fixture
def org(tmp_path: Path) -> Iterator[tuple[RunningEmulator, Path]]:
    config = tmp_path / "federation"
    config.mkdir()
    (config / "fedctl.yaml").write_text(k8s_org(k8s_rule("deploy", "deploy")))
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(KEYS))
    with running_emulator(workspaces=("production", "staging")) as emulator:
        assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
        emulator.load_api_keys(str(keys))
        pinned = key_statuses(emulator)["pinned-by-id"][0]
        (config / "keys.yaml").write_text(POLICY.format(pinned=pinned))
        yield emulator, config


def test_plan_shows_the_deactivation_everywhere_it_should(
    org: tuple[RunningEmulator, Path],
) -> None:
    emulator, config = org
    ci_legacy = key_statuses(emulator)["ci-legacy"][0]
    text = run_api(emulator, "plan", str(config))
    assert text.exit_code == 0, text.output
    assert (
        f"  - narrowing api_key/{ci_legacy}: static key ci-legacy in production can no longer "
        "call the API"
    ) in text.stdout
    # The key's name, then its ID once (issue 31 item 10).
    assert f"    x api_key/ci-legacy ({ci_legacy})\n" in text.stdout
    assert text.stdout.rstrip().endswith(
        "Plan: 0 to create, 0 to update, 0 to replace, 0 to archive, 1 API key(s) to deactivate."
    )
    assert (
        "api_keys.allow_active: no live API key is named 'no-such-key'; fix the name or "
        "remove the entry"
    ) in text.output
    assert "'allowed-but-off' may stay active (api_keys.allow_active) but is inactive" in (
        text.output
    )
    planned = json.loads(run_api(emulator, "plan", str(config), "--format", "json").stdout)
    schema = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(planned)
    assert planned["summary"]["deactivate"] == 1
    [change] = planned["changes"]
    assert (change["kind"], change["name"], change["action"]) == (
        "api_key",
        ci_legacy,
        "deactivate",
    )
    markdown = run_api(emulator, "plan", str(config), "--format", "markdown").stdout
    assert f"api_key/{ci_legacy}" in markdown


def test_apply_deactivates_exactly_the_keys_not_allowed_and_converges(
    org: tuple[RunningEmulator, Path],
) -> None:
    emulator, config = org
    before = key_statuses(emulator)
    applied = run_api(emulator, "apply", str(config), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    after = key_statuses(emulator)
    assert after == {**before, "ci-legacy": (before["ci-legacy"][0], "inactive")}
    again = run_api(emulator, "plan", str(config), "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout


def test_more_deactivations_than_the_limit_need_the_flag(
    org: tuple[RunningEmulator, Path],
) -> None:
    emulator, config = org
    (config / "keys.yaml").write_text("api_keys:\n  manage: true\n")
    before = key_statuses(emulator)
    strict = "settings:\n  max_key_deactivations: 2\n"
    (config / "settings.yaml").write_text(strict)
    refused = run_api(emulator, "apply", str(config), "--auto-approve")
    assert refused.exit_code == 1
    assert (
        "the plan deactivates 3 API keys, 1 over settings.max_key_deactivations (2); nothing "
        "was changed"
    ) in refused.output
    assert key_statuses(emulator) == before
    allowed = run_api(emulator, "apply", str(config), "--auto-approve", "--allow-large-changes")
    assert allowed.exit_code == 0, allowed.output
    statuses = {name: status for name, (_id, status) in key_statuses(emulator).items()}
    assert statuses == {
        "ci-legacy": "inactive",
        "local-dev": "inactive",
        "pinned-by-id": "inactive",
        "already-off": "inactive",
        "allowed-but-off": "inactive",
        "gone": "archived",
    }


def test_keys_the_api_refuses_to_show_stop_a_managing_plan(
    org: tuple[RunningEmulator, Path], tmp_path: Path
) -> None:
    emulator, config = org
    keys = tmp_path / "keys.json"
    emulator.load_api_keys(str(keys), bearer="refuse")
    refused = run_api(emulator, "plan", str(config))
    assert refused.exit_code == 1
    assert "API-key management may need an Admin API key: set ANTHROPIC_ADMIN_API_KEY" in (
        refused.output
    )
    (config / "keys.yaml").write_text("api_keys:\n  manage: false\n")
    reporting = run_api(emulator, "plan", str(config))
    assert reporting.exit_code == 0, reporting.output


def test_export_lists_every_active_key_so_adoption_changes_nothing(
    org: tuple[RunningEmulator, Path], tmp_path: Path
) -> None:
    emulator, _config = org
    out = tmp_path / "exported"
    exported = run_api(emulator, "export", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    block = (out / "api_keys.yaml").read_text()
    ids = key_statuses(emulator)
    for name in ("ci-legacy", "local-dev", "pinned-by-id"):
        assert f"    - id: {ids[name][0]}  # {json.dumps(name)}" in block
    assert "already-off" not in block and "manage: false" in block
    assert block.count('reason: "exported: review"') == 3
    managed = out / "api_keys.yaml"
    managed.write_text(block.replace("manage: false", "manage: true"))
    planned = run_api(emulator, "plan", str(out), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output


def test_a_saved_plan_deactivates_after_its_recompute(
    org: tuple[RunningEmulator, Path], tmp_path: Path
) -> None:
    emulator, config = org
    plan_file = tmp_path / "plan.json"
    saved = run_api(emulator, "plan", str(config), "--out", str(plan_file))
    assert saved.exit_code == 0, saved.output
    applied = run_api(emulator, "apply", str(plan_file), "--config", str(config), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert key_statuses(emulator)["ci-legacy"][1] == "inactive"


def test_apply_against_a_snapshot_checks_the_keys_it_deactivates(
    org: tuple[RunningEmulator, Path], tmp_path: Path
) -> None:
    """A snapshot of main taken with the configuration holds the keys; a key switched
    back on since then is a moved resource, and apply refuses."""
    emulator, config = org
    snapshot = tmp_path / "snapshot.json"
    taken = run_api(emulator, "snapshot", str(config), "--out", str(snapshot))
    assert taken.exit_code == 0, taken.output
    planned = CliRunner().invoke(cli, ["plan", str(config), "--snapshot", str(snapshot)])
    assert planned.exit_code == 0, planned.output
    assert "1 API key(s) to deactivate" in planned.stdout
    key_id = key_statuses(emulator)["already-off"][0]
    httpx.post(
        f"{emulator.base_url}/v1/organizations/api_keys/{key_id}",
        json={"status": "active"},
        headers={
            "authorization": f"Bearer {emulator.admin_token}",
            "anthropic-version": "2023-06-01",
        },
    ).raise_for_status()
    refused = run_api(emulator, "apply", str(config), "--auto-approve", "--snapshot", str(snapshot))
    assert refused.exit_code == 1
    assert (
        f"api_key/{key_id} changed status from inactive to active since the snapshot"
    ) in refused.output
    assert key_statuses(emulator)["ci-legacy"][1] == "active"


def test_a_snapshot_without_keys_is_refused_when_keys_are_managed(
    org: tuple[RunningEmulator, Path], tmp_path: Path
) -> None:
    emulator, config = org
    snapshot = tmp_path / "snapshot.json"
    assert run_api(emulator, "snapshot", "--out", str(snapshot)).exit_code == 0
    planned = CliRunner().invoke(cli, ["plan", str(config), "--snapshot", str(snapshot)])
    assert planned.exit_code == 1
    assert "api_keys.manage is true but the snapshot holds no API keys" in planned.output
