"""Reads and writes against the real emulator over HTTP: pagination, faults, lost answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fedctl.api import resources, writes
from fedctl.api.client import AdminClient, RetryPolicy
from fedctl.api.connect import open_client
from fedctl.core.errors import ApiError
from fedctl.emulator.server import FaultConfig, RunningEmulator

INLINE_JWKS = {
    "type": "inline",
    "keys": [
        {
            "kty": "EC",
            "crv": "P-256",
            "kid": "k1",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
        }
    ],
}


@pytest.fixture
def client(emulator: RunningEmulator) -> Iterator[AdminClient]:
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as opened:
        yield opened


def workspace_id(client: AdminClient, name: str) -> str:
    return next(w.id for w in resources.list_workspaces(client) if w.name == name)


def make_rule(client: AdminClient, name: str, issuer_id: str, account_id: str, ws: str) -> Any:
    return writes.create_rule(
        client,
        name=name,
        issuer_id=issuer_id,
        match={"subject_prefix": f"{name}:main"},
        service_account_id=account_id,
        oauth_scope="workspace:developer",
        workspace_id=ws,
    )


def test_every_list_follows_the_cursor_past_250_objects(
    client: AdminClient, emulator: RunningEmulator
) -> None:
    count = 260
    accounts = client.map(
        lambda i: writes.create_service_account(client, name=f"sa-{i}"), range(count)
    )
    issuers = client.map(
        lambda i: writes.create_issuer(
            client, name=f"idp-{i}", issuer_url=f"https://idp-{i}.example.com", jwks=INLINE_JWKS
        ),
        range(count),
    )
    default = next(w.id for w in resources.list_workspaces(client) if w.name == "Default")
    client.map(
        lambda i: make_rule(client, f"rule-{i}", issuers[i].id, accounts[i].id, default),
        range(count),
    )
    emulator.reset_request_log()

    assert sorted(a.name for a in resources.list_service_accounts(client)) == sorted(
        f"sa-{i}" for i in range(count)
    )
    assert len({i.id for i in resources.list_issuers(client)}) == count
    assert len({r.id for r in resources.list_rules(client)}) == count
    pages = [path for method, path in emulator.requests() if method == "GET"]
    assert pages.count("/v1/organizations/service_accounts") == 3
    assert pages.count("/v1/organizations/federation_issuers") == 3
    assert pages.count("/v1/organizations/federation_rules") == 3


@pytest.mark.parametrize("kind", ["429", "500", "503", "529", "reset", "stale-read"])
def test_each_retryable_fault_kind_recovers(
    client: AdminClient, emulator: RunningEmulator, kind: str
) -> None:
    emulator.reset_request_log()
    emulator.set_faults(FaultConfig(rate=0.3, kinds=(kind,), seed=11))
    production = workspace_id(client, "production")
    account = writes.create_service_account(client, name="ci", description="first")
    issuer = writes.create_issuer(
        client, name="idp", issuer_url="https://idp.example.com", jwks=INLINE_JWKS
    )
    writes.update_service_account(client, account.id, name="ci", description="second")
    from fedctl.api import workspace_writes

    workspace_writes.add_membership(
        client,
        service_account_id=account.id,
        workspace_id=production,
        workspace_role="workspace_developer",
    )
    rule = make_rule(client, "deploy", issuer.id, account.id, production)
    writes.archive_rule(client, rule.id, name="deploy")
    emulator.set_faults(FaultConfig())
    if kind != "stale-read":  # stale reads answer, so they cost no extra request
        # Seven calls without faults; more proves that faults were met and retried.
        assert len(emulator.requests()) > 7

    [live_account] = resources.list_service_accounts(client, include_archived=True)
    assert (live_account.name, live_account.description) == ("ci", "second")
    assert len(resources.list_issuers(client, include_archived=True)) == 1
    [live_rule] = resources.list_rules(client, include_archived=True)
    assert live_rule.archived_at is not None
    member = resources.get_workspace_member(client, production, account.id)
    assert member is not None and member.workspace_role == "workspace_developer"


@pytest.mark.parametrize("extra_kinds", [(), ("stale-read",)])
def test_lost_response_leaves_exactly_one_resource_in_the_intended_state(
    client: AdminClient, emulator: RunningEmulator, extra_kinds: tuple[str, ...]
) -> None:
    emulator.set_faults(FaultConfig(rate=1.0, kinds=("lost-response", *extra_kinds), seed=3))
    account = writes.create_service_account(client, name="ci", description="v1")
    updated = writes.update_service_account(client, account.id, name="ci", description="v2")
    archived = writes.archive_service_account(client, account.id, name="ci")
    emulator.set_faults(FaultConfig())

    assert updated.description == "v2"
    assert archived.archived_at is not None
    [live] = resources.list_service_accounts(client, include_archived=True)
    assert (live.id, live.description, live.archived_at) == (
        account.id,
        "v2",
        archived.archived_at,
    )
    posts = [p for m, p in emulator.requests() if m == "POST"]
    assert posts.count("/v1/organizations/service_accounts") == 1


def test_lost_response_on_rule_create_update_archive(
    client: AdminClient, emulator: RunningEmulator
) -> None:
    default = workspace_id(client, "Default")
    account = writes.create_service_account(client, name="ci")
    issuer = writes.create_issuer(
        client, name="idp", issuer_url="https://idp.example.com", jwks=INLINE_JWKS
    )
    emulator.set_faults(FaultConfig(rate=1.0, kinds=("lost-response",), seed=5))
    rule = make_rule(client, "deploy", issuer.id, account.id, default)
    writes.update_rule(
        client,
        rule.id,
        current_name="deploy",
        name="deploy-main",
        match={"claims": {"ref": "main"}},
    )
    writes.archive_rule(client, rule.id, name="deploy-main")
    emulator.set_faults(FaultConfig())

    [live] = resources.list_rules(client, include_archived=True)
    assert (live.id, live.name, live.match.claims) == (rule.id, "deploy-main", {"ref": "main"})
    assert live.archived_at is not None


def test_a_non_retryable_4xx_fails_at_once_with_message_and_request_id(
    client: AdminClient, emulator: RunningEmulator
) -> None:
    emulator.reset_request_log()
    with pytest.raises(ApiError) as caught:
        writes.create_service_account(client, name="Not_A_Slug")
    error = caught.value
    assert error.status == 400
    assert error.error_type == "invalid_request_error"
    assert error.request_id is not None and error.request_id.startswith("req_")
    assert error.render().startswith(
        "service account Not_A_Slug: POST /v1/organizations/service_accounts failed 400 "
        "invalid_request_error: "
    )
    assert f"(request-id {error.request_id})" in error.render()
    assert emulator.requests() == [("POST", "/v1/organizations/service_accounts")]


def test_a_duplicate_name_409_is_not_retried(
    client: AdminClient, emulator: RunningEmulator
) -> None:
    writes.create_service_account(client, name="ci")
    emulator.reset_request_log()
    with pytest.raises(ApiError) as caught:
        writes.create_service_account(client, name="ci")
    assert (caught.value.status, caught.value.error_type) == (409, "conflict_error")
    # The 409 is settled by one read (a live account holds the name), never by a resend.
    assert emulator.requests() == [
        ("POST", "/v1/organizations/service_accounts"),
        ("GET", "/v1/organizations/service_accounts"),
    ]


def test_concurrent_modification_409s_are_retried_on_writes_that_name_nothing(
    client: AdminClient, emulator: RunningEmulator
) -> None:
    # §6.2: conflict_error also means a concurrent modification ("resolve, then retry";
    # the SDK retries 409 for lock timeouts). A write that sets no name cannot meet a
    # duplicate name, so its 409 is such a conflict: refused unprocessed, safe to resend.
    from fedctl.api import workspace_writes

    production = workspace_id(client, "production")
    account = writes.create_service_account(client, name="ci")
    issuer = writes.create_issuer(
        client, name="idp", issuer_url="https://idp.example.com", jwks=INLINE_JWKS
    )
    workspace_writes.add_membership(
        client,
        service_account_id=account.id,
        workspace_id=production,
        workspace_role="workspace_user",
    )
    rule = make_rule(client, "deploy", issuer.id, account.id, production)
    client.retry = RetryPolicy(base_delay=0.001, max_delay=0.001)
    emulator.reset_request_log()
    emulator.set_faults(FaultConfig(rate=0.5, kinds=("409",), seed=4))

    writes.update_service_account(client, account.id, name="ci", description="second")
    writes.update_rule(client, rule.id, current_name="deploy", token_lifetime_seconds=600)
    workspace_writes.update_membership_role(
        client,
        service_account_id=account.id,
        workspace_id=production,
        workspace_role="workspace_developer",
    )
    # Enable before disabling: the API refuses to remove a rule's last enablement (§2.7.3).
    staging = workspace_id(client, "staging")
    workspace_writes.add_rule_workspace(client, rule_id=rule.id, workspace_id=staging)
    workspace_writes.remove_rule_workspace(client, rule_id=rule.id, workspace_id=production)
    writes.archive_rule(client, rule.id, name="deploy")
    writes.archive_issuer(client, issuer.id, name="idp")
    emulator.set_faults(FaultConfig())

    writes_sent = [call for call in emulator.requests() if call[0] != "GET"]
    assert len(writes_sent) > 7  # some 409s were met, and resent
    [live_account] = resources.list_service_accounts(client)
    assert live_account.description == "second"
    [live_rule] = resources.list_rules(client, include_archived=True)
    assert (live_rule.token_lifetime_seconds, live_rule.archived_at is not None) == (600, True)
    assert resources.list_issuers(client) == []
    member = resources.get_workspace_member(client, production, account.id)
    assert member is not None and member.workspace_role == "workspace_developer"


def test_a_list_whose_cursor_went_stale_is_read_again_from_the_first_page(
    client: AdminClient, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # §2.3.1/§4.1: a cursor whose item left the listing (archived, removed) is 400;
    # "recover by starting again from the first page".
    client.map(lambda i: writes.create_service_account(client, name=f"sa-{i}"), range(101))
    send = client.request
    pages: list[Any] = []

    def request(method: str, path: str, **kwargs: Any) -> Any:
        answer = send(method, path, **kwargs)
        if method == "GET" and path == resources.SERVICE_ACCOUNTS and not pages:
            pages.append(answer)
            last = answer["data"][-1]  # the item the next cursor points after
            writes.archive_service_account(client, last["id"], name=last["name"])
        return answer

    monkeypatch.setattr(client, "request", request)
    emulator.reset_request_log()
    names = [account.name for account in resources.list_service_accounts(client)]

    assert len(names) == len(set(names)) == 100
    assert pages[0]["data"][-1]["name"] not in names
    lists = [p for m, p in emulator.requests() if m == "GET" and p == resources.SERVICE_ACCOUNTS]
    assert len(lists) == 3  # page 1, the stale page 2 (400), then the 100 left in one page


def test_the_first_page_hook_hears_page_one_once_even_when_the_list_restarts(
    client: AdminClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.map(lambda i: writes.create_service_account(client, name=f"sa-{i}"), range(101))
    send = client.request
    archived: list[str] = []

    def request(method: str, path: str, **kwargs: Any) -> Any:
        answer = send(method, path, **kwargs)
        if method == "GET" and path == resources.SERVICE_ACCOUNTS and not archived:
            last = answer["data"][-1]  # page 2's cursor goes stale: the list restarts
            archived.append(last["name"])
            writes.archive_service_account(client, last["id"], name=last["name"])
        return answer

    monkeypatch.setattr(client, "request", request)
    heard: list[tuple[int, bool]] = []
    accounts = resources.list_service_accounts(
        client, on_first_page=lambda items, more: heard.append((len(items), more))
    )

    assert len(accounts) == 100
    assert heard == [(100, True)]


def test_the_first_page_hook_hears_a_single_page_list_is_complete(client: AdminClient) -> None:
    writes.create_service_account(client, name="only")
    heard: list[tuple[list[str], bool]] = []
    resources.list_service_accounts(
        client,
        on_first_page=lambda items, more: heard.append(([i["name"] for i in items], more)),
    )

    assert heard == [(["only"], False)]


def test_retries_stop_within_the_budget(emulator: RunningEmulator) -> None:
    emulator.set_faults(FaultConfig(rate=1.0, kinds=("503",), seed=1))
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        client.retry = RetryPolicy(max_retries=2, base_delay=0.01)
        with pytest.raises(ApiError) as caught:
            resources.get_organization(client)
    assert caught.value.status == 503
    assert [p for _, p in emulator.requests()].count("/v1/organizations/me") == 3


def test_memberships_and_enablements_round_trip(client: AdminClient) -> None:
    from fedctl.api import workspace_writes

    production = workspace_id(client, "production")
    staging = workspace_id(client, "staging")
    account = writes.create_service_account(client, name="ci")
    issuer = writes.create_issuer(
        client, name="idp", issuer_url="https://idp.example.com", jwks=INLINE_JWKS
    )
    for ws in (production, staging):
        workspace_writes.add_membership(
            client, service_account_id=account.id, workspace_id=ws, workspace_role="workspace_user"
        )
    workspace_writes.update_membership_role(
        client,
        service_account_id=account.id,
        workspace_id=staging,
        workspace_role="workspace_admin",
    )
    rule = make_rule(client, "deploy", issuer.id, account.id, production)
    workspace_writes.add_rule_workspace(client, rule_id=rule.id, workspace_id=staging)
    assert {e.workspace_id for e in resources.list_rule_workspaces(client, rule.id)} == {
        production,
        staging,
    }
    workspace_writes.remove_rule_workspace(client, rule_id=rule.id, workspace_id=staging)
    workspace_writes.remove_membership(client, service_account_id=account.id, workspace_id=staging)
    rows = resources.list_service_account_workspaces(client, account.id)
    assert {(r.workspace_id, r.workspace_role) for r in rows if not r.implicit} == {
        (production, "workspace_user")
    }
    assert [e.workspace_id for e in resources.list_rule_workspaces(client, rule.id)] == [production]
