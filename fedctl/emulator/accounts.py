"""Service accounts (docs/admin-api.md §2.2, §5.8-§5.10).

Takes decoded request bodies, enforces every documented rule, and returns response dicts.
"""

from __future__ import annotations

from typing import Any

from fedctl.emulator.db import Actor, Database, new_id
from fedctl.emulator.records import Records
from fedctl.emulator.validation import (
    bad_request,
    check_description,
    check_name,
    forbidden,
    object_body,
    string_field,
)

ORGANIZATION_ROLES = ("admin", "developer")
ADMIN_ROLE_REFUSAL = (
    "organization_role: only an interactive (user or Console) credential may create a "
    "service account with, or send, organization_role 'admin'; federated tokens cannot"
)


class ServiceAccounts:
    """Service-account operations of the emulated API."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.records = Records(db, "service_account", "Service account")
        self._rules = Records(db, "federation_rule", "Federation rule")

    def create(self, actor: Actor, body: Any) -> dict[str, Any]:
        body = object_body(body, {"name", "description", "organization_role"})
        name = check_name(string_field(body, "name", required=True) or "")
        description = check_description(string_field(body, "description", nullable=True))
        role = body.get("organization_role", "developer")
        if role not in ORGANIZATION_ROLES:
            raise bad_request("organization_role: must be 'admin' or 'developer'")
        if role == "admin" and not actor.is_interactive:
            raise forbidden(ADMIN_ROLE_REFUSAL)
        with self._db.write():
            self.records.claim_name(
                name,
                f"A service account named {name!r} already exists "
                "(archived service accounts keep their names).",
            )
            now = self._db.now()
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
            self.records.save(doc, new=True)
            self._db.remember(doc["id"], None)
            return doc

    def get(self, service_account_id: str, *, stale: bool = False) -> dict[str, Any]:
        return self.records.get(service_account_id, stale=stale)

    def listing(
        self, *, limit: int, page: str | None, include_archived: bool, stale: bool = False
    ) -> dict[str, Any]:
        return self.records.listing(
            f"service_accounts:{include_archived}",
            limit=limit,
            cursor=page,
            include_archived=include_archived,
            stale=stale,
        )

    def update(self, actor: Actor, service_account_id: str, body: Any) -> dict[str, Any]:
        body = object_body(body, {"description", "organization_role"})
        with self._db.write():
            doc = self.records.require(service_account_id)
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
            doc["updated_at"], doc["updated_by_actor_id"] = self._db.now(), actor.actor_id
            self.records.save(doc, new=False)
            self._db.remember(service_account_id, before)
            return doc

    def archive(self, actor: Actor, service_account_id: str) -> dict[str, Any]:
        with self._db.write():
            doc = self.records.require(service_account_id)
            if doc["archived_at"] is not None:
                return doc
            self.records.archive(
                actor,
                doc,
                before=dict(doc),
                blocking=(
                    rule["name"]
                    for rule in self._rules.all()
                    if rule["archived_at"] is None
                    and rule["target"]["service_account_id"] == service_account_id
                ),
                refusal="Cannot archive a service account targeted by live federation rules "
                "({names}); archive or retarget them first.",
            )
            return doc

    def for_body(self, service_account_id: str, field: str) -> dict[str, Any]:
        """A body reference: unknown -> 400, archived -> 400 (§8 items 5, 6)."""
        doc = self.records.find(service_account_id)
        if doc is None:
            raise bad_request(
                f"{field}: service account {service_account_id} does not exist in this organization"
            )
        if doc["archived_at"] is not None:
            raise bad_request(f"{field}: service account {service_account_id} is archived")
        return doc

    def role(self, service_account_id: str) -> str | None:
        """The live service account's organization_role, or None when gone or archived."""
        with self._db.read():
            doc = self.records.find(service_account_id)
        if doc is None or doc["archived_at"] is not None:
            return None
        return str(doc["organization_role"])
