"""Turns a LiveState into export entries: what each resource looks like as configuration.

This is the deciding half of `fedctl export`; `fedctl.export.render` writes the entries
as YAML text. An entry is either *declared* (written as configuration, so `fedctl plan`
compares it) or *commented* (written as a YAML comment with the reason it is not
declared). Decisions taken here, also in the README:

- Server defaults are left out (description "", organization_role developer, jwks
  discovery without options, max_jwt_lifetime_seconds 3600, check_jti true,
  token_lifetime_seconds 3600, applies_to_all_workspaces false), so files stay minimal.
- A Console-managed rule (a scope outside workspace:inference / workspace:developer) is
  commented: the Admin API refuses every change to it from fedctl (docs/admin-api.md §5.9).
- An issuer is declared when any managed rule uses it (a declared rule must name a
  declared issuer), with a note when it also backs Console-managed rules, because the API
  then refuses to update it. An issuer that backs *only* Console-managed rules is
  commented: fedctl could never change it, so declaring it would promise what apply
  cannot do. An issuer no rule uses is declared.
- Archived resources (with --include-archived) are commented: the language has no
  archived state, and declaring one would make `fedctl apply` create it again.
- A rule's legacy single-workspace binding cannot be expressed; it gets a note.
- A resource the language cannot hold (see `fedctl.export.declarable`) is commented.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from fedctl.core.fields import ISSUER_FIELDS, RULE_FIELDS, SERVICE_ACCOUNT_FIELDS
from fedctl.core.jwk import leaked_key_notes, without_marker
from fedctl.core.state import (
    IssuerSpec,
    Kind,
    LiveIssuer,
    LiveMeta,
    LiveRule,
    LiveServiceAccount,
    LiveState,
    RuleSpec,
    ServiceAccountSpec,
)
from fedctl.export.declarable import demote_undeclarable
from fedctl.export.entries import Disposition, Entry, Export
from fedctl.export.keys import render_api_keys
from fedctl.export.workspaces import WorkspaceNamer

MANAGED_SCOPES_TEXT = "workspace:inference / workspace:developer"


def build_export(live: LiveState, *, include_archived: bool = False) -> Export:
    """Decide, for every live resource, how it appears in the exported configuration."""
    namer = WorkspaceNamer.from_workspaces(live.workspaces)
    console_rules_by_issuer = _console_rules_by_issuer(live.rules.values())
    managed_issuer_names = {
        rule.spec.issuer_name for rule in live.rules.values() if not rule.spec.console_managed
    }
    entries: list[Entry] = []
    entries += [_service_account_entry(sa.spec, namer) for sa in live.service_accounts.values()]
    for issuer in live.issuers.values():
        entries.append(_issuer_entry(issuer.spec, console_rules_by_issuer, managed_issuer_names))
    entries += [_rule_entry(rule, namer) for rule in live.rules.values()]
    if include_archived:
        entries += _archived_entries(live, namer)
    checked = demote_undeclarable(tuple(entries), _unmanageable_reasons(live))
    ordered = sorted(checked, key=lambda entry: (entry.kind.value, entry.name, entry.sort_id))
    return Export(
        organization=live.organization,
        entries=tuple(ordered),
        live_issuer_names=frozenset(live.issuers),
        api_keys_block=render_api_keys(live.api_keys or (), live),
    )


def _unmanageable_reasons(live: LiveState) -> dict[tuple[Kind, str], str]:
    return {(kind, name): meta.unmanageable or "" for kind, name, meta in live.unmanageable()}


def _console_rules_by_issuer(rules: Iterable[LiveRule]) -> dict[str, list[str]]:
    by_issuer: dict[str, list[str]] = defaultdict(list)
    for rule in rules:
        if rule.spec.console_managed:
            by_issuer[rule.spec.issuer_name].append(rule.spec.name)
    return {name: sorted(rules) for name, rules in by_issuer.items()}


def service_account_body(spec: ServiceAccountSpec, namer: WorkspaceNamer) -> dict[str, Any]:
    memberships = sorted(
        (namer.reference(workspace_id), role) for workspace_id, role in spec.memberships.items()
    )
    written = {
        "memberships": [{"workspace": ref, "role": role} for ref, role in memberships] or None
    }
    return SERVICE_ACCOUNT_FIELDS.config_body(spec, written)


def issuer_body(spec: IssuerSpec) -> dict[str, Any]:
    jwks = {key: value for key, value in without_marker(spec.jwks).items() if value is not None}
    return ISSUER_FIELDS.config_body(
        spec, {"jwks": None if jwks == {"type": "discovery"} else jwks}
    )


def rule_body(spec: RuleSpec, namer: WorkspaceNamer) -> dict[str, Any]:
    references = sorted(namer.reference(workspace_id) for workspace_id in spec.workspace_ids)
    written = {
        "issuer_name": spec.issuer_name,
        "service_account_name": spec.service_account_name,
        "match": match_body(spec),
        "workspace_ids": references or None,
    }
    return RULE_FIELDS.config_body(spec, written)


def match_body(spec: RuleSpec) -> dict[str, Any]:
    """A rule's match as configuration: unset keys left out, claims sorted."""
    return spec.match.body()


def _service_account_entry(spec: ServiceAccountSpec, namer: WorkspaceNamer) -> Entry:
    return Entry(
        kind=Kind.SERVICE_ACCOUNT,
        name=spec.name,
        body=service_account_body(spec, namer),
        notes=(),
        disposition=Disposition.DECLARED,
    )


def _issuer_entry(
    spec: IssuerSpec,
    console_rules_by_issuer: dict[str, list[str]],
    managed_issuer_names: set[str],
) -> Entry:
    console_rules = console_rules_by_issuer.get(spec.name, [])
    listed = ", ".join(console_rules)
    if console_rules and spec.name not in managed_issuer_names:
        return Entry(
            kind=Kind.ISSUER,
            name=spec.name,
            body=issuer_body(spec),
            notes=(
                *leaked_key_notes(spec.name, spec.jwks),
                f"Not declared: it backs only Console-managed rules ({listed}), so the "
                "Admin API refuses to update it from fedctl; change it in the Console.",
                "Declare it here if a rule fedctl manages should use it.",
            ),
            disposition=Disposition.CONSOLE_MANAGED,
            issuer_name=spec.name,
        )
    notes: tuple[str, ...] = tuple(leaked_key_notes(spec.name, spec.jwks))
    if console_rules:
        notes += (
            f"Also backs Console-managed rules ({listed}): the Admin API refuses to "
            "update this issuer from fedctl, so change it in the Console.",
        )
    return Entry(
        kind=Kind.ISSUER,
        name=spec.name,
        body=issuer_body(spec),
        notes=notes,
        disposition=Disposition.DECLARED,
        issuer_name=spec.name,
    )


def _rule_entry(rule: LiveRule, namer: WorkspaceNamer) -> Entry:
    spec = rule.spec
    notes: list[str] = []
    disposition = Disposition.DECLARED
    if spec.console_managed:
        disposition = Disposition.CONSOLE_MANAGED
        notes.append(
            f"Console-managed: oauth_scope {spec.oauth_scope!r} is outside "
            f"{MANAGED_SCOPES_TEXT}, so the Admin API refuses to create or change this "
            "rule from fedctl; change it in the Console."
        )
    if rule.legacy_workspace_id is not None:
        notes.append(
            "Has a legacy single-workspace binding to "
            f"{namer.reference(rule.legacy_workspace_id)}, which the configuration "
            "cannot express; fedctl leaves it as it is."
        )
    return Entry(
        kind=Kind.RULE,
        name=spec.name,
        body=rule_body(spec, namer),
        notes=tuple(notes),
        disposition=disposition,
        issuer_name=spec.issuer_name,
    )


def _archived_entries(live: LiveState, namer: WorkspaceNamer) -> list[Entry]:
    entries: list[Entry] = []
    for sa in live.archived_service_accounts:
        entries.append(
            _archived(Kind.SERVICE_ACCOUNT, service_account_body(sa.spec, namer), sa, None)
        )
    for issuer in live.archived_issuers:
        entries.append(_archived(Kind.ISSUER, issuer_body(issuer.spec), issuer, issuer.spec.name))
    for rule in live.archived_rules:
        body = rule_body(rule.spec, namer)
        entries.append(_archived(Kind.RULE, body, rule, rule.spec.issuer_name))
    return entries


def _archived(
    kind: Kind,
    body: dict[str, Any],
    resource: LiveServiceAccount | LiveIssuer | LiveRule,
    issuer_name: str | None,
) -> Entry:
    return Entry(
        kind=kind,
        name=str(body["name"]),
        body=body,
        notes=(_archived_note(resource.meta),),
        disposition=Disposition.ARCHIVED,
        issuer_name=issuer_name,
        sort_id=resource.meta.id,
    )


def _archived_note(meta: LiveMeta) -> str:
    by = f" by {meta.archived_by_actor_id}" if meta.archived_by_actor_id else ""
    return (
        f"Archived ({meta.id}) at {meta.archived_at}{by}. The configuration has no "
        "archived state: declaring it would make `fedctl apply` create it again."
    )
