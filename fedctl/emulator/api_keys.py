"""The API-key endpoints (docs/admin-api.md §9): list, get, update name and status.

There is no create and no delete, so the keys come from a fixture (`--api-keys FILE`): a
JSON list of APIKey objects in the wire shape, where a missing `id`, `created_at` or
`partial_key_hint` is generated, and `workspace: NAME` / `principal_service_account: NAME`
may stand for the scope and principal. Strict choices where §9.3 is open:

- the list is an ID-cursor list, oldest first (like workspaces); `limit` 1-1000;
- an archived key refuses every change (400), renaming included; an expired key refuses
  `status: active` (400); `expired` can never be sent;
- a key whose `expires_at` has passed reads as `expired`;
- with `--org-api-key-limit N` / `--workspace-api-key-limit N`, making a key active
  when N keys are already active in the organization / in its workspace is refused with
  400 and `error.details.error_code` `org_api_key_limit_exceeded` /
  `workspace_api_key_limit_exceeded` (§9.3; the real limits are not public);
- who may call: the admin bearer token, a minted org:admin token and the emulator's
  Admin API key (`x-api-key` or bearer); with `--api-keys-bearer refuse`, bearer tokens
  are 401 here and only the Admin API key is accepted.
"""

from __future__ import annotations

import json
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fedctl.emulator.db import BASE62, format_time, new_id
from fedctl.emulator.store import Store
from fedctl.emulator.validation import ApiFailure, bad_request, not_found

STATUSES = ("active", "inactive", "archived", "expired")
SETTABLE = ("active", "inactive", "archived")


class ApiKeys:
    """The organization's API keys, in memory, oldest first."""

    def __init__(
        self,
        keys: list[dict[str, Any]] | None = None,
        *,
        org_limit: int | None = None,
        workspace_limit: int | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._keys: list[dict[str, Any]] = list(keys or [])
        self.org_limit = org_limit
        self.workspace_limit = workspace_limit

    def page(self, query: dict[str, str | None], limit: int) -> dict[str, Any]:
        with self._lock:
            rows = [self._read(key) for key in self._keys]
        rows = [row for row in rows if _wanted(row, query)]
        start, end = 0, len(rows)
        ids = [row["id"] for row in rows]
        if query.get("after_id"):
            start = _position(ids, query["after_id"]) + 1
        if query.get("before_id"):
            end = _position(ids, query["before_id"])
        page = rows[start:end][:limit]
        return {
            "data": page,
            "has_more": start + len(page) < end,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
        }

    def get(self, key_id: str) -> dict[str, Any]:
        with self._lock:
            return self._read(self._find(key_id))

    def update(self, key_id: str, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or set(body) - {"name", "status"}:
            raise bad_request("body: only name and status can be updated")
        with self._lock:
            key = self._find(key_id)
            current = self._read(key)["status"]
            name, status = body.get("name"), body.get("status")
            _check_update(current, name, status)
            if status == "active" and current != "active":
                self._check_limits(key)
            if name is not None:
                key["name"] = name
            if status is not None:
                key["status"] = status
            return self._read(key)

    def _check_limits(self, key: dict[str, Any]) -> None:
        """Refuse an activation past a configured limit, as §9's error codes say."""
        active = [other for other in self._keys if self._read(other)["status"] == "active"]
        if self.org_limit is not None and len(active) >= self.org_limit:
            raise _limit_error(
                "org_api_key_limit_exceeded",
                f"The organization already has {len(active)} active API keys "
                f"(limit {self.org_limit}).",
            )
        workspace = _workspace_of(key)
        in_workspace = [other for other in active if _workspace_of(other) == workspace]
        if self.workspace_limit is not None and len(in_workspace) >= self.workspace_limit:
            raise _limit_error(
                "workspace_api_key_limit_exceeded",
                f"This workspace already has {len(in_workspace)} active API keys "
                f"(limit {self.workspace_limit}).",
            )

    def _find(self, key_id: str) -> dict[str, Any]:
        for key in self._keys:
            if key["id"] == key_id:
                return key
        raise not_found("API key")

    @staticmethod
    def _read(key: dict[str, Any]) -> dict[str, Any]:
        shown = dict(key)
        expires = shown.get("expires_at")
        if shown["status"] == "active" and expires and _parse(expires) <= datetime.now(UTC):
            shown["status"] = "expired"
        return shown


def _workspace_of(key: dict[str, Any]) -> str | None:
    scope = key.get("scope") or {}
    return scope.get("workspace_id") if isinstance(scope, dict) else None


def _limit_error(code: str, message: str) -> ApiFailure:
    return ApiFailure(400, "invalid_request_error", message, details={"error_code": code})


def _check_update(current: str, name: object, status: object) -> None:
    if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= 500):
        raise bad_request("name: a string of 1 to 500 characters")
    if status is not None and status not in SETTABLE:
        raise bad_request(f"status: one of {', '.join(SETTABLE)} (expired is set by the server)")
    if current == "archived":
        raise bad_request("This API key is archived; it can no longer change.")
    if current == "expired" and status == "active":
        raise bad_request("This API key has expired; it cannot be activated again.")


def _wanted(row: dict[str, Any], query: dict[str, str | None]) -> bool:
    status, workspace, creator = (
        query.get("status"),
        query.get("workspace_id"),
        query.get("created_by_user_id"),
    )
    if status is not None and row["status"] != status:
        return False
    if workspace is not None and (row.get("scope") or {}).get("workspace_id") != workspace:
        return False
    created_by = row.get("created_by") or {}
    return creator is None or (created_by.get("type") == "user" and created_by.get("id") == creator)


def _position(ids: list[str], key_id: str | None) -> int:
    if key_id not in ids:
        raise bad_request("after_id/before_id: no API key with that ID in this listing")
    return ids.index(key_id)


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def load_api_keys(
    path: str,
    store: Store,
    *,
    org_limit: int | None = None,
    workspace_limit: int | None = None,
) -> ApiKeys:
    """The fixture at `path`, names resolved against the store; ValueError when malformed."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"{path}: not a readable JSON list of API keys ({exc})") from None
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ValueError(f"{path}: expected a JSON list of APIKey objects")
    keys = [_complete(dict(item), store, path) for item in raw]
    return ApiKeys(keys, org_limit=org_limit, workspace_limit=workspace_limit)


def _complete(key: dict[str, Any], store: Store, path: str) -> dict[str, Any]:
    if not isinstance(key.get("name"), str) or key.get("status") not in STATUSES:
        raise ValueError(f"{path}: every key needs a name and a status ({', '.join(STATUSES)})")
    key.setdefault("id", new_id("apikey_"))
    key["type"] = "api_key"
    key.setdefault("created_at", format_time(datetime.now(UTC)))
    key.setdefault("created_by", None)
    key.setdefault("expires_at", None)
    key.setdefault("partial_key_hint", _hint())
    key.setdefault("principal", None)
    workspace = key.pop("workspace", None)
    if workspace is not None:
        key["scope"] = {"type": "workspace", "workspace_id": _workspace_id(store, workspace, path)}
    key.setdefault("scope", {"type": "workspace", "workspace_id": store.default_workspace_id})
    account = key.pop("principal_service_account", None)
    if account is not None:
        key["principal"] = {
            "type": "service_account_actor",
            "service_account_id": _account_id(store, account, path),
        }
    return key


def _workspace_id(store: Store, name: object, path: str) -> str:
    """An existing workspace's ID; a fixture never creates one (a typo would go unseen).

    `default` (any case) and the default workspace's ID mean the organization's default
    workspace, never a second workspace named "default".
    """
    default_id = store.default_workspace_id
    if not isinstance(name, str):
        raise ValueError(f"{path}: workspace must be a workspace name, got {name!r}")
    if name.lower() == "default" or name == default_id:
        return default_id
    found = store.workspaces.named(name)
    if found is None and name.startswith("wrkspc_"):
        found = store.workspaces.find_live(name)
    if found is None:
        known = ", ".join(["default", *store.workspaces.names()])
        raise ValueError(
            f"{path}: workspace {name!r} does not exist in the emulator (known: {known}); "
            "create it with --workspace NAME or in the --seed file"
        )
    return str(found["id"])


def _account_id(store: Store, name: str, path: str) -> str:
    """The ID of the service account with this name, looked up across every page."""
    cursor: str | None = None
    while True:
        listing = store.list_service_accounts(include_archived=True, limit=100, page=cursor)
        for account in listing["data"]:
            if account["name"] == name:
                return str(account["id"])
        cursor = listing["next_page"]
        if cursor is None:
            break
    raise ValueError(
        f"{path}: principal_service_account {name!r} is not a service account of the "
        "emulator (create it in the --seed file)"
    )


def _hint() -> str:
    head = "".join(secrets.choice(BASE62) for _ in range(3))
    tail = "".join(secrets.choice(BASE62) for _ in range(4))
    return f"sk-ant-api03-{head}...{tail}"
