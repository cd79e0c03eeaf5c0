"""Federation rules and their workspace enablements (docs/admin-api.md §2.6-§2.7, §3.4, §5.5-§5.9).

Rules are stored without their read-time fields (issuer_name, service_account_name,
workspace_ids); `render` adds them on every read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fedctl.emulator.accounts import ServiceAccounts
from fedctl.emulator.db import Actor, Database, new_id
from fedctl.emulator.enablements import Enablements, enablement
from fedctl.emulator.issuers import Issuers
from fedctl.emulator.records import Records
from fedctl.emulator.tenancy import pins_tenant, shared_platform, tenant_message
from fedctl.emulator.validation import (
    bad_request,
    bool_field,
    check_attributes,
    check_description,
    check_match,
    check_name,
    check_scope,
    forbidden,
    int_field,
    is_api_manageable,
    object_body,
    string_field,
)
from fedctl.emulator.workspaces import Workspaces

RULE_FIELDS = {
    "name",
    "description",
    "issuer_id",
    "match",
    "target",
    "oauth_scope",
    "workspace_id",
    "applies_to_all_workspaces",
    "token_lifetime_seconds",
    "attributes",
}
SCOPE_REFUSAL = (
    "oauth_scope: API (OAuth) callers may only manage rules scoped workspace:developer "
    "and/or workspace:inference; other scopes are managed in the Console"
)


class Rules:
    """Rule and rule-workspace operations of the emulated API."""

    def __init__(
        self,
        db: Database,
        workspaces: Workspaces,
        accounts: ServiceAccounts,
        issuers: Issuers,
    ) -> None:
        self._db = db
        self._workspaces = workspaces
        self._accounts = accounts
        self._issuers = issuers
        self.records = Records(db, "federation_rule", "Federation rule")
        self.enablements = Enablements(db)

    def create(self, actor: Actor, body: Any) -> dict[str, Any]:
        fields = _create_fields(body)
        with self._db.write():
            issuer = self._issuers.for_body(fields.issuer_id)
            account = self._accounts.for_body(fields.target_id, "target.service_account_id")
            if fields.workspace_id is not None:
                self._workspaces.live_for_write(fields.workspace_id, "workspace_id")
            _check_admin_target(fields.oauth_scope.split(), account)
            if not actor.is_console and not is_api_manageable(fields.oauth_scope):
                raise forbidden(SCOPE_REFUSAL)
            if not actor.is_console:  # the Console can hold rules predating the check
                _check_tenant(issuer, fields.match)
            name = fields.name
            self.records.claim_name(
                name,
                f"A federation rule named {name!r} already exists "
                "(archived rules keep their names).",
            )
            doc = _new_rule(actor, fields, self._db.now())
            self.records.save(doc, new=True)
            if fields.workspace_id is not None:
                self.enablements.enable(doc["id"], fields.workspace_id, actor)
            self._db.remember(doc["id"], None)
            return self.render(doc)

    def get(self, rule_id: str, *, stale: bool = False) -> dict[str, Any]:
        return self.records.get(rule_id, stale=stale, render=self.render_all)

    def listing(
        self,
        *,
        limit: int,
        page: str | None,
        include_archived: bool,
        issuer_id: str | None,
        stale: bool = False,
    ) -> dict[str, Any]:
        return self.records.listing(
            f"rules:{include_archived}:{issuer_id}",
            limit=limit,
            cursor=page,
            include_archived=include_archived,
            stale=stale,
            issuer_id=issuer_id,
            render=self.render_all,
        )

    def update(self, actor: Actor, rule_id: str, body: Any) -> dict[str, Any]:
        body = object_body(body, RULE_FIELDS - {"issuer_id"})
        with self._db.write():
            doc = self.records.require(rule_id)
            before = self.render(doc)
            if doc["archived_at"] is not None:
                raise bad_request(
                    "This federation rule is archived and cannot be updated; "
                    "create a new rule instead."
                )
            if not actor.is_console and not is_api_manageable(doc["oauth_scope"]):
                raise forbidden(SCOPE_REFUSAL)
            _apply_rule_fields(doc, body)
            account = self._accounts.for_body(
                doc["target"]["service_account_id"], "target.service_account_id"
            )
            _check_admin_target(doc["oauth_scope"].split(), account)
            if not actor.is_console and not is_api_manageable(doc["oauth_scope"]):
                raise forbidden(SCOPE_REFUSAL)
            enabled = self.enablements.workspace_ids(rule_id)
            enabled = self._apply_workspace_fields(doc, body, enabled)
            # Tenant pinning is checked again on every update (§2.6.4).
            if not actor.is_console:
                _check_tenant(self._issuers.records.require(doc["issuer_id"]), doc["match"])
            self.records.claim_name(
                doc["name"],
                f"A federation rule named {doc['name']!r} already exists.",
                except_id=rule_id,
            )
            doc["updated_at"], doc["updated_by_actor_id"] = self._db.now(), actor.actor_id
            self.records.save(doc, new=False)
            self.enablements.replace(rule_id, enabled, actor)
            self._db.remember(rule_id, before)
            return self.render(doc)

    def _apply_workspace_fields(
        self, doc: dict[str, Any], body: dict[str, Any], enabled: list[str]
    ) -> list[str]:
        workspace_id = string_field(body, "workspace_id", nullable=True)
        if workspace_id is not None:
            self._workspaces.live_for_write(workspace_id, "workspace_id")
            if len(enabled) > 1:
                raise bad_request(
                    "workspace_id: the rule is enabled in more than one "
                    "workspace; use the rule's workspaces sub-resource"
                )
            enabled = [workspace_id]
        applies_to_all = bool_field(body, "applies_to_all_workspaces", nullable=True)
        if applies_to_all is not None:
            if not applies_to_all and not enabled and doc["workspace_id"] is None:
                raise bad_request(
                    "applies_to_all_workspaces: false would leave the rule "
                    "enabled in no workspace; enable a workspace first"
                )
            doc["applies_to_all_workspaces"] = applies_to_all
        return enabled

    def archive(self, actor: Actor, rule_id: str) -> dict[str, Any]:
        with self._db.write():
            doc = self.records.require(rule_id)
            if not actor.is_console and not is_api_manageable(doc["oauth_scope"]):
                raise forbidden(SCOPE_REFUSAL)
            if doc["archived_at"] is not None:
                return self.render(doc)
            before = self.render(doc)
            # Archive clears the workspace targeting; applies_to_all_workspaces is left
            # unchanged (§8 item 23).
            doc["workspace_id"] = None
            self.records.archive(actor, doc, before=before)
            self.enablements.disable_all(rule_id)
            return self.render(doc)

    # ---- rule workspaces -----------------------------------------------------------------

    def list_workspaces(self, rule_id: str) -> dict[str, Any]:
        """Every enablement, never paginated (§2.7.1)."""
        with self._db.read():
            self.records.require(rule_id)
            data = self.enablements.listing(rule_id)
        return {"data": data, "next_page": None}

    def add_workspace(self, actor: Actor, rule_id: str, body: Any) -> dict[str, Any]:
        body = object_body(body, {"workspace_id"})
        workspace_id = string_field(body, "workspace_id", required=True) or ""
        with self._db.write():
            doc = self.records.require(rule_id)
            if doc["archived_at"] is not None:
                raise bad_request("This federation rule is archived; its workspaces cannot change.")
            if not actor.is_console and not is_api_manageable(doc["oauth_scope"]):
                raise forbidden(SCOPE_REFUSAL)
            self._workspaces.live_for_write(workspace_id, "workspace_id")
            before = self.render(doc)
            row = self.enablements.enable(rule_id, workspace_id, actor)
            self._db.remember(rule_id, before)
        # workspace_name is null in the add response (§2.7.2).
        return enablement(
            rule_id, workspace_id, None, row["created_at"], row["created_by_actor_id"]
        )

    def remove_workspace(self, actor: Actor, rule_id: str, workspace_id: str) -> dict[str, Any]:
        with self._db.write():
            doc = self.records.require(rule_id)
            if not actor.is_console and not is_api_manageable(doc["oauth_scope"]):
                raise forbidden(SCOPE_REFUSAL)
            before = self.render(doc)
            self._refuse_losing_last_enablement(doc, workspace_id)
            if self.enablements.disable(rule_id, workspace_id):
                self._db.remember(rule_id, before)
        return {
            "type": "federation_rule_workspace_deleted",
            "federation_rule_id": rule_id,
            "workspace_id": workspace_id,
        }

    def _refuse_losing_last_enablement(self, doc: dict[str, Any], workspace_id: str) -> None:
        """Strict choice (§2.7.3): a live rule never ends up able to mint nowhere."""
        if doc["archived_at"] is not None or doc["applies_to_all_workspaces"]:
            return
        if doc.get("workspace_id"):
            return  # a legacy binding still names a workspace
        remaining = [w for w in self.enablements.workspace_ids(doc["id"]) if w != workspace_id]
        if not remaining:
            raise bad_request(
                f"workspace_id: {workspace_id} is the last workspace federation rule "
                f"{doc['id']} is enabled in; enable another workspace (or "
                "applies_to_all_workspaces) first, or archive the rule"
            )

    def render(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The stored rule with its read-time fields; call under a read or write."""
        return self.render_all([doc])[0]

    def render_all(self, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """`render` for a page of rules, with three queries for the whole page."""
        issuer_names = self._issuers.records.names(doc["issuer_id"] for doc in docs)
        account_names = self._accounts.records.names(
            doc["target"]["service_account_id"] for doc in docs
        )
        enabled = self.enablements.workspace_ids_of([doc["id"] for doc in docs])
        rendered = []
        for doc in docs:
            rule = dict(doc)
            rule["issuer_name"] = issuer_names.get(doc["issuer_id"])
            rule["target"] = {
                **doc["target"],
                "service_account_name": account_names.get(doc["target"]["service_account_id"]),
            }
            rule["workspace_ids"] = enabled[doc["id"]]
            rendered.append(rule)
        return rendered


@dataclass(frozen=True)
class _CreateFields:
    """A rule create body after each field was checked on its own (§2.6)."""

    name: str
    description: str | None
    issuer_id: str
    match: dict[str, Any]
    target_id: str
    oauth_scope: str
    workspace_id: str | None
    applies_to_all: bool
    token_lifetime_seconds: int


def _create_fields(body: Any) -> _CreateFields:
    body = object_body(body, RULE_FIELDS)
    name = check_name(string_field(body, "name", required=True) or "")
    description = check_description(string_field(body, "description", nullable=True))
    issuer_id = string_field(body, "issuer_id", required=True) or ""
    match = check_match(_required(body, "match"))
    target_id = _target_id(_required(body, "target"))
    oauth_scope = string_field(body, "oauth_scope", required=True) or ""
    check_scope(oauth_scope)
    workspace_id = string_field(body, "workspace_id", nullable=True)
    applies_to_all = bool_field(body, "applies_to_all_workspaces") or False
    lifetime = int_field(body, "token_lifetime_seconds", low=60, high=86400)
    check_attributes(body.get("attributes"))
    if workspace_id is None and not applies_to_all:
        raise bad_request("workspace_id: required unless applies_to_all_workspaces is true")
    return _CreateFields(
        name,
        description,
        issuer_id,
        match,
        target_id,
        oauth_scope,
        workspace_id,
        applies_to_all,
        3600 if lifetime is None else lifetime,
    )


def _new_rule(actor: Actor, fields: _CreateFields, now: str) -> dict[str, Any]:
    return {
        "type": "federation_rule",
        "id": new_id("fdrl_"),
        "name": fields.name,
        "description": fields.description,
        "issuer_id": fields.issuer_id,
        "match": fields.match,
        "target": {"type": "service_account", "service_account_id": fields.target_id},
        "oauth_scope": fields.oauth_scope,
        "token_lifetime_seconds": fields.token_lifetime_seconds,
        "applies_to_all_workspaces": fields.applies_to_all,
        # The create-time workspace becomes an explicit enablement; the legacy
        # field stays null (§8 item 8).
        "workspace_id": None,
        "attributes": None,
        "created_at": now,
        "created_by_actor_id": actor.actor_id,
        "updated_at": now,
        "updated_by_actor_id": actor.actor_id,
        "archived_at": None,
        "archived_by_actor_id": None,
    }


def _apply_rule_fields(doc: dict[str, Any], body: dict[str, Any]) -> None:
    """Null clears description and attributes; for every other field it is "unchanged"."""
    name = string_field(body, "name", nullable=True)
    if name is not None:
        doc["name"] = check_name(name)
    if "description" in body:
        value = check_description(string_field(body, "description", nullable=True))
        doc["description"] = "" if value is None else value
    if body.get("match") is not None:
        doc["match"] = check_match(body["match"])
    if body.get("target") is not None:
        doc["target"] = {
            "type": "service_account",
            "service_account_id": _target_id(body["target"]),
        }
    oauth_scope = string_field(body, "oauth_scope", nullable=True)
    if oauth_scope is not None:
        check_scope(oauth_scope)
        doc["oauth_scope"] = oauth_scope
    lifetime = int_field(body, "token_lifetime_seconds", low=60, high=86400, nullable=True)
    if lifetime is not None:
        doc["token_lifetime_seconds"] = lifetime
    check_attributes(body.get("attributes"))


def _required(body: dict[str, Any], key: str) -> Any:
    if body.get(key) is None:
        raise bad_request(f"{key}: Field required")
    return body[key]


def _target_id(target: Any) -> str:
    target = object_body(
        target, {"type", "service_account_id", "service_account_name"}, where="target"
    )
    if target.get("type") != "service_account":
        raise bad_request("target.type: must be 'service_account'")
    value = target.get("service_account_id")
    if not isinstance(value, str) or not value:
        raise bad_request("target.service_account_id: Field required")
    return value  # service_account_name is ignored on writes (§3.6)


def _check_admin_target(scopes: list[str], account: dict[str, Any]) -> None:
    if "org:admin" in scopes and account["organization_role"] != "admin":
        raise bad_request(
            "oauth_scope: org:admin needs a target service account with organization_role 'admin'"
        )


def _check_tenant(issuer: dict[str, Any], match: dict[str, Any]) -> None:
    platform = shared_platform(issuer["issuer_url"])
    if platform is not None and not pins_tenant(platform, match):
        raise bad_request(tenant_message(platform))
