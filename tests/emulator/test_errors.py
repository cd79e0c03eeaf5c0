"""Every documented error case of the emulated API, through plain httpx (contract §2, §5, §6)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from fedctl.emulator.db import Actor
from fedctl.emulator.server import RunningEmulator
from tests.emulator.helpers import GITHUB, Api, assert_error

SA = "/v1/organizations/service_accounts"
ISSUERS = "/v1/organizations/federation_issuers"
RULES = "/v1/organizations/federation_rules"


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[Api]:
    client = Api(emulator)
    yield client
    client.client.close()


# ---- authentication -----------------------------------------------------------------------


def test_missing_and_unknown_credentials_are_401(emulator: RunningEmulator) -> None:
    assert_error(httpx.get(emulator.base_url + SA), 401, "authentication_error")
    other = httpx.get(emulator.base_url + SA, headers={"authorization": "Bearer nope"})
    assert_error(other, 401, "authentication_error")
    key = httpx.get(emulator.base_url + SA, headers={"x-api-key": "sk-ant-api03-x"})
    assert_error(key, 401, "authentication_error")


@pytest.mark.parametrize("header", ["x-api-key", "authorization"])
def test_admin_api_keys_are_refused_on_wif_endpoints(
    emulator: RunningEmulator, header: str
) -> None:
    value = "sk-ant-admin01-abc" if header == "x-api-key" else "Bearer sk-ant-admin01-abc"
    response = httpx.get(emulator.base_url + SA, headers={header: value})
    assert_error(response, 403, "permission_error")
    me = httpx.get(emulator.base_url + "/v1/organizations/me", headers={header: value})
    assert_error(me, 401, "authentication_error")


def test_malformed_anthropic_version_is_400(api: Api) -> None:
    response = api.client.get(SA, headers={"anthropic-version": "latest"})
    assert_error(response, 400, "invalid_request_error")
    assert api.client.get(SA, headers={"anthropic-version": "2023-06-01"}).status_code == 200


def test_unknown_route_is_404_with_error_shape(api: Api) -> None:
    api.fail(404, "not_found_error", "GET", "/v1/organizations/nothing")


# ---- service accounts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Bad_Name"},
        {"name": ""},
        {"name": "a" * 256},
        {"name": "ok", "description": "d" * 2001},
        {"name": "ok", "organization_role": "owner"},
        {"name": "ok", "organization_role": None},
        {"name": "ok", "email": "x@example.com"},
        {},
    ],
)
def test_service_account_create_validation(api: Api, body: dict[str, object]) -> None:
    api.fail(400, "invalid_request_error", "POST", SA, body)


def test_duplicate_and_archived_names_conflict(api: Api) -> None:
    account = api.account("ci")
    response = api.fail(409, "conflict_error", "POST", SA, {"name": "ci"})
    assert response.headers["x-should-retry"] == "false"
    api.ok("POST", f"{SA}/{account['id']}/archive")
    api.fail(409, "conflict_error", "POST", SA, {"name": "ci"})


def test_service_account_update_rules(api: Api) -> None:
    account = api.account("ci")
    api.fail(400, "invalid_request_error", "POST", f"{SA}/{account['id']}", {"name": "other"})
    api.fail(404, "not_found_error", "POST", f"{SA}/svac_01unknown", {"description": "x"})
    api.fail(404, "not_found_error", "GET", f"{SA}/svac_01unknown")
    api.ok("POST", f"{SA}/{account['id']}/archive", {})
    api.fail(400, "invalid_request_error", "POST", f"{SA}/{account['id']}", {"description": "x"})


def test_archive_is_refused_while_a_live_rule_references(api: Api) -> None:
    account = api.account("ci")
    issuer = api.issuer()
    rule = api.rule(issuer["id"], account["id"])
    api.fail(400, "invalid_request_error", "POST", f"{SA}/{account['id']}/archive")
    api.fail(400, "invalid_request_error", "POST", f"{ISSUERS}/{issuer['id']}/archive")
    api.ok("POST", f"{RULES}/{rule['id']}/archive")
    first = api.ok("POST", f"{ISSUERS}/{issuer['id']}/archive")
    assert (
        api.ok("POST", f"{ISSUERS}/{issuer['id']}/archive")["archived_at"] == first["archived_at"]
    )
    api.ok("POST", f"{SA}/{account['id']}/archive")


# ---- pagination -----------------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1"])
def test_limit_out_of_range_is_400(api: Api, limit: str) -> None:
    api.fail(400, "invalid_request_error", "GET", SA, limit=limit)


def test_bad_foreign_and_stale_cursors_are_400(api: Api) -> None:
    accounts = [api.account(f"sa-{index}") for index in range(3)]
    api.issuer("one", "https://issuer.example.com")
    api.issuer("two", "https://issuer2.example.com")
    page = api.ok("GET", SA, limit=1)
    assert page["data"][0]["id"] == accounts[2]["id"]
    issuer_page = api.ok("GET", ISSUERS, limit=1)
    api.fail(400, "invalid_request_error", "GET", SA, page="garbage")
    api.fail(400, "invalid_request_error", "GET", SA, page=issuer_page["next_page"])
    assert api.ok("GET", SA, limit=1, page=page["next_page"])["data"][0]["id"] == accounts[1]["id"]
    api.ok("POST", f"{SA}/{accounts[2]['id']}/archive")
    api.fail(400, "invalid_request_error", "GET", SA, limit=1, page=page["next_page"])


def test_membership_list_puts_implicit_row_first_even_with_limit_1(api: Api) -> None:
    account = api.account("ci")
    api.join(account["id"], "production")
    api.join(account["id"], "staging")
    first = api.ok("GET", f"{SA}/{account['id']}/workspaces", limit=1)
    assert [row["implicit"] for row in first["data"]] == [True, False]
    second = api.ok("GET", f"{SA}/{account['id']}/workspaces", limit=1, page=first["next_page"])
    assert [row["workspace_id"] for row in second["data"]] == [api.workspace("production")]
    assert second["next_page"] is None


# ---- memberships ------------------------------------------------------------------------------


def test_membership_errors(api: Api, emulator: RunningEmulator) -> None:
    account = api.account("ci")
    production = api.workspace("production")
    members = f"{SA}/{account['id']}/workspaces"
    api.fail(
        400,
        "invalid_request_error",
        "POST",
        members,
        {"workspace_id": production, "workspace_role": "workspace_billing"},
    )
    api.fail(
        400,
        "invalid_request_error",
        "POST",
        members,
        {"workspace_id": "wrkspc_01nope", "workspace_role": "workspace_user"},
    )
    side = f"/v1/organizations/workspaces/{production}/service_accounts"
    api.fail(404, "not_found_error", "GET", "/v1/organizations/workspaces/default/service_accounts")
    api.fail(
        404,
        "not_found_error",
        "POST",
        f"{side}/{account['id']}",
        {"workspace_role": "workspace_user"},
    )
    default = api.workspace("Default")
    api.fail(
        404,
        "not_found_error",
        "POST",
        f"/v1/organizations/workspaces/{default}/service_accounts/{account['id']}",
        {"workspace_role": "workspace_admin"},
    )
    api.ok("DELETE", f"{members}/{default}")  # implicit row: 200, stays
    assert api.ok("GET", members)["data"][0]["implicit"] is True
    emulator.store.archive_workspace(api.workspace("staging"))
    staging = next(
        ws["id"]
        for ws in api.ok("GET", "/v1/organizations/workspaces", include_archived="true")["data"]
        if ws["name"] == "staging"
    )
    api.fail(
        400,
        "invalid_request_error",
        "GET",
        f"/v1/organizations/workspaces/{staging}/service_accounts",
    )
    api.fail(400, "invalid_request_error", "DELETE", f"{members}/{staging}")
    api.ok("POST", f"{SA}/{account['id']}/archive")
    api.fail(
        400,
        "invalid_request_error",
        "POST",
        members,
        {"workspace_id": production, "workspace_role": "workspace_user"},
    )
    api.fail(404, "not_found_error", "GET", f"{side}/{account['id']}")
    assert api.ok("GET", members) == {"data": [], "next_page": None}


# ---- issuers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message_start"),
    [
        ({"issuer_url": "http://issuer.example.com"}, "issuer_url: url must use https scheme"),
        ({"issuer_url": "https://issuer.example.com:8443"}, "issuer_url:"),
        ({"issuer_url": "https://10.0.0.1"}, "issuer_url:"),
        ({"issuer_url": "https://[::1]"}, "issuer_url:"),
        ({"issuer_url": "https://localhost"}, "issuer_url:"),
        ({"issuer_url": "https://idp.internal"}, "issuer_url:"),
        ({"jwks": {"type": "explicit_url", "url": "http://keys.example.com"}}, "jwks.url:"),
        (
            {"jwks": {"type": "discovery", "discovery_base": "https://1.2.3.4"}},
            "jwks.discovery_base:",
        ),
        ({"jwks": {"type": "inline", "keys": []}}, "jwks.keys:"),
        ({"jwks": {"type": "inline", "keys": [{}], "url": "x"}}, "jwks.url:"),
        ({"jwks": {"type": "magic"}}, "jwks.type:"),
        ({"jwks": None}, "jwks:"),
        ({"max_jwt_lifetime_seconds": 0}, "max_jwt_lifetime_seconds:"),
        ({"max_jwt_lifetime_seconds": 176401}, "max_jwt_lifetime_seconds:"),
        ({"check_jti": "yes"}, "check_jti:"),
        ({"name": "Git Hub"}, "name:"),
    ],
)
def test_issuer_create_validation(api: Api, fields: dict[str, object], message_start: str) -> None:
    body = {"name": "idp", "issuer_url": "https://issuer.example.com", **fields}
    response = api.fail(400, "invalid_request_error", "POST", ISSUERS, body)
    assert response.json()["error"]["message"].startswith(message_start)


def test_issuer_url_is_only_checked_when_dialled(api: Api) -> None:
    inline = {"type": "inline", "keys": [{"kty": "RSA", "kid": "a", "n": "x", "e": "AQAB"}]}
    api.issuer("internal", "http://10.0.0.5:8080/issuer", jwks=inline)
    api.issuer(
        "based",
        "http://idp.corp",
        jwks={"type": "discovery", "discovery_base": "https://idp.example.com"},
    )
    created = api.issuer(
        "nulls", "https://idp.example.com", check_jti=None, max_jwt_lifetime_seconds=None
    )
    assert (created["check_jti"], created["max_jwt_lifetime_seconds"]) == (True, 3600)


def test_issuer_update_rules(api: Api) -> None:
    issuer = api.issuer("gh")
    api.issuer("other", "https://idp.example.com")
    path = f"{ISSUERS}/{issuer['id']}"
    api.fail(409, "conflict_error", "POST", path, {"name": "other"})
    api.fail(400, "invalid_request_error", "POST", path, {"jwks_polling_disabled": True})
    api.fail(400, "invalid_request_error", "POST", path, {"description": "x"})
    unchanged = api.ok(
        "POST", path, {"issuer_url": None, "check_jti": None, "jwks_polling_disabled": False}
    )
    assert unchanged["issuer_url"] == GITHUB
    api.ok("POST", f"{path}/archive")
    api.fail(400, "invalid_request_error", "POST", path, {"name": "renamed"})


def test_issuer_url_move_to_shared_platform_needs_pinned_rules(api: Api) -> None:
    account = api.account("ci")
    issuer = api.issuer("idp", "https://idp.example.com")
    api.rule(issuer["id"], account["id"], match={"subject_prefix": "repo:*"[:-1] + "x*"})
    api.fail(
        400, "invalid_request_error", "POST", f"{ISSUERS}/{issuer['id']}", {"issuer_url": GITHUB}
    )


# ---- rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"match": {"audience": "https://api.anthropic.com"}},
        {"match": {}},
        {"match": {"subject_prefix": "*"}},
        {"match": {"subject_prefix": ""}},
        {"match": {"claims": {"run_number": 42}}},
        {"match": {"condition": "true"}},
        {"match": {"condition": "(true)"}},
        {"match": {"condition": "!false"}},
        {"match": {"condition": "true || claims.sub == 'x'"}},
        {"match": {"condition": "1 == 1"}},
        {"match": {"condition": "claims.sub =="}},
        {"match": {"condition": "   "}},
        {"match": {"condition": "claims.sub == 'x' " + " " * 4096}},
        {"match": {"subject_prefix": "repo:acme/app", "issuer": "x"}},
        {"token_lifetime_seconds": 59},
        {"token_lifetime_seconds": 86401},
        {"issuer": "fdis_01unknown"},
        {"target": {"type": "service_account", "service_account_id": "svac_01unknown"}},
        {"target": {"type": "user", "service_account_id": "svac_01unknown"}},
        {"workspace_id": None},
        {"workspace_id": "wrkspc_01unknown"},
        {"attributes": {"team": "x"}},
        {"oauth_scope": "workspace:everything"},
        {"oauth_scope": "workspace:inference workspace:inference"},
        {"oauth_scope": ""},
        {"name": "UPPER"},
        {"extra": 1},
    ],
)
def test_rule_create_validation(api: Api, changes: dict[str, object]) -> None:
    account = api.account("ci")
    issuer = api.issuer("idp", "https://idp.example.com")
    body = api.rule_body(issuer["id"], account["id"])
    if "issuer" in changes:
        changes = {"issuer_id": changes.pop("issuer"), **changes}
    body.update(changes)
    api.fail(400, "invalid_request_error", "POST", RULES, body)


def test_rule_scope_limits_and_admin_target(api: Api) -> None:
    developer = api.account("dev")
    admin = api.account("adm", organization_role="admin")
    issuer = api.issuer("idp", "https://idp.example.com")
    api.fail(
        400,
        "invalid_request_error",
        "POST",
        RULES,
        api.rule_body(issuer["id"], developer["id"], oauth_scope="org:admin"),
    )
    api.fail(
        403,
        "permission_error",
        "POST",
        RULES,
        api.rule_body(issuer["id"], admin["id"], oauth_scope="org:admin"),
    )
    api.fail(
        403,
        "permission_error",
        "POST",
        RULES,
        api.rule_body(issuer["id"], developer["id"], oauth_scope="workspace:manage_tunnels"),
    )
    rule = api.rule(
        issuer["id"], developer["id"], oauth_scope="workspace:inference workspace:developer"
    )
    api.fail(
        403,
        "permission_error",
        "POST",
        f"{RULES}/{rule['id']}",
        {"oauth_scope": "workspace:manage_tunnels"},
    )
    api.fail(
        400, "invalid_request_error", "POST", f"{RULES}/{rule['id']}", {"issuer_id": issuer["id"]}
    )


def test_console_rules_are_out_of_reach_of_api_callers(api: Api, emulator: RunningEmulator) -> None:
    admin = api.account("adm", organization_role="admin")
    issuer = api.issuer("bootstrap", "https://idp.example.com")
    console_rule = emulator.store.create_rule(
        Actor.console(), api.rule_body(issuer["id"], admin["id"], oauth_scope="org:admin")
    )
    path = f"{RULES}/{console_rule['id']}"
    api.fail(403, "permission_error", "POST", path, {"description": "x"})
    api.fail(403, "permission_error", "POST", f"{path}/archive")
    api.fail(
        403,
        "permission_error",
        "POST",
        f"{path}/workspaces",
        {"workspace_id": api.workspace("production")},
    )
    api.fail(403, "permission_error", "POST", f"{ISSUERS}/{issuer['id']}", {"check_jti": False})
    api.fail(
        403,
        "permission_error",
        "POST",
        f"{ISSUERS}/{issuer['id']}",
        {"jwks_polling_disabled": False},
    )


def test_shared_issuer_rules_must_pin_the_tenant(api: Api, emulator: RunningEmulator) -> None:
    account = api.account("ci")
    issuer = api.issuer("gh", GITHUB)
    for match in (
        {"subject_prefix": "repo:acme*"},
        {"claims": {"ref": "refs/heads/main"}},
        {"condition": "claims.ref == 'refs/heads/main'"},
    ):
        api.fail(
            400,
            "invalid_request_error",
            "POST",
            RULES,
            api.rule_body(issuer["id"], account["id"], match=match),
        )
    pinned = [
        {"claims": {"repository_owner": "acme"}},
        {"condition": "claims.repository_owner_id == '91234567'"},
        {"subject_prefix": "repo:acme/*"},
    ]
    for index, match in enumerate(pinned):
        api.rule(issuer["id"], account["id"], name=f"pinned-{index}", match=match)
    loose = emulator.store.create_rule(
        Actor.console(),
        api.rule_body(
            issuer["id"], account["id"], name="loose", match={"claims": {"ref": "refs/heads/main"}}
        ),
    )
    path = f"{RULES}/{loose['id']}"
    api.fail(400, "invalid_request_error", "POST", path, {"description": "renamed"})
    fixed = api.ok(
        "POST", path, {"description": "fixed", "match": {"claims": {"repository_owner": "acme"}}}
    )
    assert fixed["match"]["claims"] == {"repository_owner": "acme"}


def test_rule_workspaces_need_no_membership_when_written(api: Api) -> None:
    """Revision 2, §5.8: membership is checked only at exchange, never at create/update/enable."""
    account = api.account("ci")
    other = api.account("other")
    issuer = api.issuer("idp", "https://idp.example.com")
    production = api.workspace("production")
    created = api.ok(
        "POST",
        RULES,
        api.rule_body(issuer["id"], account["id"], name="prod", workspace_id=production),
    )
    assert created["workspace_ids"] == [production]
    rule = api.rule(issuer["id"], account["id"])  # default workspace: implicit member
    path = f"{RULES}/{rule['id']}"
    enabled = api.ok("POST", f"{path}/workspaces", {"workspace_id": production})
    assert enabled["workspace_id"] == production
    again = api.ok("POST", f"{path}/workspaces", {"workspace_id": production})
    assert again["workspace_name"] is None  # idempotent, same shape
    retargeted = api.ok(
        "POST", path, {"target": {"type": "service_account", "service_account_id": other["id"]}}
    )
    assert retargeted["target"]["service_account_id"] == other["id"]
    everywhere = api.rule(
        issuer["id"], other["id"], name="all", workspace_id=None, applies_to_all_workspaces=True
    )
    # Turning "everywhere" off with nothing else enabled would leave it minting nowhere.
    api.fail(
        400,
        "invalid_request_error",
        "POST",
        f"{RULES}/{everywhere['id']}",
        {"applies_to_all_workspaces": False},
    )


def test_removing_the_last_enablement_is_refused(api: Api) -> None:
    """Revision 2, §2.7.3 (strict): a live rule never passes through "enabled nowhere"."""
    account = api.account("ci")
    issuer = api.issuer("idp", "https://idp.example.com")
    production = api.workspace("production")
    staging = api.workspace("staging")
    rule = api.ok(
        "POST", RULES, api.rule_body(issuer["id"], account["id"], workspace_id=production)
    )
    path = f"{RULES}/{rule['id']}/workspaces"
    refused = api.fail(400, "invalid_request_error", "DELETE", f"{path}/{production}")
    assert "last workspace" in refused.json()["error"]["message"]
    api.ok("POST", path, {"workspace_id": staging})
    api.ok("DELETE", f"{path}/{production}")
    assert api.ok("GET", f"{RULES}/{rule['id']}")["workspace_ids"] == [staging]
    api.fail(400, "invalid_request_error", "DELETE", f"{path}/{staging}")
    # With applies_to_all_workspaces on, explicit enablements may all go.
    api.ok("POST", f"{RULES}/{rule['id']}", {"applies_to_all_workspaces": True})
    api.ok("DELETE", f"{path}/{staging}")
    # Idempotent still: a DELETE of what is not enabled changes nothing.
    api.ok("DELETE", f"{path}/{staging}")


def test_rule_update_semantics(api: Api) -> None:
    account = api.account("ci")
    api.join(account["id"], "staging")
    issuer = api.issuer("idp", "https://idp.example.com")
    rule = api.rule(issuer["id"], account["id"], description="first")
    path = f"{RULES}/{rule['id']}"
    moved = api.ok(
        "POST", path, {"workspace_id": api.workspace("staging"), "name": None, "description": None}
    )
    assert moved["workspace_ids"] == [api.workspace("staging")]
    assert (moved["name"], moved["description"]) == ("deploy", "")
    api.rule(issuer["id"], account["id"], name="taken")
    api.fail(409, "conflict_error", "POST", path, {"name": "taken"})
    api.ok("POST", f"{path}/archive")
    api.fail(400, "invalid_request_error", "POST", path, {"description": "x"})
    api.fail(
        400,
        "invalid_request_error",
        "POST",
        f"{path}/workspaces",
        {"workspace_id": api.workspace("staging")},
    )
    api.fail(404, "not_found_error", "GET", f"{RULES}/fdrl_01unknown/workspaces")
    api.fail(
        409,
        "conflict_error",
        "POST",
        RULES,
        api.rule_body(issuer["id"], account["id"], name="deploy"),
    )  # archived name kept


def test_workspace_listing_errors(api: Api) -> None:
    api.fail(400, "invalid_request_error", "GET", "/v1/organizations/workspaces", limit="1001")
    api.fail(
        400,
        "invalid_request_error",
        "GET",
        "/v1/organizations/workspaces",
        after_id="wrkspc_01nope",
    )
    api.fail(404, "not_found_error", "GET", "/v1/organizations/workspaces/wrkspc_01nope")
    listing = api.ok("GET", "/v1/organizations/workspaces", limit="1")
    assert (listing["has_more"], listing["first_id"]) == (True, listing["last_id"])
