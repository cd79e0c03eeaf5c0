"""Workspace memberships of service accounts (docs/admin-api.md §2.3, §2.4, §5.8).

Membership rows are addressed from both sides (the account's workspaces, the workspace's
service accounts) and are the same rows.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from fedctl.emulator.accounts import ServiceAccounts
from fedctl.emulator.db import Actor, Database
from fedctl.emulator.paging import item_of, next_cursor, stale_cursor
from fedctl.emulator.paging import page as page_of
from fedctl.emulator.validation import bad_request, check_workspace_role, not_found, object_body
from fedctl.emulator.workspaces import Workspaces

ARCHIVED_ACCOUNT = "This service account is archived; its memberships cannot change."


class Memberships:
    """Membership operations of the emulated API."""

    def __init__(self, db: Database, workspaces: Workspaces, accounts: ServiceAccounts) -> None:
        self._db = db
        self._workspaces = workspaces
        self._accounts = accounts.records
        self._account_body = accounts.for_body

    def rows(
        self, *, service_account_id: str | None = None, workspace_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Explicit memberships, newest first; call under a read or write."""
        query = "SELECT * FROM memberships WHERE 1 = 1"
        params: list[str] = []
        if service_account_id is not None:
            query += " AND service_account_id = ?"
            params.append(service_account_id)
        if workspace_id is not None:
            query += " AND workspace_id = ?"
            params.append(workspace_id)
        rows = self._db.execute(query + " ORDER BY seq DESC", params).fetchall()
        return [_explicit(row) for row in rows]

    def is_member(self, service_account_id: str, workspace_id: str) -> bool:
        with self._db.read():
            return self.holds(service_account_id, workspace_id)

    def holds(self, service_account_id: str, workspace_id: str) -> bool:
        """Whether the account is a member; call under a read or write."""
        if self._workspaces.is_default(workspace_id):
            return True  # every service account is an implicit member of the default one
        return bool(self.rows(service_account_id=service_account_id, workspace_id=workspace_id))

    def list_of_account(
        self, service_account_id: str, *, limit: int, page: str | None
    ) -> dict[str, Any]:
        with self._db.read():
            account = self._accounts.require(service_account_id)
            if account["archived_at"] is not None:
                if page is not None:
                    raise bad_request(
                        "page: this cursor is stale (the service account is "
                        "archived); start again from the first page"
                    )
                return {"data": [], "next_page": None}
            rows = self.rows(service_account_id=service_account_id)
            default_id = self._workspaces.default_id
        data, next_page = page_of(
            f"sa_workspaces:{service_account_id}",
            rows,
            lambda row: str(row["workspace_id"]),
            limit=limit,
            cursor=page,
        )
        if page is None and all(row["workspace_id"] != default_id for row in rows):
            # The implicit row comes first on the first page, on top of `limit` (§2.3).
            implicit = _member(
                service_account_id, default_id, "workspace_user", implicit=True, created_by=None
            )
            data = [implicit, *data]
        return {"data": data, "next_page": next_page}

    def list_of_workspace(
        self, workspace_id: str, *, limit: int, page: str | None
    ) -> dict[str, Any]:
        """The workspace's members whose account is live, newest first (§2.4)."""
        list_key = f"workspace_members:{workspace_id}"
        with self._db.read():
            self._workspaces.for_path(workspace_id)
            after_seq = None if page is None else self._cursor_seq(workspace_id, list_key, page)
            rows = self._live_members(workspace_id, after_seq=after_seq, limit=limit + 1)
        data = [_explicit(row) for row in rows[:limit]]
        more = len(rows) > limit and bool(data)
        next_page = next_cursor(list_key, data[-1]["service_account_id"]) if more else None
        return {"data": data, "next_page": next_page}

    def _cursor_seq(self, workspace_id: str, list_key: str, cursor: str) -> int:
        """Where the cursor's member sits; a member since removed or archived is 400."""
        rows = self._live_members(
            workspace_id, service_account_id=item_of(list_key, cursor), limit=1
        )
        if not rows:
            raise stale_cursor()
        return int(rows[0]["seq"])

    def _live_members(
        self,
        workspace_id: str,
        *,
        limit: int,
        after_seq: int | None = None,
        service_account_id: str | None = None,
    ) -> list[sqlite3.Row]:
        """Membership rows of the workspace whose account is not archived, newest first."""
        query = (
            "SELECT m.* FROM memberships m JOIN resources r ON r.id = m.service_account_id "
            "AND r.kind = 'service_account' WHERE m.workspace_id = ? "
            "AND json_extract(r.doc, '$.archived_at') IS NULL"
        )
        params: list[str | int] = [workspace_id]
        if after_seq is not None:
            query += " AND m.seq < ?"
            params.append(after_seq)
        if service_account_id is not None:
            query += " AND m.service_account_id = ?"
            params.append(service_account_id)
        rows = self._db.execute(query + " ORDER BY m.seq DESC LIMIT ?", [*params, limit])
        return rows.fetchall()

    def get(self, workspace_id: str, service_account_id: str) -> dict[str, Any]:
        with self._db.read():
            self._workspaces.for_path(workspace_id)
            account = self._accounts.find(service_account_id)
            if account is None or account["archived_at"] is not None:
                raise not_found("Service account")
            rows = self.rows(service_account_id=service_account_id, workspace_id=workspace_id)
            if rows:
                return rows[0]
            if self._workspaces.is_default(workspace_id):
                return _member(
                    service_account_id,
                    workspace_id,
                    "workspace_user",
                    implicit=True,
                    created_by=None,
                )
        raise not_found("Workspace membership")

    def add(
        self,
        actor: Actor,
        service_account_id: str,
        workspace_id: str,
        role: Any,
        *,
        from_workspace_side: bool,
    ) -> dict[str, Any]:
        """Upsert an explicit membership (§2.3, §2.4); path IDs 404, body IDs 400."""
        workspace_role = check_workspace_role(role)
        with self._db.write():
            if from_workspace_side:
                self._workspaces.for_path(workspace_id)
                self._account_body(service_account_id, "service_account_id")
            else:
                account = self._accounts.require(service_account_id)
                if account["archived_at"] is not None:
                    raise bad_request(ARCHIVED_ACCOUNT)
                self._workspaces.live_for_write(workspace_id, "workspace_id")
            existing = self.rows(service_account_id=service_account_id, workspace_id=workspace_id)
            if existing:
                self._set_role(service_account_id, workspace_id, workspace_role)
                return {**existing[0], "workspace_role": workspace_role}
            self._db.execute(
                "INSERT INTO memberships VALUES (?, ?, ?, ?, ?)",
                (
                    service_account_id,
                    workspace_id,
                    workspace_role,
                    actor.actor_id,
                    self._db.next_seq("memberships"),
                ),
            )
            return _member(
                service_account_id,
                workspace_id,
                workspace_role,
                implicit=False,
                created_by=actor.actor_id,
            )

    def update(self, workspace_id: str, service_account_id: str, body: Any) -> dict[str, Any]:
        body = object_body(body, {"workspace_role"})
        if "workspace_role" not in body:
            raise bad_request("workspace_role: Field required")
        workspace_role = check_workspace_role(body["workspace_role"])
        with self._db.write():
            self._workspaces.for_path(workspace_id)
            account = self._accounts.require(service_account_id)
            if account["archived_at"] is not None:
                raise bad_request(ARCHIVED_ACCOUNT)
            rows = self.rows(service_account_id=service_account_id, workspace_id=workspace_id)
            if not rows:
                # Implicit or missing memberships cannot be updated (§8 item 24).
                raise not_found("Explicit workspace membership")
            self._set_role(service_account_id, workspace_id, workspace_role)
            return {**rows[0], "workspace_role": workspace_role}

    def _set_role(self, service_account_id: str, workspace_id: str, workspace_role: str) -> None:
        self._db.execute(
            "UPDATE memberships SET workspace_role = ? WHERE service_account_id = ? "
            "AND workspace_id = ?",
            (workspace_role, service_account_id, workspace_id),
        )

    def remove(self, service_account_id: str, workspace_id: str) -> dict[str, Any]:
        """Idempotent; the implicit default membership stays (§2.3)."""
        with self._db.write():
            self._accounts.require(service_account_id)
            self._workspaces.for_path(workspace_id)
            self._db.execute(
                "DELETE FROM memberships WHERE service_account_id = ? AND workspace_id = ?",
                (service_account_id, workspace_id),
            )
        return {
            "type": "service_account_workspace_member_deleted",
            "service_account_id": service_account_id,
            "workspace_id": workspace_id,
        }


def _explicit(row: sqlite3.Row) -> dict[str, Any]:
    return _member(
        row["service_account_id"],
        row["workspace_id"],
        row["workspace_role"],
        implicit=False,
        created_by=row["created_by_actor_id"],
    )


def _member(
    service_account_id: str, workspace_id: str, role: str, *, implicit: bool, created_by: str | None
) -> dict[str, Any]:
    return {
        "type": "service_account_workspace_member",
        "service_account_id": service_account_id,
        "workspace_id": workspace_id,
        "workspace_role": role,
        "implicit": implicit,
        "created_by_actor_id": created_by,
    }
