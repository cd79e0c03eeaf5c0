"""Policies see canonical values (issue 25 item 7): one test per binding in
docs/policies.md, and the attack: a rule that names its workspace by ID used to skip the
shipped production-needs-environment policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from fedctl.config.load import load_config
from fedctl.core.state import Workspace
from fedctl.emulator.server import RunningEmulator
from fedctl.guards.policy.bindings import resource_bindings
from tests.policy.test_policies import EXAMPLES
from tests.support.cli import run_api

PRODUCTION = Workspace(id="wrkspc_01prod", name="production")
DEFAULT = Workspace(id="wrkspc_01default", name="Default", is_default=True)

CONFIG = """\
service_accounts:
  - name: ci
    workspaces:
      - {workspace: wrkspc_01prod, role: workspace_developer}
      - {workspace: default, role: workspace_user}
issuers:
  - name: gha
    preset: github-actions
rules:
  - name: deploy
    issuer: gha
    service_account: ci
    match:
      subject_prefix: "repo:acme/app:environment:production"
    oauth_scope: workspace:inference
    workspaces: [wrkspc_01prod, default]
"""


def bindings(tmp_path: Path, workspaces: tuple[Workspace, ...] = (PRODUCTION, DEFAULT)) -> Any:
    (tmp_path / "fedctl.yaml").write_text(CONFIG)
    return resource_bindings(load_config(tmp_path), workspaces)


def rule_activation(tmp_path: Path) -> dict[str, Any]:
    ((name, activation),) = bindings(tmp_path)["rule"]
    assert name == "deploy"
    result: dict[str, Any] = activation
    return result


def test_workspaces_by_name_even_when_written_as_ids(tmp_path: Path) -> None:
    rule = rule_activation(tmp_path)["rule"]
    assert rule["workspaces"] == ["production", "default"]


def test_workspace_ids_are_bound_beside_the_names(tmp_path: Path) -> None:
    rule = rule_activation(tmp_path)["rule"]
    assert rule["workspace_ids"] == ["wrkspc_01prod", "wrkspc_01default"]


def test_without_live_workspaces_an_id_stays_an_id(tmp_path: Path) -> None:
    ((_, activation),) = bindings(tmp_path, ())["rule"]
    assert activation["rule"]["workspaces"] == ["wrkspc_01prod", "default"]
    assert activation["rule"]["workspace_ids"] == ["wrkspc_01prod"]


def test_issuer_by_name_and_url(tmp_path: Path) -> None:
    activation = rule_activation(tmp_path)
    assert activation["rule"]["issuer"] == "gha"
    assert activation["rule"]["issuer_url"] == "https://token.actions.githubusercontent.com"
    assert activation["issuer"]["name"] == "gha"
    assert activation["issuer"]["issuer_url"] == "https://token.actions.githubusercontent.com"


def test_presets_expanded(tmp_path: Path) -> None:
    ((_, activation),) = bindings(tmp_path)["issuer"]
    assert activation["issuer"]["preset"] == "github-actions"
    assert activation["issuer"]["issuer_url"] == "https://token.actions.githubusercontent.com"
    assert activation["issuer"]["jwks"]["type"] == "discovery"


def test_defaults_filled(tmp_path: Path) -> None:
    activation = rule_activation(tmp_path)
    rule, issuer = activation["rule"], activation["issuer"]
    assert rule["token_lifetime_seconds"] == 3600
    assert rule["description"] == ""
    assert rule["match"]["claims"] == {}
    assert rule["match"]["audience"] is None
    assert rule["applies_to_all_workspaces"] is False
    assert issuer["check_jti"] is True
    assert activation["service_account"]["organization_role"] == "developer"


def test_service_account_memberships_by_name_and_id(tmp_path: Path) -> None:
    account = rule_activation(tmp_path)["service_account"]
    assert account["description"] == ""
    assert account["workspaces"] == [
        {"workspace": "production", "workspace_id": "wrkspc_01prod", "role": "workspace_developer"},
        {"workspace": "default", "workspace_id": "wrkspc_01default", "role": "workspace_user"},
    ]


def test_bookkeeping_fields_are_left_out(tmp_path: Path) -> None:
    rule = rule_activation(tmp_path)["rule"]
    assert "lint" not in rule
    assert "previous_names" not in rule


def test_production_needs_environment_sees_a_workspace_written_as_an_id(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    policies = yaml.safe_load(EXAMPLES.read_text())["policies"]
    policy = tmp_path / "policy.yaml"
    chosen = [p for p in policies if p["name"] == "production-needs-environment"]
    policy.write_text(yaml.safe_dump({"policies": chosen}))
    listed = emulator.store.list_workspaces(
        limit=100,
        after_id=None,
        before_id=None,
        ids=(),
        include_archived=False,
        include_default=True,
    )
    production = next(w["id"] for w in listed["data"] if w["name"] == "production")
    config = tmp_path / "c"
    config.mkdir()
    (config / "fedctl.yaml").write_text(
        f"settings:\n  policy_files: [{policy}]\n"
        "service_accounts:\n  - name: ci\nissuers:\n  - name: gha\n    preset: github-actions\n"
        "rules:\n  - name: deploy\n    issuer: gha\n    service_account: ci\n"
        '    match:\n      subject_prefix: "repo:acme/app:ref:refs/heads/main"\n'
        f"    oauth_scope: workspace:inference\n    workspaces: [{production}]\n"
    )

    planned = run_api(emulator, "plan", str(config), "--allow-lint-errors")

    assert planned.exit_code == 1
    assert (
        "policy production-needs-environment denies rule/deploy: pin environment (a protected "
        "one, with required reviewers) for production" in planned.stderr
    )
    applied = run_api(emulator, "apply", str(config), "--allow-lint-errors", "--auto-approve")
    assert applied.exit_code == 1
    assert [call for call in emulator.requests() if call[0] != "GET"] == []


def test_a_rule_in_every_workspace_is_in_each_of_them(tmp_path: Path) -> None:
    # Otherwise `"production" in rule.workspaces` would excuse the broadest rule of all.
    (tmp_path / "fedctl.yaml").write_text(
        CONFIG.replace("workspaces: [wrkspc_01prod, default]", "applies_to_all_workspaces: true")
    )
    config = load_config(tmp_path)
    ((_, live),) = resource_bindings(config, (PRODUCTION, DEFAULT))["rule"]
    assert live["rule"]["workspaces"] == ["production", "default"]
    assert live["rule"]["workspace_ids"] == ["wrkspc_01prod", "wrkspc_01default"]
    ((_, offline),) = resource_bindings(config, ())["rule"]
    assert offline["rule"]["workspaces"] is None
    assert offline["rule"]["workspace_ids"] is None
