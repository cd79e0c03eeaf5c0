"""The emulator's database: one SQLite connection, serialized writes, the clock, the meta table.

The per-kind stores (workspaces.py, accounts.py, memberships.py, issuers.py, rules.py,
tokens.py) each hold the one `Database`; the app never touches SQL. Each write runs in
one transaction under one lock and is committed before the method returns, so a
response is only sent for a durable write and 16 concurrent clients cannot interleave
half-done changes.
"""

from __future__ import annotations

import secrets
import sqlite3
import string
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

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
-- A workspace's member list pages by workspace; the primary key leads with the account.
CREATE INDEX IF NOT EXISTS memberships_by_workspace ON memberships(workspace_id, seq);
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
    """`<prefix>01` + 22 base-62 characters, the realistic shape (docs/admin-api.md §1.6)."""
    return prefix + "01" + "".join(secrets.choice(BASE62) for _ in range(22))


def format_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Database:
    """Connection, transactions, clock, organization meta and the stale-read memory."""

    def __init__(self, path: str | None) -> None:
        self._lock = threading.RLock()
        try:
            self.connection = sqlite3.connect(
                path or ":memory:", check_same_thread=False, isolation_level=None
            )
        except sqlite3.Error as exc:  # a folder, a missing parent, no permission
            raise EmulatorStateError(
                f"{path}: cannot open the emulator state file ({exc})"
            ) from None
        self.connection.row_factory = sqlite3.Row
        self._last_time = datetime.now(UTC)
        # id -> (rendered version before the latest write, monotonic time of the write);
        # feeds the stale-read fault.
        self._previous: dict[str, tuple[dict[str, Any] | None, float]] = {}
        self.read_lag_seconds = 1.0
        try:
            if path:
                self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise EmulatorStateError(f"{path}: not an emulator state file ({exc})") from None

    def close(self) -> None:
        with self._lock:
            self.connection.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self.connection

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        """One statement on the connection; call inside `read()` or `write()`."""
        return self.connection.execute(sql, params)

    def now(self) -> str:
        """Strictly increasing timestamps, so newest-first order is creation order."""
        moment = datetime.now(UTC)
        if moment <= self._last_time:
            moment = self._last_time + timedelta(microseconds=1)
        self._last_time = moment
        return format_time(moment)

    def next_seq(self, table: str) -> int:
        row = self.execute(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {table}").fetchone()  # noqa: S608
        return int(row[0])

    # ---- organization meta ---------------------------------------------------------------

    def claim_organization(self, organization_id: str, organization_name: str) -> None:
        """Record the organization on a new file; refuse a file of another one."""
        stored = self.meta("organization_id")
        if stored is None:
            self._set_meta("organization_id", organization_id)
            self._set_meta("organization_name", organization_name)
        elif stored != organization_id:
            raise EmulatorStateError(
                f"state file belongs to organization {stored}, not {organization_id}; "
                "use another --state file"
            )

    def meta(self, key: str) -> str | None:
        row = self.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # ---- stale reads ---------------------------------------------------------------------

    def remember(self, resource_id: str, rendered_before: dict[str, Any] | None) -> None:
        self._previous[resource_id] = (rendered_before, time.monotonic())

    def stale_version(self, resource_id: str) -> tuple[bool, dict[str, Any] | None]:
        """(True, previous) when a write to this resource is younger than the read lag."""
        entry = self._previous.get(resource_id)
        if entry is None or time.monotonic() - entry[1] >= self.read_lag_seconds:
            return False, None
        return True, entry[0]

    def maybe_stale(self, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each document, or what a lagging replica still shows of it."""
        result = []
        for doc in docs:
            lagging, previous = self.stale_version(doc["id"])
            if not lagging:
                result.append(doc)
            elif previous is not None:
                result.append(previous)
        return result
