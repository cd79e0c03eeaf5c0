"""The endpoint catalogue of contract §2.0: one row per endpoint, mapped to a Store call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fedctl.emulator.validation import bad_request, object_body

if TYPE_CHECKING:
    from fedctl.emulator.app import Call, EmulatorContext, EndpointKind, Handler

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


def route_table(context: EmulatorContext) -> list[tuple[str, str, EndpointKind, Handler]]:
    """(method, path, auth kind, handler) for every endpoint, numbered as in §2.0."""
    store = context.store

    def page_args(call: Call) -> dict[str, Any]:
        return {"limit": call.query_limit(), "page": call.query_str("page")}

    def top_list_args(call: Call) -> dict[str, Any]:
        return {
            **page_args(call),
            "include_archived": call.query_bool("include_archived"),
            "stale": call.stale,
        }

    def add_from_account(call: Call) -> dict[str, Any]:
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

    def add_from_workspace(call: Call) -> dict[str, Any]:
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

    def archive_body(call: Call) -> None:
        object_body(call.body, set())  # archive takes no body; {} is the same as empty

    def list_workspaces(call: Call) -> dict[str, Any]:
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

    def list_api_keys(call: Call) -> dict[str, Any]:
        status = call.query_str("status")
        if status is not None and status not in ("active", "inactive", "archived", "expired"):
            raise bad_request("status: one of active, inactive, archived, expired")
        query = {
            name: call.query_str(name)
            for name in ("after_id", "before_id", "status", "workspace_id", "created_by_user_id")
        }
        return context.api_keys.page(query, call.query_limit(high=1000))

    def archive_account(call: Call) -> dict[str, Any]:
        archive_body(call)
        return store.archive_service_account(call.actor, call.path("service_account_id"))

    def archive_issuer(call: Call) -> dict[str, Any]:
        archive_body(call)
        return store.archive_issuer(call.actor, call.path("federation_issuer_id"))

    def archive_rule(call: Call) -> dict[str, Any]:
        archive_body(call)
        return store.archive_rule(call.actor, call.path("federation_rule_id"))

    return [
        ("GET", ORG + "/me", "org", lambda call: store.organization()),
        ("POST", SA, "wif", lambda call: store.create_service_account(call.actor, call.body)),
        ("GET", SA, "wif", lambda call: store.list_service_accounts(**top_list_args(call))),
        (
            "GET",
            SA_ID,
            "wif",
            lambda call: store.get_service_account(
                call.path("service_account_id"), stale=call.stale
            ),
        ),
        (
            "POST",
            SA_ID,
            "wif",
            lambda call: store.update_service_account(
                call.actor, call.path("service_account_id"), call.body
            ),
        ),
        ("POST", SA_ID + "/archive", "wif", archive_account),
        (
            "GET",
            SA_ID + "/workspaces",
            "wif",
            lambda call: store.list_service_account_workspaces(
                call.path("service_account_id"), **page_args(call)
            ),
        ),
        ("POST", SA_ID + "/workspaces", "wif", add_from_account),
        (
            "DELETE",
            SA_ID + "/workspaces/{workspace_id}",
            "wif",
            lambda call: store.remove_membership(
                call.path("service_account_id"), call.path("workspace_id")
            ),
        ),
        (
            "GET",
            WS_ID + "/service_accounts",
            "wif",
            lambda call: store.list_workspace_members(call.path("workspace_id"), **page_args(call)),
        ),
        ("POST", WS_ID + "/service_accounts", "wif", add_from_workspace),
        (
            "GET",
            WS_ID + "/service_accounts/{service_account_id}",
            "wif",
            lambda call: store.get_membership(
                call.path("workspace_id"), call.path("service_account_id")
            ),
        ),
        (
            "POST",
            WS_ID + "/service_accounts/{service_account_id}",
            "wif",
            lambda call: store.update_membership(
                call.path("workspace_id"), call.path("service_account_id"), call.body
            ),
        ),
        (
            "DELETE",
            WS_ID + "/service_accounts/{service_account_id}",
            "wif",
            lambda call: store.remove_membership(
                call.path("service_account_id"), call.path("workspace_id")
            ),
        ),
        ("POST", ISSUERS, "wif", lambda call: store.create_issuer(call.actor, call.body)),
        ("GET", ISSUERS, "wif", lambda call: store.list_issuers(**top_list_args(call))),
        (
            "GET",
            ISSUER_ID,
            "wif",
            lambda call: store.get_issuer(call.path("federation_issuer_id"), stale=call.stale),
        ),
        (
            "POST",
            ISSUER_ID,
            "wif",
            lambda call: store.update_issuer(
                call.actor, call.path("federation_issuer_id"), call.body
            ),
        ),
        ("POST", ISSUER_ID + "/archive", "wif", archive_issuer),
        ("POST", RULES, "wif", lambda call: store.create_rule(call.actor, call.body)),
        (
            "GET",
            RULES,
            "wif",
            lambda call: store.list_rules(
                **top_list_args(call), issuer_id=call.query_str("issuer_id")
            ),
        ),
        (
            "GET",
            RULE_ID,
            "wif",
            lambda call: store.get_rule(call.path("federation_rule_id"), stale=call.stale),
        ),
        (
            "POST",
            RULE_ID,
            "wif",
            lambda call: store.update_rule(call.actor, call.path("federation_rule_id"), call.body),
        ),
        ("POST", RULE_ID + "/archive", "wif", archive_rule),
        # limit and page are accepted and ignored here (§2.7.1).
        (
            "GET",
            RULE_ID + "/workspaces",
            "wif",
            lambda call: store.list_rule_workspaces(call.path("federation_rule_id")),
        ),
        (
            "POST",
            RULE_ID + "/workspaces",
            "wif",
            lambda call: store.add_rule_workspace(
                call.actor, call.path("federation_rule_id"), call.body
            ),
        ),
        (
            "DELETE",
            RULE_ID + "/workspaces/{workspace_id}",
            "wif",
            lambda call: store.remove_rule_workspace(
                call.actor, call.path("federation_rule_id"), call.path("workspace_id")
            ),
        ),
        ("GET", WORKSPACES, "org", list_workspaces),
        ("GET", WS_ID, "org", lambda call: store.get_workspace(call.path("workspace_id"))),
        ("GET", API_KEYS, "keys", list_api_keys),
        (
            "GET",
            API_KEYS + "/{api_key_id}",
            "keys",
            lambda call: context.api_keys.get(call.path("api_key_id")),
        ),
        (
            "POST",
            API_KEYS + "/{api_key_id}",
            "keys",
            lambda call: context.api_keys.update(call.path("api_key_id"), call.body),
        ),
        ("POST", "/v1/oauth/token", "public", lambda call: context.exchange.exchange(call.body)),
    ]
