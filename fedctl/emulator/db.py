"""The emulator's storage core: one SQLite connection, serialized writes, IDs, cursors.

Resource modules (accounts, issuers, rules) build on `StoreCore`; the app never touches
SQL. Each write runs in one transaction under one lock and is committed before the
method returns, so a response is only sent for a durable write and 16 concurrent
clients cannot interleave half-done changes.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import sqlite3
import string
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar

from fedctl.emulator.validation import bad_request, not_found

Item = TypeVar("Item")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspaces(
    id TEXT PRIMARY KEY, name TEXT NOT NULL, is_default INTEGER NOT NULL,
    seq INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS resources(
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL,
    doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS resources_by_name ON resources(kind, name);
-- Lists page newest first; without this every page sorted the whole kind again.
CREATE INDEX IF NOT EXISTS resources_by_age ON resources(kind, created_at, id);
CREATE TABLE IF NOT EXISTS memberships(
    service_account_id TEXT NOT NULL, workspace_id TEXT NOT NULL,
    workspace_role TEXT NOT NULL, created_by_actor_id TEXT, seq INTEGER NOT NULL,
    PRIMARY KEY(service_account_id, workspace_id));
CREATE TABLE IF NOT EXISTS enablements(
    rule_id TEXT NOT NULL, workspace_id TEXT NOT NULL, created_at TEXT NOT NULL,
    created_by_actor_id TEXT, seq INTEGER NOT NULL, PRIMARY KEY(rule_id, workspace_id));
CREATE TABLE IF NOT EXISTS used_jtis(
    issuer_id TEXT NOT NULL, jti TEXT NOT NULL, PRIMARY KEY(issuer_id, jti));
CREATE TABLE IF NOT EXISTS tokens(
    token_hash TEXT PRIMARY KEY, rule_id TEXT NOT NULL, service_account_id TEXT NOT NULL,
    scope TEXT NOT NULL, workspace_id TEXT NOT NULL, expires_at REAL NOT NULL);
"""

BASE62 = string.digits + string.ascii_letters
ResourceKind = Literal["service_account", "federation_issuer", "federation_rule"]


class EmulatorStateError(ValueError):
    """The state file cannot be used (another organization, unreadable)."""


@dataclass(frozen=True)
class Actor:
    """Who makes a change: an interactive user, a federated service account, or the Console.

    `Actor.console()` is the seed loader's identity: it bypasses the OAuth-caller limits,
    exactly as a Console session would.
    """

    actor_id: str
    kind: Literal["user", "service_account", "console"]

    @property
    def is_interactive(self) -> bool:
        return self.kind in ("user", "console")

    @property
    def is_console(self) -> bool:
        return self.kind == "console"

    @classmethod
    def console(cls) -> Actor:
        return cls(CONSOLE_ACTOR_ID, "console")


ADMIN_USER_ID = "user_01LocalEmulatorAdminUser0"
CONSOLE_ACTOR_ID = "user_01LocalEmulatorConsole00"


def new_id(prefix: str) -> str:
    """`<prefix>01` + 22 base-62 characters, the realistic shape (contract §1.6)."""
    return prefix + "01" + "".join(secrets.choice(BASE62) for _ in range(22))


def format_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _as_stored(doc: dict[str, Any]) -> dict[str, Any]:
    return doc


class StoreCore:
    """Connection, transactions, clock, cursors and workspaces; see module docstring."""

    def __init__(self, path: str | None, *, organization_id: str, organization_name: str) -> None:
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(
                path or ":memory:", check_same_thread=False, isolation_level=None
            )
        except sqlite3.Error as exc:  # a folder, a missing parent, no permission
            raise EmulatorStateError(
                f"{path}: cannot open the emulator state file ({exc})"
            ) from None
        self._db.row_factory = sqlite3.Row
        self._last_time = datetime.now(UTC)
        # id -> (rendered version before the latest write, monotonic time of the write);
        # feeds the stale-read fault.
        self._previous: dict[str, tuple[dict[str, Any] | None, float]] = {}
        self.read_lag_seconds = 1.0
        try:
            if path:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise EmulatorStateError(f"{path}: not an emulator state file ({exc})") from None
        with self._write():
            self._init_organization(organization_id, organization_name)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ---- transactions and clock ----------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    def _now(self) -> str:
        """Strictly increasing timestamps, so newest-first order is creation order."""
        moment = datetime.now(UTC)
        if moment <= self._last_time:
            moment = self._last_time + timedelta(microseconds=1)
        self._last_time = moment
        return format_time(moment)

    def _next_seq(self, table: str) -> int:
        row = self._db.execute(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {table}").fetchone()  # noqa: S608
        return int(row[0])

    # ---- organization and workspaces -----------------------------------------------------

    def _init_organization(self, organization_id: str, organization_name: str) -> None:
        stored = self._meta("organization_id")
        if stored is None:
            self._set_meta("organization_id", organization_id)
            self._set_meta("organization_name", organization_name)
        elif stored != organization_id:
            raise EmulatorStateError(
                f"state file belongs to organization {stored}, not {organization_id}; "
                "use another --state file"
            )
        if self._db.execute("SELECT 1 FROM workspaces WHERE is_default = 1").fetchone() is None:
            self._insert_workspace("Default", is_default=True)

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    @property
    def organization_id(self) -> str:
        with self._read():
            return self._meta("organization_id") or ""

    def organization(self) -> dict[str, Any]:
        with self._read():
            return {
                "id": self._meta("organization_id"),
                "name": self._meta("organization_name"),
                "type": "organization",
            }

    def _insert_workspace(self, name: str, *, is_default: bool) -> dict[str, Any]:
        doc = {
            "type": "workspace",
            "id": new_id("wrkspc_"),
            "name": name,
            "display_color": "#6C5BB9",
            "created_at": self._now(),
            "archived_at": None,
            "compartment_id": str(uuid.uuid4()),
            "data_residency": {
                "workspace_geo": "us",
                "allowed_inference_geos": "unrestricted",
                "default_inference_geo": "global",
            },
            "external_key_id": None,
            "tags": {},
            "user_profile_id": None,
        }
        self._db.execute(
            "INSERT INTO workspaces(id, name, is_default, seq, doc) VALUES (?, ?, ?, ?, ?)",
            (doc["id"], name, int(is_default), self._next_seq("workspaces"), json.dumps(doc)),
        )
        return doc

    def ensure_workspace(self, name: str) -> dict[str, Any]:
        """The live workspace with this name, created if missing (idempotent seeding)."""
        with self._write():
            row = self._db.execute(
                "SELECT doc FROM workspaces WHERE name = ? AND is_default = 0 ORDER BY seq",
                (name,),
            ).fetchone()
            if row is not None:
                return dict(json.loads(row["doc"]))
            return self._insert_workspace(name, is_default=False)

    def archive_workspace(self, workspace_id: str) -> dict[str, Any]:
        """Test and seed hook: workspaces are read-only through the emulated API."""
        with self._write():
            doc = self._workspace(workspace_id)
            if doc is None:
                raise not_found("Workspace")
            if doc["archived_at"] is None and not self._is_default_workspace(workspace_id):
                doc["archived_at"] = self._now()
                self._db.execute(
                    "UPDATE workspaces SET doc = ? WHERE id = ?", (json.dumps(doc), workspace_id)
                )
            return doc

    def _workspace(self, workspace_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT doc FROM workspaces WHERE id = ?", (workspace_id,)
        ).fetchone()
        return None if row is None else dict(json.loads(row["doc"]))

    def _all_workspaces(self) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT doc FROM workspaces ORDER BY seq").fetchall()
        return [dict(json.loads(row["doc"])) for row in rows]

    @property
    def default_workspace_id(self) -> str:
        with self._read():
            row = self._db.execute("SELECT id FROM workspaces WHERE is_default = 1").fetchone()
            return str(row[0])

    def _is_default_workspace(self, workspace_id: str) -> bool:
        row = self._db.execute(
            "SELECT is_default FROM workspaces WHERE id = ?", (workspace_id,)
        ).fetchone()
        return row is not None and bool(row[0])

    def get_workspace(self, workspace_id: str) -> dict[str, Any]:
        with self._read():
            doc = self._workspace(workspace_id)
        if doc is None:
            raise not_found("Workspace")
        return doc

    def list_workspaces(
        self,
        *,
        limit: int,
        after_id: str | None,
        before_id: str | None,
        ids: Sequence[str],
        include_archived: bool,
        include_default: bool,
    ) -> dict[str, Any]:
        """ID-cursor envelope (§2.8.1); creation order, oldest first."""
        with self._read():
            rows = self._db.execute(
                "SELECT doc, is_default FROM workspaces ORDER BY seq"
            ).fetchall()
        docs = [
            dict(json.loads(row["doc"]))
            for row in rows
            if (include_default or not row["is_default"])
        ]
        docs = [doc for doc in docs if include_archived or doc["archived_at"] is None]
        if ids:
            wanted = set(ids)
            docs = [doc for doc in docs if doc["id"] in wanted]
        positions = {doc["id"]: index for index, doc in enumerate(docs)}
        if after_id is not None:
            if after_id not in positions:
                raise bad_request("after_id: unknown workspace ID for this listing")
            start = positions[after_id] + 1
            page, has_more = docs[start : start + limit], start + limit < len(docs)
        elif before_id is not None:
            if before_id not in positions:
                raise bad_request("before_id: unknown workspace ID for this listing")
            end = positions[before_id]
            page, has_more = docs[max(0, end - limit) : end], end - limit > 0
        else:
            page, has_more = docs[:limit], limit < len(docs)
        return {
            "data": page,
            "has_more": has_more,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
        }

    def _live_workspace_for_write(self, workspace_id: str, field: str) -> dict[str, Any]:
        """A body workspace reference: unknown -> 400, archived -> 400 (§8.1 items 5, 6)."""
        doc = self._workspace(workspace_id)
        if doc is None:
            raise bad_request(
                f"{field}: workspace {workspace_id} does not exist in this organization"
            )
        if doc["archived_at"] is not None:
            raise bad_request(f"{field}: workspace {workspace_id} is archived")
        return doc

    # ---- generic resources ---------------------------------------------------------------

    def _resource(self, kind: ResourceKind, resource_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT doc FROM resources WHERE id = ? AND kind = ?", (resource_id, kind)
        ).fetchone()
        return None if row is None else dict(json.loads(row["doc"]))

    def _resources(self, kind: ResourceKind) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT doc FROM resources WHERE kind = ? ORDER BY created_at DESC, id DESC", (kind,)
        ).fetchall()
        return [dict(json.loads(row["doc"])) for row in rows]

    def _name_taken(self, kind: ResourceKind, name: str, *, except_id: str | None = None) -> bool:
        # Archived resources keep their names reserved (strict choice, §8.1 item 4).
        row = self._db.execute(
            "SELECT id FROM resources WHERE kind = ? AND name = ? AND id != ?",
            (kind, name, except_id or ""),
        ).fetchone()
        return row is not None

    def _save(self, kind: ResourceKind, doc: dict[str, Any], *, new: bool) -> None:
        if new:
            self._db.execute(
                "INSERT INTO resources(id, kind, name, created_at, doc) VALUES (?, ?, ?, ?, ?)",
                (doc["id"], kind, doc["name"], doc["created_at"], json.dumps(doc)),
            )
        else:
            self._db.execute(
                "UPDATE resources SET name = ?, doc = ? WHERE id = ?",
                (doc["name"], json.dumps(doc), doc["id"]),
            )

    def _require(self, kind: ResourceKind, resource_id: str, label: str) -> dict[str, Any]:
        """A path reference: unknown -> 404 naming `label`; call under a lock."""
        doc = self._resource(kind, resource_id)
        if doc is None:
            raise not_found(label)
        return doc

    def _get(
        self,
        kind: ResourceKind,
        resource_id: str,
        label: str,
        *,
        stale: bool,
        render: Callable[[dict[str, Any]], dict[str, Any]] = _as_stored,
    ) -> dict[str, Any]:
        """One resource as `render` shows it, or its previous version on a stale read."""
        with self._read():
            doc = self._resource(kind, resource_id)
            rendered = None if doc is None else render(doc)
            if rendered is not None and stale:
                lagging, previous = self._stale_version(resource_id)
                rendered = previous if lagging else rendered
        if rendered is None:
            raise not_found(label)
        return rendered

    def _list(
        self,
        kind: ResourceKind,
        list_key: str,
        *,
        limit: int,
        page: str | None,
        include_archived: bool,
        stale: bool,
        issuer_id: str | None = None,
        render: Callable[[dict[str, Any]], dict[str, Any]] = _as_stored,
    ) -> dict[str, Any]:
        """One page of a resource list, each document as `render` shows it."""
        if not stale:
            # Only the page is rendered (a rule costs three lookups), not the whole list.
            with self._read():
                raw, next_page = self._fresh_page(
                    kind,
                    list_key,
                    limit=limit,
                    page=page,
                    include_archived=include_archived,
                    issuer_id=issuer_id,
                )
                data = [render(doc) for doc in raw]
            return {"data": data, "next_page": next_page}
        with self._read():
            docs = [render(doc) for doc in self._resources(kind)]
            docs = self._maybe_stale(docs, stale=stale)
        docs = [
            doc
            for doc in docs
            if (include_archived or doc["archived_at"] is None)
            and (issuer_id is None or doc["issuer_id"] == issuer_id)
        ]
        data, next_page = self._page(
            list_key, docs, lambda doc: str(doc["id"]), limit=limit, page=page
        )
        return {"data": data, "next_page": next_page}

    # ---- stale reads ---------------------------------------------------------------------

    def _remember(self, resource_id: str, rendered_before: dict[str, Any] | None) -> None:
        self._previous[resource_id] = (rendered_before, time.monotonic())

    def _stale_version(self, resource_id: str) -> tuple[bool, dict[str, Any] | None]:
        """(True, previous) when a write to this resource is younger than the read lag."""
        entry = self._previous.get(resource_id)
        if entry is None or time.monotonic() - entry[1] >= self.read_lag_seconds:
            return False, None
        return True, entry[0]

    def _maybe_stale(self, docs: list[dict[str, Any]], *, stale: bool) -> list[dict[str, Any]]:
        if not stale:
            return docs
        result = []
        for doc in docs:
            lagging, previous = self._stale_version(doc["id"])
            if not lagging:
                result.append(doc)
            elif previous is not None:
                result.append(previous)
        return result

    # ---- cursor pagination ---------------------------------------------------------------

    def _fresh_page(
        self,
        kind: ResourceKind,
        list_key: str,
        *,
        limit: int,
        page: str | None,
        include_archived: bool,
        issuer_id: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a resource list (no stale read), newest first; call under _read().

        Same order, filters and cursors as `_page` over `_resources(kind)`, but only the
        page's documents are parsed: at 5,000 resources parsing every document for every
        page made listing quadratic (a plan's reads cost the emulator ~4 s of CPU).
        """
        query = "SELECT id FROM resources WHERE kind = ?"
        params: list[str] = [kind]
        if not include_archived:
            query += " AND json_extract(doc, '$.archived_at') IS NULL"
        if issuer_id is not None:
            query += " AND json_extract(doc, '$.issuer_id') = ?"
            params.append(issuer_id)
        rows = self._db.execute(query + " ORDER BY created_at DESC, id DESC", params).fetchall()
        ids, next_page = self._page(
            list_key, [str(row["id"]) for row in rows], str, limit=limit, page=page
        )
        marks = ", ".join("?" * len(ids))
        found = self._db.execute(
            f"SELECT id, doc FROM resources WHERE id IN ({marks})",  # noqa: S608 - only "?"s
            ids,
        ).fetchall()
        docs = {str(row["id"]): row["doc"] for row in found}
        return [dict(json.loads(docs[resource_id])) for resource_id in ids], next_page

    def _active_service_account_ids(self) -> set[str]:
        rows = self._db.execute(
            "SELECT id FROM resources WHERE kind = 'service_account' "
            "AND json_extract(doc, '$.archived_at') IS NULL"
        ).fetchall()
        return {str(row["id"]) for row in rows}

    @staticmethod
    def _page(
        list_key: str,
        items: list[Item],
        key: Callable[[Item], str],
        *,
        limit: int,
        page: str | None,
    ) -> tuple[list[Item], str | None]:
        """Opaque-cursor paging (§4.1): the cursor names the last item served.

        A cursor from another list, or whose item left the list, is refused with 400.
        """
        start = 0
        if page is not None:
            cursor_list, cursor_item = _decode_cursor(page)
            if cursor_list != list_key:
                raise bad_request(
                    "page: this cursor belongs to another listing; start again from the first page"
                )
            keys = [key(item) for item in items]
            if cursor_item not in keys:
                raise bad_request(
                    "page: this cursor is stale (its entry is gone); start again "
                    "from the first page"
                )
            start = keys.index(cursor_item) + 1
        chunk = items[start : start + limit]
        more = start + limit < len(items)
        next_page = _encode_cursor(list_key, key(chunk[-1])) if more and chunk else None
        return chunk, next_page


def _encode_cursor(list_key: str, item_key: str) -> str:
    raw = json.dumps([list_key, item_key]).encode()
    return "page_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(page: str) -> tuple[str, str]:
    try:
        if not page.startswith("page_"):
            raise ValueError(page)
        body = page[len("page_") :]
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        list_key, item_key = json.loads(raw)
        return str(list_key), str(item_key)
    except (ValueError, TypeError, binascii.Error):
        raise bad_request("page: not a cursor returned by this listing") from None
