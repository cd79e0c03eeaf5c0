"""Rule steps against the emulator where the contract makes ordering or payloads matter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fedctl.api import resources
from fedctl.api.connect import open_client
from fedctl.apply.run import ApplyOptions, apply_plan
from fedctl.emulator.server import RunningEmulator, running_emulator
from fedctl.pipeline import GateChecks, plan_from_config
from fedctl.plan.actions import Operation
from fedctl.plan.refusals import Overrides

# A rule the Console made before the shared-issuer check: its match pins no tenant.
LEGACY_SEED = """
service_accounts:
  - name: deployer
    workspaces: [{workspace: production, role: workspace_developer}]
issuers:
  - name: gha
    issuer_url: https://token.actions.githubusercontent.com
rules:
  - name: deploy
    issuer: gha
    service_account: deployer
    match: {claims: {ref: refs/heads/main}}
    oauth_scope: workspace:developer
    workspaces: [production]
"""

CONFIG = """
service_accounts:
  - name: deployer
    workspaces: [{workspace: production, role: workspace_developer}]
issuers:
  - name: gha
    issuer_url: https://token.actions.githubusercontent.com
rules:
  - name: %(name)s%(previous)s
    issuer: gha
    service_account: deployer
    description: deploys main
    match: {claims: {ref: refs/heads/main, repository_owner: acme}}
    oauth_scope: workspace:developer
    workspaces: [production]
    applies_to_all_workspaces: true
"""


@pytest.fixture
def legacy(tmp_path: Path) -> Iterator[RunningEmulator]:
    seed = tmp_path / "seed.yaml"
    seed.write_text(LEGACY_SEED, encoding="utf-8")
    with running_emulator(workspaces=("production",), seed_path=str(seed)) as emulator:
        yield emulator


def _apply(emulator: RunningEmulator, config: Path) -> list[Operation]:
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        # The legacy rules are lint errors (FED019) on purpose: the gate would refuse.
        # plan_from_config judges the plan, so the override goes where it is judged.
        checks = GateChecks(overrides=Overrides(allow_lint_errors=True))
        plan, live, loaded = plan_from_config(config, client=client, checks=checks)
        apply_plan(
            client,
            plan,
            live,
            loaded,
            replan=lambda: plan_from_config(config, client=client, checks=None)[0],
            options=ApplyOptions(sleep=lambda _: None),
            approve=lambda: None,
        )
        return [step.operation for step in plan.steps]


@pytest.mark.parametrize("name", ["deploy", "deploy-main"])
def test_every_update_of_an_unpinned_shared_issuer_rule_sends_the_new_match(
    legacy: RunningEmulator, tmp_path: Path, name: str
) -> None:
    # §2.6.4: the tenant check runs again on *every* update, so the step that turns
    # applies_to_all_workspaces on (which runs before the main update) needs the match too.
    config = tmp_path / "fedctl.yaml"
    previous = "" if name == "deploy" else "\n    previous_names: [deploy]"
    config.write_text(CONFIG % {"name": name, "previous": previous}, encoding="utf-8")

    operations = _apply(legacy, config)

    assert operations.count(Operation.UPDATE_RULE) == 2
    with open_client(base_url=legacy.base_url, auth_token=legacy.admin_token) as client:
        (rule,) = resources.list_rules(client)
    assert (rule.name, rule.description, rule.applies_to_all_workspaces) == (
        name,
        "deploys main",
        True,
    )
    assert rule.match.claims == {"ref": "refs/heads/main", "repository_owner": "acme"}


def test_rules_gain_their_tenant_pin_before_their_issuer_moves_to_a_shared_platform(
    tmp_path: Path,
) -> None:
    # §2.5.4: an issuer_url change to a shared platform is refused while a live rule under
    # the issuer does not pin the tenant, so the rules' new matches must land first.
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        LEGACY_SEED.replace(
            "https://token.actions.githubusercontent.com", "https://ci.acme.example"
        ),
        encoding="utf-8",
    )
    config = tmp_path / "fedctl.yaml"
    config.write_text(
        CONFIG.replace("applies_to_all_workspaces: true", "applies_to_all_workspaces: false")
        % {"name": "deploy", "previous": ""},
        encoding="utf-8",
    )
    with running_emulator(workspaces=("production",), seed_path=str(seed)) as emulator:
        operations = _apply(emulator, config)
        with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
            (issuer,) = resources.list_issuers(client)
            (rule,) = resources.list_rules(client)

    assert operations == [Operation.UPDATE_RULE, Operation.UPDATE_ISSUER]
    assert issuer.issuer_url == "https://token.actions.githubusercontent.com"
    assert rule.match.claims == {"ref": "refs/heads/main", "repository_owner": "acme"}
