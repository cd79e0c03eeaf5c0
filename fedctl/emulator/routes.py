"""The endpoint catalogue of docs/admin-api.md §2: one row per endpoint, mapped to a Store call.

One table per kind, in the order of docs/admin-api.md §2; `route_table` joins them.
"""

from __future__ import annotations

from typing import Any

from fedctl.emulator.calls import Call, EmulatorContext, EndpointKind, Handler
from fedctl.emulator.store import Store
from fedctl.emulator.validation import bad_request, object_body

ORG = "/v1/organizations"
SA = ORG + "/service_accounts"
SA_ID = SA + "/{service_account_id}"
ISSUERS = ORG + "/federation_issuers"
ISSUER_ID = ISSUERS + "/{federation_issuer_id}"
RULES = ORG + "/federation_rules"
RULE_ID = RULES + "/{federation_rule_id}"
WORKSPACES = ORG + "/workspaces"
WS_ID = WORKSPACES + "/{workspace_id}"
API_KEYS = ORG + "/api_keys"

Route = tuple[str, str, EndpointKind, Handler]


def route_table(context: EmulatorContext) -> list[Route]:
    """(method, path, auth kind, handler) for every endpoint, in the order of §2."""
    store = context.store
    return [
        ("GET", ORG + "/me", "org", lambda call: store.organization()),
        *_account_routes(store),
        *_membership_routes(store),
        *_issuer_routes(store),
        *_rule_routes(store),
        *_workspace_routes(store),
        *_api_key_routes(context),
        ("POST", "/v1/oauth/token", "public", lambda call: context.exchange.exchange(call.body)),
    ]


def _page_args(call: Call) -> dict[str, Any]:
    return {"limit": call.query_limit(), "page": call.query_str("page")}


def _top_list_args(call: Call) -> dict[str, Any]:
    return {
        **_page_args(call),
        "include_archived": call.query_bool("include_archived"),
        "stale": call.stale,
    }


def _archive_body(call: Call) -> None:
    object_body(call.body, set())  # archive takes no body; {} is the same as empty


def _account_routes(store: Store) -> list[Route]:
    def get(call: Call) -> dict[str, Any]:
        return store.get_service_account(call.path("service_account_id"), stale=call.stale)

    def update(call: Call) -> dict[str, Any]:
        return store.update_service_account(call.actor, call.path("service_account_id"), call.body)

    def archive(call: Call) -> dict[str, Any]:
        _archive_body(call)
        return store.archive_service_account(call.actor, call.path("service_account_id"))

    return [
        ("POST", SA, "wif", lambda call: store.create_service_account(call.actor, call.body)),
        ("GET", SA, "wif", lambda call: store.list_service_accounts(**_top_list_args(call))),
        ("GET", SA_ID, "wif", get),
        ("POST", SA_ID, "wif", update),
        ("POST", SA_ID + "/archive", "wif", archive),
    ]


def _membership_routes(store: Store) -> list[Route]:
    """Memberships from the service account's side (§2.3)."""

    def listing(call: Call) -> dict[str, Any]:
        return store.list_service_account_workspaces(
            call.path("service_account_id"), **_page_args(call)
        )

    def add(call: Call) -> dict[str, Any]:
        body = object_body(call.body, {"workspace_id", "workspace_role"})
        workspace_id = body.get("workspace_id")
        if not isinstance(workspace_id, str) or not workspace_id:
            raise bad_request("workspace_id: Field required")
        return store.add_membership(
            call.actor,
            call.path("service_account_id"),
            workspace_id,
            body.get("workspace_role"),
            from_workspace_side=False,
        )

    def remove(call: Call) -> dict[str, Any]:
        return store.remove_membership(call.path("service_account_id"), call.path("workspace_id"))

    return [
        ("GET", SA_ID + "/workspaces", "wif", listing),
        ("POST", SA_ID + "/workspaces", "wif", add),
        ("DELETE", SA_ID + "/workspaces/{workspace_id}", "wif", remove),
        *_workspace_member_routes(store, remove),
    ]


def _workspace_member_routes(store: Store, remove: Handler) -> list[Route]:
    """The same memberships from the workspace's side (§2.4)."""

    def listing(call: Call) -> dict[str, Any]:
        return store.list_workspace_members(call.path("workspace_id"), **_page_args(call))

    def add(call: Call) -> dict[str, Any]:
        body = object_body(call.body, {"service_account_id", "workspace_role"})
        account_id = body.get("service_account_id")
        if not isinstance(account_id, str) or not account_id:
            raise bad_request("service_account_id: Field required")
        return store.add_membership(
            call.actor,
            account_id,
            call.path("workspace_id"),
            body.get("workspace_role"),
            from_workspace_side=True,
        )

    def get(call: Call) -> dict[str, Any]:
        return store.get_membership(call.path("workspace_id"), call.path("service_account_id"))

    def update(call: Call) -> dict[str, Any]:
        return store.update_membership(
            call.path("workspace_id"), call.path("service_account_id"), call.body
        )

    member = WS_ID + "/service_accounts/{service_account_id}"
    return [
        ("GET", WS_ID + "/service_accounts", "wif", listing),
        ("POST", WS_ID + "/service_accounts", "wif", add),
        ("GET", member, "wif", get),
        ("POST", member, "wif", update),
        ("DELETE", member, "wif", remove),
    ]


def _issuer_routes(store: Store) -> list[Route]:
    def get(call: Call) -> dict[str, Any]:
        return store.get_issuer(call.path("federation_issuer_id"), stale=call.stale)

    def update(call: Call) -> dict[str, Any]:
        return store.update_issuer(call.actor, call.path("federation_issuer_id"), call.body)

    def archive(call: Call) -> dict[str, Any]:
        _archive_body(call)
        return store.archive_issuer(call.actor, call.path("federation_issuer_id"))

    return [
        ("POST", ISSUERS, "wif", lambda call: store.create_issuer(call.actor, call.body)),
        ("GET", ISSUERS, "wif", lambda call: store.list_issuers(**_top_list_args(call))),
        ("GET", ISSUER_ID, "wif", get),
        ("POST", ISSUER_ID, "wif", update),
        ("POST", ISSUER_ID + "/archive", "wif", archive),
    ]


def _rule_routes(store: Store) -> list[Route]:
    def listing(call: Call) -> dict[str, Any]:
        return store.list_rules(**_top_list_args(call), issuer_id=call.query_str("issuer_id"))

    def get(call: Call) -> dict[str, Any]:
        return store.get_rule(call.path("federation_rule_id"), stale=call.stale)

    def update(call: Call) -> dict[str, Any]:
        return store.update_rule(call.actor, call.path("federation_rule_id"), call.body)

    def archive(call: Call) -> dict[str, Any]:
        _archive_body(call)
        return store.archive_rule(call.actor, call.path("federation_rule_id"))

    def list_workspaces(call: Call) -> dict[str, Any]:
        # limit and page are accepted and ignored here (§2.7.1).
        return store.list_rule_workspaces(call.path("federation_rule_id"))

    def add_workspace(call: Call) -> dict[str, Any]:
        return store.add_rule_workspace(call.actor, call.path("federation_rule_id"), call.body)

    def remove_workspace(call: Call) -> dict[str, Any]:
        return store.remove_rule_workspace(
            call.actor, call.path("federation_rule_id"), call.path("workspace_id")
        )

    return [
        ("POST", RULES, "wif", lambda call: store.create_rule(call.actor, call.body)),
        ("GET", RULES, "wif", listing),
        ("GET", RULE_ID, "wif", get),
        ("POST", RULE_ID, "wif", update),
        ("POST", RULE_ID + "/archive", "wif", archive),
        ("GET", RULE_ID + "/workspaces", "wif", list_workspaces),
        ("POST", RULE_ID + "/workspaces", "wif", add_workspace),
        ("DELETE", RULE_ID + "/workspaces/{workspace_id}", "wif", remove_workspace),
    ]


def _workspace_routes(store: Store) -> list[Route]:
    def listing(call: Call) -> dict[str, Any]:
        ids = call.request.query_params.getlist("ids[]") or call.request.query_params.getlist("ids")
        if len(ids) > 100:
            raise bad_request("ids: at most 100 workspace IDs")
        return store.list_workspaces(
            limit=call.query_limit(high=1000),
            after_id=call.query_str("after_id"),
            before_id=call.query_str("before_id"),
            ids=ids,
            include_archived=call.query_bool("include_archived"),
            include_default=call.query_bool("include_default"),
        )

    return [
        ("GET", WORKSPACES, "org", listing),
        ("GET", WS_ID, "org", lambda call: store.get_workspace(call.path("workspace_id"))),
    ]


def _api_key_routes(context: EmulatorContext) -> list[Route]:
    def listing(call: Call) -> dict[str, Any]:
        status = call.query_str("status")
        if status is not None and status not in ("active", "inactive", "archived", "expired"):
            raise bad_request("status: one of active, inactive, archived, expired")
        query = {
            name: call.query_str(name)
            for name in ("after_id", "before_id", "status", "workspace_id", "created_by_user_id")
        }
        return context.api_keys.page(query, call.query_limit(high=1000))

    def get(call: Call) -> dict[str, Any]:
        return context.api_keys.get(call.path("api_key_id"))

    def update(call: Call) -> dict[str, Any]:
        return context.api_keys.update(call.path("api_key_id"), call.body)

    return [
        ("GET", API_KEYS, "keys", listing),
        ("GET", API_KEYS + "/{api_key_id}", "keys", get),
        ("POST", API_KEYS + "/{api_key_id}", "keys", update),
    ]
