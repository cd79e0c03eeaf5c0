"""Service accounts and their workspace memberships (contract §2.2-§2.4, §5.8-§5.10).

Takes decoded request bodies, enforces every documented rule, and returns response
dicts. Membership rows are addressed from both sides and are the same rows.
"""

from __future__ import annotations

from typing import Any

from fedctl.emulator.db import Actor, StoreCore, new_id
from fedctl.emulator.validation import (
    bad_request,
    check_description,
    check_name,
    check_workspace_role,
    conflict,
    forbidden,
    not_found,
    object_body,
    string_field,
)

ORGANIZATION_ROLES = ("admin", "developer")
ADMIN_ROLE_REFUSAL = (
    "organization_role: only an interactive (user or Console) credential may create a "
    "service account with, or send, organization_role 'admin'; federated tokens cannot"
)


class ServiceAccountStore(StoreCore):
    """Service-account and membership operations of the emulated API."""

    # ---- service accounts ----------------------------------------------------------------

    def create_service_account(self, actor: Actor, body: Any) -> dict[str, Any]:
        body = object_body(body, {"name", "description", "organization_role"})
        name = check_name(string_field(body, "name", required=True) or "")
        description = check_description(string_field(body, "description", nullable=True))
        role = body.get("organization_role", "developer")
        if role not in ORGANIZATION_ROLES:
            raise bad_request("organization_role: must be 'admin' or 'developer'")
        if role == "admin" and not actor.is_interactive:
            raise forbidden(ADMIN_ROLE_REFUSAL)
        with self._write():
            if self._name_taken("service_account", name):
                raise conflict(
                    f"A service account named {name!r} already exists "
                    "(archived service accounts keep their names)."
                )
            now = self._now()
            doc = {
                "type": "service_account",
                "id": new_id("svac_"),
                "name": name,
                "description": description,
                "organization_role": role,
                "created_at": now,
                "created_by_actor_id": actor.actor_id,
                "updated_at": now,
                "updated_by_actor_id": actor.actor_id,
                "archived_at": None,
                "archived_by_actor_id": None,
            }
            self._save("service_account", doc, new=True)
            self._remember(doc["id"], None)
            return doc

    def get_service_account(
        self, service_account_id: str, *, stale: bool = False
    ) -> dict[str, Any]:
        return self._get("service_account", service_account_id, "Service account", stale=stale)

    def list_service_accounts(
        self, *, limit: int, page: str | None, include_archived: bool, stale: bool = False
    ) -> dict[str, Any]:
        return self._list(
            "service_account",
            f"service_accounts:{include_archived}",
            limit=limit,
            page=page,
            include_archived=include_archived,
            stale=stale,
        )

    def update_service_account(
        self, actor: Actor, service_account_id: str, body: Any
    ) -> dict[str, Any]:
        body = object_body(body, {"description", "organization_role"})
        with self._write():
            doc = self._require_service_account(service_account_id)
            before = dict(doc)
            if "description" in body:
                value = string_field(body, "description", nullable=True)
                doc["description"] = check_description(value) if value is not None else ""
            role = body.get("organization_role")
            if role is not None:
                if role not in ORGANIZATION_ROLES:
                    raise bad_request("organization_role: must be 'admin' or 'developer'")
                # Sending "admin" needs an interactive credential even when unchanged (§2.2.4).
                if role == "admin" and not actor.is_interactive:
                    raise forbidden(ADMIN_ROLE_REFUSAL)
                doc["organization_role"] = role
            if doc["archived_at"] is not None:
                raise bad_request("This service account is archived and cannot be updated.")
            doc["updated_at"], doc["updated_by_actor_id"] = self._now(), actor.actor_id
            self._save("service_account", doc, new=False)
            self._remember(service_account_id, before)
            return doc

    def archive_service_account(self, actor: Actor, service_account_id: str) -> dict[str, Any]:
        with self._write():
            doc = self._require_service_account(service_account_id)
            if doc["archived_at"] is not None:
                return doc
            blocking = [
                rule["name"]
                for rule in self._resources("federation_rule")
                if rule["archived_at"] is None
                and rule["target"]["service_account_id"] == service_account_id
            ]
            if blocking:
                raise bad_request(
                    "Cannot archive a service account targeted by live federation rules "
                    f"({', '.join(sorted(blocking))}); archive or retarget them first."
                )
            before = dict(doc)
            doc["archived_at"], doc["archived_by_actor_id"] = self._now(), actor.actor_id
            self._save("service_account", doc, new=False)
            self._remember(service_account_id, before)
            return doc

    def _require_service_account(self, service_account_id: str) -> dict[str, Any]:
        return self._require("service_account", service_account_id, "Service account")

    def _body_service_account(self, service_account_id: str, field: str) -> dict[str, Any]:
        """A body reference: unknown -> 400, archived -> 400 (§8.1 items 5, 6)."""
        doc = self._resource("service_account", service_account_id)
        if doc is None:
            raise bad_request(
                f"{field}: service account {service_account_id} does not exist in this organization"
            )
        if doc["archived_at"] is not None:
            raise bad_request(f"{field}: service account {service_account_id} is archived")
        return doc

    # ---- memberships ---------------------------------------------------------------------

    def _membership_rows(
        self, *, service_account_id: str | None = None, workspace_id: str | None = None
    ) -> list[dict[str, Any]]:
        query = "SELECT * FROM memberships WHERE 1 = 1"
        params: list[str] = []
        if service_account_id is not None:
            query += " AND service_account_id = ?"
            params.append(service_account_id)
        if workspace_id is not None:
            query += " AND workspace_id = ?"
            params.append(workspace_id)
        rows = self._db.execute(query + " ORDER BY seq DESC", params).fetchall()
        return [
            _member(
                row["service_account_id"],
                row["workspace_id"],
                row["workspace_role"],
                implicit=False,
                created_by=row["created_by_actor_id"],
            )
            for row in rows
        ]

    def _is_member(self, service_account_id: str, workspace_id: str) -> bool:
        if self._is_default_workspace(workspace_id):
            return True  # every service account is an implicit member of the default one
        return bool(
            self._membership_rows(service_account_id=service_account_id, workspace_id=workspace_id)
        )

    def list_service_account_workspaces(
        self, service_account_id: str, *, limit: int, page: str | None
    ) -> dict[str, Any]:
        with self._read():
            account = self._require_service_account(service_account_id)
            if account["archived_at"] is not None:
                if page is not None:
                    raise bad_request(
                        "page: this cursor is stale (the service account is "
                        "archived); start again from the first page"
                    )
                return {"data": [], "next_page": None}
            rows = self._membership_rows(service_account_id=service_account_id)
            default_id = self.default_workspace_id
        data, next_page = self._page(
            f"sa_workspaces:{service_account_id}",
            rows,
            lambda row: str(row["workspace_id"]),
            limit=limit,
            page=page,
        )
        if page is None and all(row["workspace_id"] != default_id for row in rows):
            # The implicit row comes first on the first page, on top of `limit` (§2.3.1).
            data = [
                _member(
                    service_account_id, default_id, "workspace_user", implicit=True, created_by=None
                ),
                *data,
            ]
        return {"data": data, "next_page": next_page}

    def list_workspace_members(
        self, workspace_id: str, *, limit: int, page: str | None
    ) -> dict[str, Any]:
        with self._read():
            self._path_workspace(workspace_id)
            live = self._active_service_account_ids()
            rows = [
                row
                for row in self._membership_rows(workspace_id=workspace_id)
                if row["service_account_id"] in live
            ]
        data, next_page = self._page(
            f"workspace_members:{workspace_id}",
            rows,
            lambda row: str(row["service_account_id"]),
            limit=limit,
            page=page,
        )
        return {"data": data, "next_page": next_page}

    def get_membership(self, workspace_id: str, service_account_id: str) -> dict[str, Any]:
        with self._read():
            self._path_workspace(workspace_id)
            account = self._resource("service_account", service_account_id)
            if account is None or account["archived_at"] is not None:
                raise not_found("Service account")
            rows = self._membership_rows(
                service_account_id=service_account_id, workspace_id=workspace_id
            )
            if rows:
                return rows[0]
            if self._is_default_workspace(workspace_id):
                return _member(
                    service_account_id,
                    workspace_id,
                    "workspace_user",
                    implicit=True,
                    created_by=None,
                )
        raise not_found("Workspace membership")

    def add_membership(
        self,
        actor: Actor,
        service_account_id: str,
        workspace_id: str,
        role: Any,
        *,
        from_workspace_side: bool,
    ) -> dict[str, Any]:
        """Upsert an explicit membership (§2.3.2 / §2.4.2); path IDs 404, body IDs 400."""
        workspace_role = check_workspace_role(role)
        with self._write():
            if from_workspace_side:
                self._path_workspace(workspace_id)
                self._body_service_account(service_account_id, "service_account_id")
            else:
                account = self._require_service_account(service_account_id)
                if account["archived_at"] is not None:
                    raise bad_request(
                        "This service account is archived; its memberships cannot change."
                    )
                self._live_workspace_for_write(workspace_id, "workspace_id")
            existing = self._membership_rows(
                service_account_id=service_account_id, workspace_id=workspace_id
            )
            if existing:
                self._db.execute(
                    "UPDATE memberships SET workspace_role = ? WHERE service_account_id = ? "
                    "AND workspace_id = ?",
                    (workspace_role, service_account_id, workspace_id),
                )
                return {**existing[0], "workspace_role": workspace_role}
            self._db.execute(
                "INSERT INTO memberships VALUES (?, ?, ?, ?, ?)",
                (
                    service_account_id,
                    workspace_id,
                    workspace_role,
                    actor.actor_id,
                    self._next_seq("memberships"),
                ),
            )
            return _member(
                service_account_id,
                workspace_id,
                workspace_role,
                implicit=False,
                created_by=actor.actor_id,
            )

    def update_membership(
        self, workspace_id: str, service_account_id: str, body: Any
    ) -> dict[str, Any]:
        body = object_body(body, {"workspace_role"})
        if "workspace_role" not in body:
            raise bad_request("workspace_role: Field required")
        workspace_role = check_workspace_role(body["workspace_role"])
        with self._write():
            self._path_workspace(workspace_id)
            account = self._require_service_account(service_account_id)
            if account["archived_at"] is not None:
                raise bad_request(
                    "This service account is archived; its memberships cannot change."
                )
            rows = self._membership_rows(
                service_account_id=service_account_id, workspace_id=workspace_id
            )
            if not rows:
                # Implicit or missing memberships cannot be updated (§8.1 item 24).
                raise not_found("Explicit workspace membership")
            self._db.execute(
                "UPDATE memberships SET workspace_role = ? WHERE service_account_id = ? AND "
                "workspace_id = ?",
                (workspace_role, service_account_id, workspace_id),
            )
            return {**rows[0], "workspace_role": workspace_role}

    def remove_membership(self, service_account_id: str, workspace_id: str) -> dict[str, Any]:
        """Idempotent; the implicit default membership stays (§2.3.3)."""
        with self._write():
            self._require_service_account(service_account_id)
            self._path_workspace(workspace_id)
            self._db.execute(
                "DELETE FROM memberships WHERE service_account_id = ? AND workspace_id = ?",
                (service_account_id, workspace_id),
            )
        return {
            "type": "service_account_workspace_member_deleted",
            "service_account_id": service_account_id,
            "workspace_id": workspace_id,
        }

    def _path_workspace(self, workspace_id: str) -> dict[str, Any]:
        """A path workspace: unknown (or `default`) -> 404, archived -> 400 (§5.8, §8.1-30)."""
        doc = self._workspace(workspace_id)
        if doc is None:
            raise not_found("Workspace")
        if doc["archived_at"] is not None:
            raise bad_request(
                f"Workspace {workspace_id} is archived; its memberships cannot be "
                "read or changed here."
            )
        return doc


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
