"""What a policy's CEL sees: each resource in canonical form, whatever spelling the
configuration used, so a policy cannot be sidestepped by writing the same thing another
way (docs/policies.md lists every binding). Bindings are the resolved models
(`fedctl.core.resolved`) under the configuration's keys, field by field of each kind's table:

- workspaces by name (`"production" in rule.workspaces`) even where the configuration
  writes a `wrkspc_` ID, and the IDs as `rule.workspace_ids`; the default workspace is
  `default`;
- issuers by name and URL (`rule.issuer`, `rule.issuer_url`, `issuer.issuer_url`);
- presets expanded and every default filled (`token_lifetime_seconds`, `check_jti`,
  `description: ""`, `match.claims: {}`);
- a rule also sees its issuer and service account.

    rule.token_lifetime_seconds, rule.match.claims, issuer.issuer_url,
    service_account.organization_role, rule.workspaces, rule.workspace_ids
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from fedctl.config.models import Issuer, Rule, ServiceAccount
from fedctl.config.resolved import (
    issuer_from_config,
    rule_from_config,
    service_account_from_config,
)
from fedctl.config.validated import Config
from fedctl.core.fields import ISSUER_FIELDS, RULE_FIELDS, SERVICE_ACCOUNT_FIELDS, KindFields
from fedctl.core.resolved import ResolvedIssuer, ResolvedRule, ResolvedServiceAccount
from fedctl.core.state import DEFAULT_WORKSPACE, Workspace

# Bookkeeping fields of the language that say nothing about access.
_LEFT_OUT = {"lint", "previous_names"}
# Bindings added to the language's fields (canonical forms).
ADDED_FIELDS = {
    "rule": {"workspace_ids", "issuer_url"},
    "issuer": set(),
    "service_account": set(),
}


class WorkspaceNames:
    """A configuration's workspace reference -> (name, ID), from the live workspaces.

    Without them (offline `fedctl policy`) a name stays a name with no ID, and an ID
    stays an ID: a policy that tests a name then fails on it, which is the safe side.
    """

    def __init__(self, workspaces: Sequence[Workspace]) -> None:
        active = [workspace for workspace in workspaces if not workspace.archived]
        self.by_id = {workspace.id: workspace for workspace in workspaces}
        self.by_name = {workspace.name: workspace for workspace in active}
        self.default = next((w for w in workspaces if w.is_default), None)
        self.known = bool(workspaces)

    def every_workspace(self) -> list[str]:
        """A reference to every active workspace (the default one as `default`)."""
        return [
            DEFAULT_WORKSPACE if workspace.is_default else workspace.id
            for workspace in self.by_id.values()
            if not workspace.archived
        ]

    def resolve(self, ref: str) -> tuple[str, str | None]:
        if ref == DEFAULT_WORKSPACE:
            return DEFAULT_WORKSPACE, self.default.id if self.default else None
        workspace = self.by_id.get(ref) or self.by_name.get(ref)
        if workspace is None:
            return ref, (ref if ref.startswith("wrkspc_") else None)
        name = DEFAULT_WORKSPACE if workspace.is_default else workspace.name
        return name, workspace.id


def resource_bindings(
    config: Config, workspaces: Sequence[Workspace] = ()
) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """applies_to -> [(resource name, CEL activation)], in file order."""
    names = WorkspaceNames(workspaces)
    urls = {issuer.name: issuer.issuer_url for issuer in config.issuers}
    issuers = {issuer.name: _issuer(issuer_from_config(issuer)) for issuer in config.issuers}
    accounts = {
        account.name: _account(service_account_from_config(account), names)
        for account in config.service_accounts
    }
    rules = [rule_from_config(rule, urls) for rule in config.rules]
    return {
        "rule": [(rule.name, _rule_activation(rule, issuers, accounts, names)) for rule in rules],
        "issuer": [(name, {"issuer": value}) for name, value in issuers.items()],
        "service_account": [(name, {"service_account": value}) for name, value in accounts.items()],
    }


def _bound(
    kind: str, table: KindFields, resolved: object, formed: dict[str, Any]
) -> dict[str, Any]:
    """The resolved model's fields under their configuration keys: every field of the
    kind's table the language has, `formed` giving the value of those bound in another
    form than the model holds them."""
    language = field_names(kind)
    return {
        info.key_in_config: formed[info.name]
        if info.name in formed
        else getattr(resolved, info.name)
        for info in table
        if info.key_in_config in language
    }


def _rule_activation(
    rule: ResolvedRule,
    issuers: dict[str, dict[str, Any]],
    accounts: dict[str, dict[str, Any]],
    names: WorkspaceNames,
) -> dict[str, Any]:
    workspace_names, workspace_ids = _rule_workspaces(rule, names)
    match = {
        "subject_prefix": rule.subject_prefix,
        "audience": rule.audience,
        "claims": dict(rule.claims),  # {} when unset, so `"ref" in rule.match.claims` reads
        "condition": rule.condition,
    }
    data = _bound("rule", RULE_FIELDS, rule, {"match": match, "workspace_ids": workspace_names})
    data["issuer_url"] = rule.issuer_url or ""
    data["workspace_ids"] = workspace_ids
    return {
        "rule": data,
        "issuer": issuers.get(rule.issuer_name, {}),
        "service_account": accounts.get(rule.service_account_name, {}),
    }


def _rule_workspaces(
    rule: ResolvedRule, names: WorkspaceNames
) -> tuple[list[str] | None, list[str] | None]:
    """The rule's workspaces by name and by ID.

    NOTE: a rule in every workspace is in production too, so with
    applies_to_all_workspaces every active workspace is listed; offline (no workspace
    known) both stay null, so a `when` that reads them fails closed rather than
    excusing the rule.
    """
    refs = list(rule.workspace_ids)  # read offline: the references as written
    if rule.applies_to_all_workspaces:
        if not names.known:
            return None, None
        refs += [ref for ref in names.every_workspace() if ref not in refs]
    resolved = [names.resolve(ref) for ref in refs]
    workspace_names = list(dict.fromkeys(name for name, _ in resolved))
    workspace_ids = list(
        dict.fromkeys(workspace_id for _, workspace_id in resolved if workspace_id)
    )
    return workspace_names, workspace_ids


def _issuer(issuer: ResolvedIssuer) -> dict[str, Any]:
    data = _bound("issuer", ISSUER_FIELDS, issuer, {})
    data["preset"] = issuer.preset  # the language's, not a field of the API
    return data


def _account(account: ResolvedServiceAccount, names: WorkspaceNames) -> dict[str, Any]:
    memberships = []
    for workspace, role in account.memberships:
        name, workspace_id = names.resolve(workspace)
        memberships.append({"workspace": name, "workspace_id": workspace_id, "role": role})
    return _bound("service_account", SERVICE_ACCOUNT_FIELDS, account, {"memberships": memberships})


def field_names(kind: str) -> set[str]:
    """Top-level fields a policy may read on a resource of `kind`."""
    models: dict[str, type[BaseModel]] = {
        "rule": Rule,
        "issuer": Issuer,
        "service_account": ServiceAccount,
    }
    model = models[kind]
    return (set(model.model_fields) - _LEFT_OUT) | ADDED_FIELDS[kind]
