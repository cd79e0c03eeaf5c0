"""Workspaces (docs/admin-api.md §2.8): read-only through the API; seeding and tests create them.

Also answers the two workspace questions every other kind asks: is this the default
workspace, and may a body name this workspace (it exists and is not archived).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from fedctl.emulator.db import Database, new_id
from fedctl.emulator.validation import bad_request, not_found


class Workspaces:
    """Workspace operations over the shared `Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def ensure_default(self) -> None:
        """Create the organization's default workspace once; call under a write."""
        if self._db.execute("SELECT 1 FROM workspaces WHERE is_default = 1").fetchone() is None:
            self._insert("Default", is_default=True)

    def _insert(self, name: str, *, is_default: bool) -> dict[str, Any]:
        doc = {
            "type": "workspace",
            "id": new_id("wrkspc_"),
            "name": name,
            "display_color": "#6C5BB9",
            "created_at": self._db.now(),
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
            (doc["id"], name, int(is_default), self._db.next_seq("workspaces"), json.dumps(doc)),
        )
        return doc

    def ensure(self, name: str) -> dict[str, Any]:
        """The live workspace with this name, created if missing (idempotent seeding)."""
        with self._db.write():
            row = self._db.execute(
                "SELECT doc FROM workspaces WHERE name = ? AND is_default = 0 ORDER BY seq",
                (name,),
            ).fetchone()
            if row is not None:
                return dict(json.loads(row["doc"]))
            return self._insert(name, is_default=False)

    def named(self, name: str) -> dict[str, Any] | None:
        """The live non-default workspace with this name, or None (never creates one)."""
        with self._db.read():
            row = self._db.execute(
                "SELECT doc FROM workspaces WHERE name = ? AND is_default = 0 ORDER BY seq",
                (name,),
            ).fetchone()
        return None if row is None else dict(json.loads(row["doc"]))

    def find_live(self, workspace_id: str) -> dict[str, Any] | None:
        """The workspace with this ID when it is not archived, else None."""
        with self._db.read():
            doc = self.find(workspace_id)
        return doc if doc is not None and doc["archived_at"] is None else None

    def names(self) -> list[str]:
        """Names of every non-default workspace, in creation order."""
        with self._db.read():
            rows = self._db.execute(
                "SELECT name FROM workspaces WHERE is_default = 0 ORDER BY seq"
            ).fetchall()
        return [str(row[0]) for row in rows]

    def archive(self, workspace_id: str) -> dict[str, Any]:
        """Test and seed hook: workspaces are read-only through the emulated API."""
        with self._db.write():
            doc = self.find(workspace_id)
            if doc is None:
                raise not_found("Workspace")
            if doc["archived_at"] is None and not self.is_default(workspace_id):
                doc["archived_at"] = self._db.now()
                self._db.execute(
                    "UPDATE workspaces SET doc = ? WHERE id = ?", (json.dumps(doc), workspace_id)
                )
            return doc

    def find(self, workspace_id: str) -> dict[str, Any] | None:
        """The workspace, or None; call under a read or write."""
        row = self._db.execute(
            "SELECT doc FROM workspaces WHERE id = ?", (workspace_id,)
        ).fetchone()
        return None if row is None else dict(json.loads(row["doc"]))

    def all(self) -> list[dict[str, Any]]:
        """Every workspace in creation order; call under a read or write."""
        rows = self._db.execute("SELECT doc FROM workspaces ORDER BY seq").fetchall()
        return [dict(json.loads(row["doc"])) for row in rows]

    @property
    def default_id(self) -> str:
        with self._db.read():
            row = self._db.execute("SELECT id FROM workspaces WHERE is_default = 1").fetchone()
            return str(row[0])

    def is_default(self, workspace_id: str) -> bool:
        row = self._db.execute(
            "SELECT is_default FROM workspaces WHERE id = ?", (workspace_id,)
        ).fetchone()
        return row is not None and bool(row[0])

    def get(self, workspace_id: str) -> dict[str, Any]:
        with self._db.read():
            doc = self.find(workspace_id)
        if doc is None:
            raise not_found("Workspace")
        return doc

    def listing(
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
        with self._db.read():
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
        chunk, has_more = _id_page(docs, limit=limit, after_id=after_id, before_id=before_id)
        return {
            "data": chunk,
            "has_more": has_more,
            "first_id": chunk[0]["id"] if chunk else None,
            "last_id": chunk[-1]["id"] if chunk else None,
        }

    def live_for_write(self, workspace_id: str, field: str) -> dict[str, Any]:
        """A body workspace reference: unknown -> 400, archived -> 400 (§8 items 5, 6)."""
        doc = self.find(workspace_id)
        if doc is None:
            raise bad_request(
                f"{field}: workspace {workspace_id} does not exist in this organization"
            )
        if doc["archived_at"] is not None:
            raise bad_request(f"{field}: workspace {workspace_id} is archived")
        return doc

    def for_path(self, workspace_id: str) -> dict[str, Any]:
        """A path workspace: unknown (or `default`) -> 404, archived -> 400 (§5.8, §8 item 30)."""
        doc = self.find(workspace_id)
        if doc is None:
            raise not_found("Workspace")
        if doc["archived_at"] is not None:
            raise bad_request(
                f"Workspace {workspace_id} is archived; its memberships cannot be "
                "read or changed here."
            )
        return doc


def _id_page(
    docs: list[dict[str, Any]], *, limit: int, after_id: str | None, before_id: str | None
) -> tuple[list[dict[str, Any]], bool]:
    positions = {doc["id"]: index for index, doc in enumerate(docs)}
    if after_id is not None:
        if after_id not in positions:
            raise bad_request("after_id: unknown workspace ID for this listing")
        start = positions[after_id] + 1
        return docs[start : start + limit], start + limit < len(docs)
    if before_id is not None:
        if before_id not in positions:
            raise bad_request("before_id: unknown workspace ID for this listing")
        end = positions[before_id]
        return docs[max(0, end - limit) : end], end - limit > 0
    return docs[:limit], limit < len(docs)
