"""Typed reads of every Admin API collection fedctl needs, each list followed to its end.

Writes live in `fedctl.api.writes`, which adds the re-read logic for ambiguous outcomes;
both sit on `AdminClient.request`. Paths and envelopes follow docs/admin-api.md §2 and §4.

    accounts = list_service_accounts(client, include_archived=True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from fedctl.api.client import AdminClient, QueryValue
from fedctl.api.credentials import FederationSettings
from fedctl.core.errors import ApiError

# The response models (pydantic: ~30 ms to build) are imported where a reply is parsed,
# after its request has left: a plan's first requests need only the HTTP client.
if TYPE_CHECKING:
    from fedctl.api import wire

ORG = "/v1/organizations"
SERVICE_ACCOUNTS = f"{ORG}/service_accounts"
ISSUERS = f"{ORG}/federation_issuers"
RULES = f"{ORG}/federation_rules"
WORKSPACES = f"{ORG}/workspaces"
PAGE_SIZE = 100  # the largest page the WIF lists allow (§4.1)
STALE_CURSOR_RESTARTS = 3
# Far beyond any real organization (100 items a page: a million items), yet a hostile
# server that never stops giving cursors is cut off in bounded time and memory.
MAX_PAGES = 10_000

Model = TypeVar("Model", bound="wire.WireModel")
# Told the first page's raw items and whether more pages follow, once per list.
FirstPageHook = Callable[[list[Any], bool], None]


def segment(resource_id: str) -> str:
    """One percent-encoded path segment; empty, '.' and '..' are refused as the SDK does."""
    if resource_id in {"", ".", ".."}:
        raise ApiError(message=f"invalid ID {resource_id!r} in a request path")
    return quote(resource_id, safe="")


def paginate(
    client: AdminClient,
    path: str,
    params: dict[str, QueryValue] | None = None,
    *,
    on_first_page: FirstPageHook | None = None,
) -> list[Any]:
    """Every item of an opaque-cursor list: same query, `page=<next_page>` until null.

    A cursor goes stale (400) when its item leaves the listing between two pages, e.g.
    a membership removed or an account archived meanwhile; the contract's recovery is
    to start again from the first page (docs/admin-api.md §2.3, §4.1), a few times at most.
    `on_first_page` hears about the first page as soon as it arrives (only once, even
    when a stale cursor restarts the list), so a caller can start dependent reads early.
    """
    hook = _once(on_first_page)
    for _ in range(STALE_CURSOR_RESTARTS):
        try:
            return _read_all_pages(client, path, params, on_first_page=hook)
        except _StaleCursor:
            continue
    return _read_all_pages(client, path, params, restart=False, on_first_page=hook)


def _once(hook: FirstPageHook | None) -> FirstPageHook | None:
    if hook is None:
        return None
    called = False

    def call_once(items: list[Any], more: bool) -> None:
        nonlocal called
        if not called:
            called = True
            hook(items, more)

    return call_once


class _StaleCursor(Exception):
    """A 400 on a request that carried a page cursor (internal signal)."""


def _read_all_pages(
    client: AdminClient,
    path: str,
    params: dict[str, QueryValue] | None,
    *,
    restart: bool = True,
    on_first_page: FirstPageHook | None = None,
) -> list[Any]:
    query: dict[str, QueryValue] = {**(params or {}), "limit": PAGE_SIZE}
    items: list[Any] = []
    guard = _CursorGuard(path)
    while True:
        try:
            page = client.request("GET", path, params=query)
        except ApiError as exc:
            if restart and exc.status == 400 and "page" in query:
                raise _StaleCursor from exc
            raise
        data = _page_data(page, path)
        items.extend(data)
        cursor = page.get("next_page")
        # An empty page with a cursor does not end the list: both official SDKs keep
        # requesting while `next_page` is set (docs/admin-api.md §4.1).
        more = isinstance(cursor, str) and cursor != ""
        if on_first_page is not None and "page" not in query:
            on_first_page(data, more)
        if not more:
            return items
        guard.check(cursor)
        query["page"] = cursor


class _CursorGuard:
    """Stops a listing whose server repeats a cursor or never stops giving one."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._seen: set[str] = set()

    def check(self, cursor: str) -> None:
        if cursor in self._seen:
            raise ApiError(
                message=(
                    f"the server gave a page cursor it had already given in this listing "
                    f"(after {len(self._seen) + 1} pages); the list would never end"
                ),
                method="GET",
                url_path=self._path,
                hint="the server or a proxy in front of it is misbehaving; nothing was read",
            )
        if len(self._seen) + 1 >= MAX_PAGES:
            raise ApiError(
                message=(
                    f"the listing passed {MAX_PAGES} pages without ending, far beyond any "
                    "real organization; stopping"
                ),
                method="GET",
                url_path=self._path,
                hint="the server or a proxy in front of it is misbehaving; nothing was read",
            )
        self._seen.add(cursor)


def _page_data(page: Any, path: str) -> list[Any]:
    if not isinstance(page, dict) or not isinstance(page.get("data"), list):
        raise ApiError(
            message="the response is not a list page (no data array)",
            method="GET",
            url_path=path,
            hint="the server may speak a newer API version; please report this",
        )
    data: list[Any] = page["data"]
    return data


def parse_reply(client: AdminClient, model: type[Model], data: Any, *, what: str) -> Model:
    """`wire.parse` of the body this thread just received; an error names that call."""
    from fedctl.api import wire

    try:
        return wire.parse(model, data, what=what)
    except ApiError as exc:
        reply = client.last_reply()
        if reply is not None:
            exc.method, exc.url_path, exc.request_id = reply.method, reply.path, reply.request_id
        raise


def _parse_all(model: type[Model], items: list[Any], what: str, path: str) -> list[Model]:
    """Items gathered over several pages: the error names the list (no single request-id)."""
    from fedctl.api import wire

    parsed: list[Model] = []
    for index, item in enumerate(items):
        try:
            parsed.append(wire.parse(model, item, what=what))
        except ApiError as exc:
            exc.method, exc.url_path = "GET", path
            exc.message = f"item {index}: {exc.message}"
            raise
    return parsed


def get_organization(client: AdminClient) -> wire.Organization:
    data = client.request("GET", f"{ORG}/me")
    from fedctl.api import wire

    return parse_reply(client, wire.Organization, data, what="organization")


def list_workspaces(
    client: AdminClient, *, include_default: bool = True, include_archived: bool = False
) -> list[wire.Workspace]:
    """Every workspace, following the ID cursor (`after_id=<last_id>`) while has_more (§4.3)."""
    query: dict[str, QueryValue] = {
        "limit": PAGE_SIZE,
        "include_default": include_default,
        "include_archived": include_archived,
    }
    items = _id_cursor_list(client, WORKSPACES, query)
    from fedctl.api import wire

    return _parse_all(wire.Workspace, items, "workspace", WORKSPACES)


def _id_cursor_list(client: AdminClient, path: str, query: dict[str, QueryValue]) -> list[Any]:
    """An ID-cursor list's items (§4.3): follow `after_id=<last_id>` while has_more.

    As the SDK's ID-cursor page does, a page without a `last_id` (an empty one) ends the
    list. A `last_id` seen before in this listing, or more than MAX_PAGES pages, is a
    misbehaving server: stop with an error rather than page (and grow) forever.
    """
    items: list[Any] = []
    guard = _CursorGuard(path)
    while True:
        page = client.request("GET", path, params=query)
        data = _page_data(page, path)
        items.extend(data)
        last_id = page.get("last_id")
        if page.get("has_more") is not True or not isinstance(last_id, str) or not last_id:
            return items
        guard.check(last_id)
        query = {**query, "after_id": last_id}


def list_service_accounts(
    client: AdminClient,
    *,
    include_archived: bool = False,
    on_first_page: FirstPageHook | None = None,
) -> list[wire.ServiceAccount]:
    items = paginate(
        client,
        SERVICE_ACCOUNTS,
        {"include_archived": include_archived},
        on_first_page=on_first_page,
    )
    from fedctl.api import wire

    return _parse_all(wire.ServiceAccount, items, "service account", SERVICE_ACCOUNTS)


def get_service_account(client: AdminClient, service_account_id: str) -> wire.ServiceAccount:
    data = client.request("GET", f"{SERVICE_ACCOUNTS}/{segment(service_account_id)}")
    from fedctl.api import wire

    return parse_reply(client, wire.ServiceAccount, data, what="service account")


def list_issuers(
    client: AdminClient, *, include_archived: bool = False
) -> list[wire.FederationIssuer]:
    items = paginate(client, ISSUERS, {"include_archived": include_archived})
    from fedctl.api import wire

    return _parse_all(wire.FederationIssuer, items, "issuer", ISSUERS)


def get_issuer(client: AdminClient, issuer_id: str) -> wire.FederationIssuer:
    data = client.request("GET", f"{ISSUERS}/{segment(issuer_id)}")
    from fedctl.api import wire

    return parse_reply(client, wire.FederationIssuer, data, what="issuer")


def list_rules(
    client: AdminClient, *, include_archived: bool = False, issuer_id: str | None = None
) -> list[wire.FederationRule]:
    params: dict[str, QueryValue] = {"include_archived": include_archived}
    if issuer_id is not None:
        params["issuer_id"] = issuer_id
    items = paginate(client, RULES, params)
    from fedctl.api import wire

    return _parse_all(wire.FederationRule, items, "rule", RULES)


def get_rule(client: AdminClient, rule_id: str) -> wire.FederationRule:
    data = client.request("GET", f"{RULES}/{segment(rule_id)}")
    from fedctl.api import wire

    return parse_reply(client, wire.FederationRule, data, what="rule")


def list_rule_workspaces(client: AdminClient, rule_id: str) -> list[wire.FederationRuleWorkspace]:
    """Every explicit enablement in one response: this list is never paginated (§2.7.1)."""
    page = client.request("GET", f"{RULES}/{segment(rule_id)}/workspaces")
    path = f"{RULES}/{rule_id}/workspaces"
    from fedctl.api import wire

    return _parse_all(wire.FederationRuleWorkspace, _page_data(page, path), "rule workspace", path)


def list_service_account_workspaces(
    client: AdminClient, service_account_id: str
) -> list[wire.ServiceAccountWorkspaceMember]:
    """Memberships seen from the service account; the implicit default row comes first."""
    path = f"{SERVICE_ACCOUNTS}/{segment(service_account_id)}/workspaces"
    return _memberships(paginate(client, path), path)


def list_workspace_members(
    client: AdminClient, workspace_id: str
) -> list[wire.ServiceAccountWorkspaceMember]:
    """Memberships seen from an active workspace; never the implicit default row (§2.4)."""
    path = f"{WORKSPACES}/{segment(workspace_id)}/service_accounts"
    return _memberships(paginate(client, path), path)


def _memberships(items: list[Any], path: str) -> list[wire.ServiceAccountWorkspaceMember]:
    from fedctl.api import wire

    return _parse_all(wire.ServiceAccountWorkspaceMember, items, "membership", path)


def get_workspace_member(
    client: AdminClient, workspace_id: str, service_account_id: str
) -> wire.ServiceAccountWorkspaceMember | None:
    """One membership (implicit in the default workspace), or None when there is none."""
    path = f"{WORKSPACES}/{segment(workspace_id)}/service_accounts/{segment(service_account_id)}"
    try:
        data = client.request("GET", path)
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise
    from fedctl.api import wire

    return parse_reply(client, wire.ServiceAccountWorkspaceMember, data, what="membership")


def federated_actor(client: AdminClient, settings: FederationSettings) -> str:
    """The service account a federated credential acts as: the one named, else the rule's."""
    if settings.service_account_id:
        return settings.service_account_id
    return get_rule(client, settings.rule_id).target.service_account_id


API_KEYS = "/v1/organizations/api_keys"


def list_api_keys(client: AdminClient) -> list[wire.ApiKey]:
    """Every API key, following the ID cursor while has_more (§9.1)."""
    items = _id_cursor_list(client, API_KEYS, {"limit": 1000})
    from fedctl.api import wire

    return _parse_all(wire.ApiKey, items, "API key", API_KEYS)
