"""read_live against the emulator: the normalised LiveState fedctl plans from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fedctl.api import resources, workspace_writes, writes
from fedctl.api.client import AdminClient
from fedctl.api.connect import open_client
from fedctl.core.state import IssuerSpec, RuleMatchSpec, RuleSpec, ServiceAccountSpec
from fedctl.emulator.server import RunningEmulator
from fedctl.live.read import read_live

JWK = {
    "kty": "EC",
    "crv": "P-256",
    "kid": "k1",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
}


@pytest.fixture
def client(emulator: RunningEmulator) -> Iterator[AdminClient]:
    with open_client(
        base_url=emulator.base_url, auth_token=emulator.admin_token, read_only=False
    ) as opened:
        yield opened


def ids(client: AdminClient) -> dict[str, str]:
    return {w.name: w.id for w in resources.list_workspaces(client, include_default=True)}


def populate(client: AdminClient, accounts: int) -> dict[str, str]:
    ws = ids(client)
    ci = writes.create_service_account(client, name="ci")
    for index in range(1, accounts):
        writes.create_service_account(client, name=f"extra-{index}", description="spare")
    workspace_writes.add_membership(
        client,
        service_account_id=ci.id,
        workspace_id=ws["production"],
        workspace_role="workspace_developer",
    )
    workspace_writes.add_membership(
        client,
        service_account_id=ci.id,
        workspace_id=ws["Default"],
        workspace_role="workspace_admin",
    )
    discovery = writes.create_issuer(
        client, name="gha", issuer_url="https://token.actions.githubusercontent.com"
    )
    inline = writes.create_issuer(
        client,
        name="inline",
        issuer_url="https://idp.example.com",
        jwks={"type": "inline", "keys": [JWK]},
    )
    rule = writes.create_rule(
        client,
        name="deploy",
        issuer_id=discovery.id,
        match={
            "subject_prefix": "repo:acme/app:ref:refs/heads/main",
            "claims": {"repository_owner": "acme"},
        },
        service_account_id=ci.id,
        oauth_scope="workspace:developer",
        workspace_id=ws["production"],
    )
    workspace_writes.add_rule_workspace(client, rule_id=rule.id, workspace_id=ws["Default"])
    old = writes.create_rule(
        client,
        name="old",
        issuer_id=inline.id,
        match={"claims": {"sub": "x"}},
        service_account_id=ci.id,
        oauth_scope="workspace:inference",
        applies_to_all_workspaces=True,
        description="retired",
    )
    writes.archive_rule(client, old.id, name="old")
    return ws


@pytest.mark.parametrize("accounts", [1, 6])
def test_read_live_normalises_every_kind(
    client: AdminClient, emulator: RunningEmulator, accounts: int
) -> None:
    ws = populate(client, accounts)
    emulator.reset_request_log()
    with open_client(
        base_url=emulator.base_url, auth_token=emulator.admin_token, read_only=True
    ) as reader:
        live = read_live(reader)

    assert live.organization.id == emulator.organization_id
    assert {(w.name, w.is_default, w.archived) for w in live.workspaces} == {
        ("Default", True, False),
        ("production", False, False),
        ("staging", False, False),
    }
    assert live.service_accounts["ci"].spec == ServiceAccountSpec(
        name="ci",
        description="",
        organization_role="developer",
        memberships={ws["production"]: "workspace_developer", ws["Default"]: "workspace_admin"},
    )
    assert len(live.service_accounts) == accounts
    assert live.issuers["gha"].spec == IssuerSpec(
        name="gha",
        issuer_url="https://token.actions.githubusercontent.com",
        jwks={"type": "discovery", "discovery_base": None, "ca_cert_pem": None},
    )
    assert live.issuers["inline"].spec.jwks == {"type": "inline", "keys": [JWK]}
    deploy = live.rules["deploy"]
    assert deploy.spec == RuleSpec(
        name="deploy",
        issuer_name="gha",
        service_account_name="ci",
        match=RuleMatchSpec(
            subject_prefix="repo:acme/app:ref:refs/heads/main", claims={"repository_owner": "acme"}
        ),
        oauth_scope="workspace:developer",
        workspace_ids=frozenset({ws["production"], ws["Default"]}),
    )
    assert deploy.legacy_workspace_id is None
    assert "old" not in live.rules
    [archived] = live.archived_rules
    assert (archived.spec.name, archived.spec.issuer_name, archived.spec.description) == (
        "old",
        "inline",
        "retired",
    )
    assert archived.meta.archived
    # Memberships come from whichever side needs fewer lists: 3 workspaces vs N accounts.
    paths = [p for m, p in emulator.requests() if m == "GET"]
    workspace_side = [p for p in paths if p.startswith("/v1/organizations/workspaces/")]
    account_side = [p for p in paths if p.endswith("/workspaces") and "service_accounts" in p]
    if accounts < 3:
        assert (len(workspace_side), len(account_side)) == (0, accounts)
    else:
        assert (len(workspace_side), len(account_side)) == (3, 0)
    # Enablements come with each rule (workspace_ids); no per-rule list is read.
    assert [p for p in paths if "/federation_rules/" in p] == []
    assert all(m == "GET" for m, _ in emulator.requests())


def test_a_multi_page_account_list_reads_memberships_workspace_side(
    client: AdminClient, emulator: RunningEmulator
) -> None:
    # 120 accounts: the first page (100) already outnumbers the 3 workspaces, so the
    # workspace side is chosen without waiting for the account list to end.
    ws = ids(client)
    accounts = client.map(
        lambda i: writes.create_service_account(client, name=f"sa-{i:03}"), range(120)
    )
    client.map(
        lambda account: workspace_writes.add_membership(
            client,
            service_account_id=account.id,
            workspace_id=ws["staging"],
            workspace_role="workspace_user",
        ),
        accounts[::3],
    )
    emulator.reset_request_log()
    with open_client(
        base_url=emulator.base_url, auth_token=emulator.admin_token, read_only=True
    ) as reader:
        live = read_live(reader)

    members = {name for name, a in live.service_accounts.items() if a.spec.memberships}
    assert members == {f"sa-{i:03}" for i in range(0, 120, 3)}
    assert all(
        a.spec.memberships == {ws["staging"]: "workspace_user"}
        for a in live.service_accounts.values()
        if a.spec.memberships
    )
    paths = [p for m, p in emulator.requests() if m == "GET"]
    assert [p for p in paths if p.endswith("/workspaces") and "service_accounts/" in p] == []
    assert sorted(p for p in paths if p.startswith("/v1/organizations/workspaces/")) == sorted(
        f"/v1/organizations/workspaces/{w}/service_accounts" for w in ws.values()
    )
