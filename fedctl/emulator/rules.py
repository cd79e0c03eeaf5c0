"""Federation rules and their workspace enablements (contract §2.6, §2.7, §3.4, §5.5-§5.9).

Rules are stored without their read-time fields (issuer_name, service_account_name,
workspace_ids); `_render_rule` adds them on every read.
"""

from __future__ import annotations

from typing import Any

from fedctl.emulator.accounts import ServiceAccountStore
from fedctl.emulator.db import Actor, new_id
from fedctl.emulator.issuers import IssuerStore
from fedctl.emulator.tenancy import pins_tenant, shared_platform, tenant_message
from fedctl.emulator.validation import (
    bad_request,
    bool_field,
    check_attributes,
    check_description,
    check_match,
    check_name,
    check_scope,
    conflict,
    forbidden,
    int_field,
    is_api_manageable,
    object_body,
    string_field,
)

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


class RuleStore(ServiceAccountStore, IssuerStore):
    """Rule and enablement operations of the emulated API."""

    def create_rule(self, actor: Actor, body: Any) -> dict[str, Any]:
        body = object_body(body, RULE_FIELDS)
        name = check_name(string_field(body, "name", required=True) or "")
        description = check_description(string_field(body, "description", nullable=True))
        issuer_id = string_field(body, "issuer_id", required=True) or ""
        match = check_match(_required(body, "match"))
        target_id = _target_id(_required(body, "target"))
        oauth_scope = string_field(body, "oauth_scope", required=True) or ""
        scopes = check_scope(oauth_scope)
        workspace_id = string_field(body, "workspace_id", nullable=True)
        applies_to_all = bool_field(body, "applies_to_all_workspaces") or False
        lifetime = int_field(body, "token_lifetime_seconds", low=60, high=86400)
        check_attributes(body.get("attributes"))
        if workspace_id is None and not applies_to_all:
            raise bad_request("workspace_id: required unless applies_to_all_workspaces is true")
        with self._write():
            issuer = self._body_issuer(issuer_id)
            account = self._body_service_account(target_id, "target.service_account_id")
            if workspace_id is not None:
                self._live_workspace_for_write(workspace_id, "workspace_id")
            _check_admin_target(scopes, account)
            if not actor.is_console and not is_api_manageable(oauth_scope):
                raise forbidden(SCOPE_REFUSAL)
            if not actor.is_console:  # the Console can hold rules predating the check
                _check_tenant(issuer, match)
            if self._name_taken("federation_rule", name):
                raise conflict(
                    f"A federation rule named {name!r} already exists "
                    "(archived rules keep their names)."
                )
            now = self._now()
            rule_id = new_id("fdrl_")
            doc: dict[str, Any] = {
                "type": "federation_rule",
                "id": rule_id,
                "name": name,
                "description": description,
                "issuer_id": issuer_id,
                "match": match,
                "target": {"type": "service_account", "service_account_id": target_id},
                "oauth_scope": oauth_scope,
                "token_lifetime_seconds": 3600 if lifetime is None else lifetime,
                "applies_to_all_workspaces": applies_to_all,
                # The create-time workspace becomes an explicit enablement; the legacy
                # field stays null (§8.1 item 8).
                "workspace_id": None,
                "attributes": None,
                "created_at": now,
                "created_by_actor_id": actor.actor_id,
                "updated_at": now,
                "updated_by_actor_id": actor.actor_id,
                "archived_at": None,
                "archived_by_actor_id": None,
            }
            self._save("federation_rule", doc, new=True)
            if workspace_id is not None:
                self._enable(rule_id, workspace_id, actor)
            self._remember(rule_id, None)
            return self._render_rule(doc)

    def get_rule(self, rule_id: str, *, stale: bool = False) -> dict[str, Any]:
        return self._get(
            "federation_rule", rule_id, "Federation rule", stale=stale, render=self._render_rule
        )

    def list_rules(
        self,
        *,
        limit: int,
        page: str | None,
        include_archived: bool,
        issuer_id: str | None,
        stale: bool = False,
    ) -> dict[str, Any]:
        return self._list(
            "federation_rule",
            f"rules:{include_archived}:{issuer_id}",
            limit=limit,
            page=page,
            include_archived=include_archived,
            stale=stale,
            issuer_id=issuer_id,
            render=self._render_rule,
        )

    def update_rule(self, actor: Actor, rule_id: str, body: Any) -> dict[str, Any]:
        body = object_body(body, RULE_FIELDS - {"issuer_id"})
        with self._write():
            doc = self._require_rule(rule_id)
            before = self._render_rule(doc)
            if doc["archived_at"] is not None:
                raise bad_request(
                    "This federation rule is archived and cannot be updated; "
                    "create a new rule instead."
                )
            if not actor.is_console and not is_api_manageable(doc["oauth_scope"]):
                raise forbidden(SCOPE_REFUSAL)
            self._apply_rule_fields(doc, body)
            account = self._body_service_account(
                doc["target"]["service_account_id"], "target.service_account_id"
            )
            _check_admin_target(doc["oauth_scope"].split(), account)
            if not actor.is_console and not is_api_manageable(doc["oauth_scope"]):
                raise forbidden(SCOPE_REFUSAL)
            enabled = self._enabled_workspace_ids(rule_id)
            enabled = self._apply_workspace_fields(doc, body, enabled)
            # Tenant pinning is checked again on every update (§2.6.4).
            if not actor.is_console:
                _check_tenant(self._require_issuer(doc["issuer_id"]), doc["match"])
            if self._name_taken("federation_rule", doc["name"], except_id=rule_id):
                raise conflict(f"A federation rule named {doc['name']!r} already exists.")
            doc["updated_at"], doc["updated_by_actor_id"] = self._now(), actor.actor_id
            self._save("federation_rule", doc, new=False)
            self._replace_enablements(rule_id, enabled, actor)
            self._remember(rule_id, before)
            return self._render_rule(doc)

    def _apply_rule_fields(self, doc: dict[str, Any], body: dict[str, Any]) -> None:
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

    def _apply_workspace_fields(
        self, doc: dict[str, Any], body: dict[str, Any], enabled: list[str]
    ) -> list[str]:
        workspace_id = string_field(body, "workspace_id", nullable=True)
        if workspace_id is not None:
            self._live_workspace_for_write(workspace_id, "workspace_id")
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

    def archive_rule(self, actor: Actor, rule_id: str) -> dict[str, Any]:
        with self._write():
            doc = self._require_rule(rule_id)
            if not actor.is_console and not is_api_manageable(doc["oauth_scope"]):
                raise forbidden(SCOPE_REFUSAL)
            if doc["archived_at"] is not None:
                return self._render_rule(doc)
            before = self._render_rule(doc)
            # Archive clears the workspace targeting; applies_to_all_workspaces is left
            # unchanged (§8.1 item 23).
            doc["workspace_id"] = None
            doc["archived_at"], doc["archived_by_actor_id"] = self._now(), actor.actor_id
            self._save("federation_rule", doc, new=False)
            self._db.execute("DELETE FROM enablements WHERE rule_id = ?", (rule_id,))
            self._remember(rule_id, before)
            return self._render_rule(doc)

    # ---- enablements ---------------------------------------------------------------------

    def list_rule_workspaces(self, rule_id: str) -> dict[str, Any]:
        """Every enablement, never paginated (§2.7.1)."""
        with self._read():
            self._require_rule(rule_id)
            rows = self._db.execute(
                "SELECT e.*, w.name AS workspace_name FROM enablements e JOIN workspaces w "
                "ON w.id = e.workspace_id WHERE e.rule_id = ? ORDER BY e.seq",
                (rule_id,),
            ).fetchall()
        data = [
            _enablement(
                row["rule_id"],
                row["workspace_id"],
                row["workspace_name"],
                row["created_at"],
                row["created_by_actor_id"],
            )
            for row in rows
        ]
        return {"data": data, "next_page": None}

    def add_rule_workspace(self, actor: Actor, rule_id: str, body: Any) -> dict[str, Any]:
        body = object_body(body, {"workspace_id"})
        workspace_id = string_field(body, "workspace_id", required=True) or ""
        with self._write():
            doc = self._require_rule(rule_id)
            if doc["archived_at"] is not None:
                raise bad_request("This federation rule is archived; its workspaces cannot change.")
            if not actor.is_console and not is_api_manageable(doc["oauth_scope"]):
                raise forbidden(SCOPE_REFUSAL)
            self._live_workspace_for_write(workspace_id, "workspace_id")
            before = self._render_rule(doc)
            row = self._enable(rule_id, workspace_id, actor)
            self._remember(rule_id, before)
        # workspace_name is null in the add response (§2.7.2).
        return _enablement(
            rule_id, workspace_id, None, row["created_at"], row["created_by_actor_id"]
        )

    def remove_rule_workspace(
        self, actor: Actor, rule_id: str, workspace_id: str
    ) -> dict[str, Any]:
        with self._write():
            doc = self._require_rule(rule_id)
            if not actor.is_console and not is_api_manageable(doc["oauth_scope"]):
                raise forbidden(SCOPE_REFUSAL)
            before = self._render_rule(doc)
            self._refuse_losing_last_enablement(doc, workspace_id)
            deleted = self._db.execute(
                "DELETE FROM enablements WHERE rule_id = ? AND workspace_id = ?",
                (rule_id, workspace_id),
            ).rowcount
            if deleted:
                self._remember(rule_id, before)
        return {
            "type": "federation_rule_workspace_deleted",
            "federation_rule_id": rule_id,
            "workspace_id": workspace_id,
        }

    def _enable(self, rule_id: str, workspace_id: str, actor: Actor) -> dict[str, Any]:
        row = self._db.execute(
            "SELECT * FROM enablements WHERE rule_id = ? AND workspace_id = ?",
            (rule_id, workspace_id),
        ).fetchone()
        if row is not None:
            return dict(row)
        values = {
            "rule_id": rule_id,
            "workspace_id": workspace_id,
            "created_at": self._now(),
            "created_by_actor_id": actor.actor_id,
            "seq": self._next_seq("enablements"),
        }
        self._db.execute(
            "INSERT INTO enablements VALUES (:rule_id, :workspace_id, :created_at, "
            ":created_by_actor_id, :seq)",
            values,
        )
        return values

    def _replace_enablements(self, rule_id: str, wanted: list[str], actor: Actor) -> None:
        current = self._enabled_workspace_ids(rule_id)
        for workspace_id in current:
            if workspace_id not in wanted:
                self._db.execute(
                    "DELETE FROM enablements WHERE rule_id = ? AND workspace_id = ?",
                    (rule_id, workspace_id),
                )
        for workspace_id in wanted:
            self._enable(rule_id, workspace_id, actor)

    def _refuse_losing_last_enablement(self, doc: dict[str, Any], workspace_id: str) -> None:
        """Strict choice (§2.7.3): a live rule never ends up able to mint nowhere."""
        if doc["archived_at"] is not None or doc["applies_to_all_workspaces"]:
            return
        if doc.get("workspace_id"):
            return  # a legacy binding still names a workspace
        remaining = [w for w in self._enabled_workspace_ids(doc["id"]) if w != workspace_id]
        if not remaining:
            raise bad_request(
                f"workspace_id: {workspace_id} is the last workspace federation rule "
                f"{doc['id']} is enabled in; enable another workspace (or "
                "applies_to_all_workspaces) first, or archive the rule"
            )

    def _enabled_workspace_ids(self, rule_id: str) -> list[str]:
        rows = self._db.execute(
            "SELECT workspace_id FROM enablements WHERE rule_id = ? ORDER BY seq", (rule_id,)
        ).fetchall()
        return [str(row[0]) for row in rows]

    # ---- lookups and rendering -----------------------------------------------------------

    def _require_rule(self, rule_id: str) -> dict[str, Any]:
        return self._require("federation_rule", rule_id, "Federation rule")

    def _body_issuer(self, issuer_id: str) -> dict[str, Any]:
        doc = self._resource("federation_issuer", issuer_id)
        if doc is None:
            raise bad_request(f"issuer_id: issuer {issuer_id} does not exist in this organization")
        if doc["archived_at"] is not None:
            raise bad_request(f"issuer_id: issuer {issuer_id} is archived")
        return doc

    def _render_rule(self, doc: dict[str, Any]) -> dict[str, Any]:
        issuer = self._resource("federation_issuer", doc["issuer_id"])
        account = self._resource("service_account", doc["target"]["service_account_id"])
        rendered = dict(doc)
        rendered["issuer_name"] = None if issuer is None else issuer["name"]
        rendered["target"] = {
            **doc["target"],
            "service_account_name": None if account is None else account["name"],
        }
        rendered["workspace_ids"] = self._enabled_workspace_ids(doc["id"])
        return rendered


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


def _enablement(
    rule_id: str,
    workspace_id: str,
    workspace_name: str | None,
    created_at: str,
    created_by: str | None,
) -> dict[str, Any]:
    return {
        "type": "federation_rule_workspace",
        "federation_rule_id": rule_id,
        "workspace_id": workspace_id,
        "workspace_name": workspace_name,
        "created_at": created_at,
        "created_by_actor_id": created_by,
    }
