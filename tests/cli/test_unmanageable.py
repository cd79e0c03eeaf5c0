"""Live state fedctl cannot represent exactly is shown and never written (plan, apply, export).

Each case stores, through the emulator's test-only hooks, a state the contract does not
describe, then: a plan whose configuration differs on every resource lists the resource
as unmanageable with its reason and plans nothing for it, even with --prune; apply (with
--prune, and with the resource dropped from the configuration) leaves it byte for byte
as it was; export writes it as a commented block with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fedctl.emulator.server import RunningEmulator, running_emulator
from fedctl.emulator.unsafe import (
    unsafe_drop_enablements,
    unsafe_patch_resource,
    unsafe_set_membership_role,
)
from tests.support.cli import run_api

CONFIG = """\
service_accounts:
  - name: ci
    description: {description}
    workspaces:
      - workspace: production
        role: workspace_developer
issuers:
  - name: k8s
    max_jwt_lifetime_seconds: {lifetime}
    issuer_url: https://k8s.acme-corp.dev
    jwks:
      type: inline
      keys: [{{kid: k1, kty: RSA, n: AQAB, e: AQAB}}]
rules:
  - name: deploy
    description: {description}
    issuer: k8s
    service_account: ci
    match:
      subject_prefix: "system:serviceaccount:deploy:app"
    oauth_scope: workspace:developer
    workspaces: [production]
"""

Patch = Callable[[RunningEmulator, dict[str, str]], None]


def _rule(changes: dict[str, Any]) -> Patch:
    return lambda emulator, ids: unsafe_patch_resource(
        emulator.store, "federation_rule", ids["rule"], changes
    )


def _legacy(emulator: RunningEmulator, ids: dict[str, str]) -> None:
    unsafe_patch_resource(
        emulator.store, "federation_rule", ids["rule"], {"workspace_id": ids["production"]}
    )
    unsafe_drop_enablements(emulator.store, ids["rule"])


CASES: dict[str, tuple[str, Patch, str]] = {
    "unknown jwks type": (
        "issuer/k8s",
        lambda emulator, ids: unsafe_patch_resource(
            emulator.store,
            "federation_issuer",
            ids["issuer"],
            {"jwks": {"type": "spiffe_bundle", "endpoint": "https://spiffe.acme-corp.dev"}},
        ),
        "jwks.type 'spiffe_bundle' is unknown to fedctl",
    ),
    "unknown matcher": (
        "rule/deploy",
        _rule(
            {
                "match": {
                    "subject_prefix": "system:serviceaccount:deploy:app",
                    "audience": None,
                    "claims": None,
                    "condition": None,
                    "source_ip_ranges": ["10.0.0.0/8"],
                }
            }
        ),
        "match.source_ip_ranges is a matcher fedctl does not know",
    ),
    "attributes": (
        "rule/deploy",
        _rule({"attributes": {"team": "payments"}}),
        "it has attributes, which fedctl does not manage yet",
    ),
    "legacy workspace_id binding": (
        "rule/deploy",
        _legacy,
        "legacy workspace_id",
    ),
    "unknown scope token": (
        "rule/deploy",
        _rule({"oauth_scope": "workspace:developer workspace:batch"}),
        "oauth_scope token 'workspace:batch' is unknown to fedctl",
    ),
    "target type": (
        "rule/deploy",
        lambda emulator, ids: unsafe_patch_resource(
            emulator.store,
            "federation_rule",
            ids["rule"],
            {"target": {"type": "user", "service_account_id": ids["account"]}},
        ),
        "target.type 'user' is not service_account",
    ),
    "unknown organization role": (
        "service_account/ci",
        lambda emulator, ids: unsafe_patch_resource(
            emulator.store, "service_account", ids["account"], {"organization_role": "auditor"}
        ),
        "organization_role 'auditor' is unknown to fedctl",
    ),
    "unknown workspace role": (
        "service_account/ci",
        lambda emulator, ids: unsafe_set_membership_role(
            emulator.store, ids["account"], ids["production"], "workspace_owner"
        ),
        "workspace_role 'workspace_owner', unknown to fedctl",
    ),
}
PATHS = {
    "rule/deploy": "federation_rules",
    "issuer/k8s": "federation_issuers",
    "service_account/ci": "service_accounts",
}


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator(workspaces=("production", "staging")) as running:
        yield running


def raw(emulator: RunningEmulator, path: str) -> Any:
    headers = {"authorization": f"Bearer {emulator.admin_token}"}
    response = httpx.get(f"{emulator.base_url}/v1/organizations/{path}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def ids_of(emulator: RunningEmulator) -> dict[str, str]:
    workspaces = raw(emulator, "workspaces?include_default=true")["data"]
    return {
        "rule": raw(emulator, "federation_rules")["data"][0]["id"],
        "issuer": raw(emulator, "federation_issuers")["data"][0]["id"],
        "account": raw(emulator, "service_accounts")["data"][0]["id"],
        "production": next(w["id"] for w in workspaces if w["name"] == "production"),
    }


def snapshot(emulator: RunningEmulator, address: str, resource_id: str) -> Any:
    state = raw(emulator, f"{PATHS[address]}/{resource_id}")
    if address == "service_account/ci":
        state = [state, raw(emulator, f"service_accounts/{resource_id}/workspaces")]
    return state


@pytest.mark.parametrize("case", sorted(CASES))
def test_unmanageable_live_state_is_shown_and_never_written(
    case: str, emulator: RunningEmulator, tmp_path: Path
) -> None:
    address, patch, reason = CASES[case]
    config = tmp_path / "fedctl.yaml"
    config.write_text(CONFIG.format(description="first", lifetime=3600))
    assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
    ids = ids_of(emulator)
    patch(emulator, ids)
    resource_id = ids[{"rule": "rule", "issuer": "issuer"}.get(address.split("/")[0], "account")]
    before = snapshot(emulator, address, resource_id)

    # The issuer changes only where it is the unmanageable one: an issuer backing a rule
    # whose scope fedctl cannot classify is refused as backing a Console-managed rule.
    lifetime = 1800 if address == "issuer/k8s" else 3600
    config.write_text(CONFIG.format(description="second", lifetime=lifetime))
    planned = run_api(emulator, "plan", str(config), "--prune", "--format", "json")
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout)
    [line] = plan["unmanageable"]
    assert line.startswith(f"{address} ({resource_id}): ")
    assert reason in line
    assert all(change["live_id"] != resource_id for change in plan["changes"])
    assert all(step["live_id"] != resource_id for step in plan["steps"])
    text = run_api(emulator, "plan", str(config), "--prune", "--no-color")
    assert "Unmanageable (live state fedctl cannot represent exactly; never changed):" in (
        text.output
    )

    applied = run_api(emulator, "apply", str(config), "--auto-approve", "--prune")
    assert applied.exit_code == 0, applied.output
    assert snapshot(emulator, address, resource_id) == before

    exported = run_api(emulator, "export")
    assert exported.exit_code == 0, exported.output
    assert "#   Unmanageable: " in exported.stdout
    assert reason in exported.stdout.replace("\n#   ", " ")


def test_prune_never_archives_an_unmanageable_resource(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    config = tmp_path / "fedctl.yaml"
    config.write_text(CONFIG.format(description="first", lifetime=3600))
    assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
    ids = ids_of(emulator)
    _rule({"attributes": {"team": "payments"}})(emulator, ids)
    config.write_text(
        CONFIG.format(description="first", lifetime=3600).split("rules:")[0] + "rules: []\n"
    )
    applied = run_api(emulator, "apply", str(config), "--auto-approve", "--prune")
    assert applied.exit_code == 0, applied.output
    assert raw(emulator, f"federation_rules/{ids['rule']}")["archived_at"] is None
    targeted = run_api(
        emulator, "apply", str(config), "--auto-approve", "--prune", "--target", "rule/deploy"
    )
    assert raw(emulator, f"federation_rules/{ids['rule']}")["archived_at"] is None
    assert targeted.exit_code in (0, 1), targeted.output


def test_the_access_diff_never_calls_a_change_involving_one_harmless(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    config = tmp_path / "fedctl.yaml"
    config.write_text(CONFIG.format(description="first", lifetime=3600))
    assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
    _rule({"attributes": {"team": "payments"}})(emulator, ids_of(emulator))
    # A membership narrowed from developer to user: harmless, unless a rule fedctl cannot
    # read fully relies on it.
    config.write_text(
        CONFIG.format(description="first", lifetime=3600).replace(
            "role: workspace_developer", "role: workspace_user"
        )
    )
    planned = run_api(emulator, "plan", str(config), "--format", "json")
    assert planned.exit_code == 0, planned.output
    [change] = json.loads(planned.stdout)["access"]["changes"]
    assert (change["resource"], change["effect"]) == (
        "service_account/ci",
        "possibly broadening",
    )
    assert change["findings"][-1]["reason"] == (
        "involves rule/deploy, whose live state fedctl cannot read fully (unmanageable), so "
        "its effect cannot be proved harmless"
    )


def test_a_step_that_needs_a_held_step_is_held_too(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    config = tmp_path / "fedctl.yaml"
    first = CONFIG.format(description="first", lifetime=3600)
    config.write_text(first)
    assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
    ids = ids_of(emulator)
    unsafe_patch_resource(
        emulator.store, "service_account", ids["account"], {"organization_role": "auditor"}
    )
    # The rule's new workspace needs a membership that only the held account could get.
    config.write_text(
        first.replace(
            "        role: workspace_developer\n",
            "        role: workspace_developer\n      - workspace: staging\n"
            "        role: workspace_developer\n",
        ).replace("workspaces: [production]", "workspaces: [production, staging]")
    )
    planned = run_api(emulator, "plan", str(config), "--format", "json")
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout)
    assert plan["changes"] == [] and plan["steps"] == []
    assert plan["warnings"] == [
        "rule/deploy: not planned (update): it is unmanageable, or depends on a step that "
        "would write an unmanageable resource",
        "service_account/ci: not planned (update): it is unmanageable, or depends on a step "
        "that would write an unmanageable resource",
    ]
