"""Conformance: the official `anthropic` SDK drives every endpoint of the emulator.

Each response is also validated strictly (pydantic `model_validate` on the raw JSON)
against the SDK's typed model, since the SDK itself parses leniently. Any mismatch is
an emulator bug.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import pytest
from anthropic.types.beta.organization.federation import BetaFederationRule
from anthropic.types.organization import ServiceAccount, ServiceAccountWorkspaceMember, Workspace
from anthropic.types.organization.federation import (
    FederationIssuer,
    FederationRule,
    FederationRuleWorkspace,
)
from pydantic import BaseModel

from fedctl.emulator.server import RunningEmulator


class Recorder:
    """Keeps the JSON body of every response the SDK receives."""

    def __init__(self) -> None:
        self.bodies: list[Any] = []

    def __call__(self, response: httpx2.Response) -> None:
        response.read()
        self.bodies.append(response.json())

    @property
    def last(self) -> Any:
        return self.bodies[-1]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(emulator: RunningEmulator, recorder: Recorder) -> Iterator[anthropic.Anthropic]:
    http_client = httpx2.Client(event_hooks={"response": [recorder]})
    with anthropic.Anthropic(
        auth_token=emulator.admin_token,
        base_url=emulator.base_url,
        http_client=http_client,
        max_retries=0,
    ) as sdk:
        yield sdk


def strict(model: type[BaseModel], body: Any) -> None:
    model.model_validate(body)


def strict_page(model: type[BaseModel], body: Any) -> None:
    assert set(body) == {"data", "next_page"}
    for item in body["data"]:
        model.model_validate(item)


def workspace_id(client: anthropic.Anthropic, name: str) -> str:
    for workspace in client.organization.workspaces.list(include_default=True):
        if workspace.name == name:
            return workspace.id
    raise AssertionError(name)


def test_organization_and_workspaces(client: anthropic.Anthropic, recorder: Recorder) -> None:
    organization = client.organization.retrieve()
    assert organization.type == "organization"
    listed = client.organization.workspaces.list()
    strict(Workspace, recorder.last["data"][0])
    assert sorted(workspace.name for workspace in listed) == ["production", "staging"]
    with_default = client.organization.workspaces.list(include_default=True, limit=1)
    names = [workspace.name for workspace in with_default]  # auto-paginates by ID cursor
    assert names == ["Default", "production", "staging"]
    default = client.organization.workspaces.retrieve(workspace_id(client, "Default"))
    strict(Workspace, recorder.last)
    assert default.name == "Default"


def test_service_account_lifecycle(client: anthropic.Anthropic, recorder: Recorder) -> None:
    accounts = client.organization.service_accounts
    created = accounts.create(name="ci-deployer", description="Deploys")
    strict(ServiceAccount, recorder.last)
    assert (created.organization_role, created.archived_at) == ("developer", None)
    assert created.created_by_actor_id is not None
    assert created.created_by_actor_id.startswith("user_")
    assert accounts.retrieve(created.id).name == "ci-deployer"
    strict(ServiceAccount, recorder.last)
    updated = accounts.update(created.id, description=None)
    strict(ServiceAccount, recorder.last)
    assert updated.description == ""
    assert [account.id for account in accounts.list()] == [created.id]
    strict_page(ServiceAccount, recorder.last)
    archived = accounts.archive(created.id)
    strict(ServiceAccount, recorder.last)
    assert archived.archived_at is not None
    assert accounts.archive(created.id).archived_at == archived.archived_at
    assert list(accounts.list()) == []
    assert [account.id for account in accounts.list(include_archived=True)] == [created.id]


def test_service_account_list_paginates_newest_first(client: anthropic.Anthropic) -> None:
    accounts = client.organization.service_accounts
    ids = [accounts.create(name=f"sa-{index}").id for index in range(5)]
    first = accounts.list(limit=2)
    assert first.next_page is not None
    assert [account.id for account in accounts.list(limit=2)] == list(reversed(ids))


def test_memberships_from_both_sides(client: anthropic.Anthropic, recorder: Recorder) -> None:
    account = client.organization.service_accounts.create(name="member")
    production = workspace_id(client, "production")
    default = workspace_id(client, "Default")
    members = client.organization.service_accounts.workspaces
    implicit = list(members.list(account.id))
    strict_page(ServiceAccountWorkspaceMember, recorder.last)
    assert [(m.workspace_id, m.workspace_role, m.implicit) for m in implicit] == [
        (default, "workspace_user", True)
    ]
    added = members.add(account.id, workspace_id=production, workspace_role="workspace_developer")
    strict(ServiceAccountWorkspaceMember, recorder.last)
    assert (added.implicit, added.workspace_role) == (False, "workspace_developer")
    side = client.organization.workspaces.service_accounts
    assert [m.service_account_id for m in side.list(production)] == [account.id]
    strict_page(ServiceAccountWorkspaceMember, recorder.last)
    changed = side.update(account.id, workspace_id=production, workspace_role="workspace_user")
    strict(ServiceAccountWorkspaceMember, recorder.last)
    assert changed.workspace_role == "workspace_user"
    assert side.retrieve(account.id, workspace_id=production).workspace_role == "workspace_user"
    assert side.retrieve(account.id, workspace_id=default).implicit is True
    again = side.add(production, service_account_id=account.id, workspace_role="workspace_admin")
    assert again.workspace_role == "workspace_admin"  # upsert, no 409
    removed = members.remove(production, service_account_id=account.id)
    assert (removed.type, removed.workspace_id) == (
        "service_account_workspace_member_deleted",
        production,
    )
    assert side.remove(account.id, workspace_id=production).service_account_id == account.id
    assert list(side.list(production)) == []


def test_issuer_lifecycle(client: anthropic.Anthropic, recorder: Recorder) -> None:
    issuers = client.organization.federation.issuers
    created = issuers.create(
        name="github-actions", issuer_url="https://token.actions.githubusercontent.com"
    )
    strict(FederationIssuer, recorder.last)
    assert recorder.last["jwks"] == {
        "type": "discovery",
        "discovery_base": None,
        "ca_cert_pem": None,
    }
    assert (created.check_jti, created.max_jwt_lifetime_seconds) == (True, 3600)
    inline = issuers.create(
        name="k8s",
        issuer_url="https://kubernetes.default.svc",
        jwks={"type": "inline", "keys": [{"kty": "RSA", "kid": "a", "n": "x", "e": "AQAB"}]},
    )
    strict(FederationIssuer, recorder.last)
    renamed = issuers.update(inline.id, name="k8s-prod", max_jwt_lifetime_seconds=7200)
    strict(FederationIssuer, recorder.last)
    assert (renamed.name, renamed.max_jwt_lifetime_seconds) == ("k8s-prod", 7200)
    assert issuers.retrieve(created.id).name == "github-actions"
    assert [issuer.id for issuer in issuers.list()] == [inline.id, created.id]
    strict_page(FederationIssuer, recorder.last)
    archived = issuers.archive(inline.id)
    strict(FederationIssuer, recorder.last)
    assert archived.archived_at is not None
    assert [issuer.id for issuer in issuers.list()] == [created.id]


def test_rule_lifecycle_and_workspaces(client: anthropic.Anthropic, recorder: Recorder) -> None:
    production = workspace_id(client, "production")
    staging = workspace_id(client, "staging")
    account = client.organization.service_accounts.create(name="deployer")
    for workspace in (production, staging):
        client.organization.service_accounts.workspaces.add(
            account.id, workspace_id=workspace, workspace_role="workspace_developer"
        )
    issuer = client.organization.federation.issuers.create(
        name="github-actions", issuer_url="https://token.actions.githubusercontent.com"
    )
    rules = client.organization.federation.rules
    rule = rules.create(
        name="deploy-main",
        issuer_id=issuer.id,
        match={"subject_prefix": "repo:acme/app:ref:refs/heads/main"},
        target={"type": "service_account", "service_account_id": account.id},
        oauth_scope="workspace:inference",
        workspace_id=production,
        token_lifetime_seconds=600,
    )
    strict(FederationRule, recorder.last)
    strict(BetaFederationRule, recorder.last)
    assert (rule.workspace_ids, rule.issuer_name) == ([production], "github-actions")
    assert rule.target.service_account_name == "deployer"
    assert recorder.last["match"] == {
        "subject_prefix": "repo:acme/app:ref:refs/heads/main",
        "audience": None,
        "claims": None,
        "condition": None,
    }
    enablement = rules.workspaces.add(rule.id, workspace_id=staging)
    strict(FederationRuleWorkspace, recorder.last)
    assert enablement.workspace_name is None
    listed = rules.workspaces.list(rule.id)
    strict_page(FederationRuleWorkspace, recorder.last)
    assert recorder.last["next_page"] is None
    assert [(e.workspace_id, e.workspace_name) for e in listed] == [
        (production, "production"),
        (staging, "staging"),
    ]
    removed = rules.workspaces.remove(staging, federation_rule_id=rule.id)
    assert removed.type == "federation_rule_workspace_deleted"
    updated = rules.update(
        rule.id,
        name="deploy-prod",
        description="Prod",
        match={"claims": {"repository_owner": "acme"}},
    )
    strict(BetaFederationRule, recorder.last)
    assert (updated.name, updated.match.claims) == ("deploy-prod", {"repository_owner": "acme"})
    assert [r.id for r in rules.list(issuer_id=issuer.id)] == [rule.id]
    strict_page(BetaFederationRule, recorder.last)
    archived = rules.archive(rule.id)
    strict(BetaFederationRule, recorder.last)
    assert (archived.workspace_ids, recorder.last["workspace_id"]) == ([], None)
    assert rules.retrieve(rule.id).archived_at == archived.archived_at
    assert list(rules.list()) == []
