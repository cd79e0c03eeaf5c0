"""DesiredState + LiveState -> AccessDiff: who gains or loses the power to mint what, where.

Pure data, no HTTP: the planner's output (or the two states alone) goes in, an AccessDiff
comes out for the renderers. Resources are paired by name, following `previous_names`,
so a rename alone changes no access.

Usage:
    diff = compute_access_diff(desired, live)
    diff.broadens  # True when any change broadens or possibly broadens access
"""

from __future__ import annotations

from collections.abc import Sequence

from fedctl.access.counterpart import PlanChange, live_counterpart
from fedctl.access.issuers import compare_issuers, compare_service_accounts
from fedctl.access.keys import key_changes
from fedctl.access.model import (
    AccessChange,
    AccessDiff,
    Effect,
    Finding,
    RuleAccess,
    combine_effects,
)
from fedctl.access.rules import compare_rule_access, workspace_label
from fedctl.state import DesiredState, Kind, LiveRule, LiveState, RuleSpec

_SEVERITY = [
    Effect.BROADENING,
    Effect.POSSIBLY_BROADENING,
    Effect.MIXED,
    Effect.NARROWING,
    Effect.NEUTRAL,
]
_KIND_ORDER = [Kind.RULE, Kind.ISSUER, Kind.SERVICE_ACCOUNT, Kind.API_KEY]


def compute_access_diff(
    desired: DesiredState,
    live: LiveState,
    *,
    plan_changes: Sequence[PlanChange] | None = None,
) -> AccessDiff:
    """Every access-relevant difference between the states.

    With `plan_changes` (a Plan's `changes`), only resources the plan touches are
    reported, and a live resource the configuration no longer declares counts as
    archived only when the plan archives it. Without it, such a resource counts as
    archived when the configuration prunes (`desired.prune`) and it is manageable.
    """
    scope = _PlanScope(desired, plan_changes)
    changes = [
        *_rule_changes(desired, live, scope),
        *compare_issuers(desired, live, archived=scope.archived_live(Kind.ISSUER, live)),
        *compare_service_accounts(
            desired, live, archived=scope.archived_live(Kind.SERVICE_ACCOUNT, live)
        ),
        *key_changes(desired, live, plan_changes),
    ]
    unknown = {f"{kind.value}/{name}" for kind, name, _meta in live.unmanageable()}
    kept = [
        _conservative(change, unknown)
        for change in changes
        if scope.reports(change.kind, change.name)
    ]
    kept.sort(
        key=lambda change: (
            _SEVERITY.index(change.effect),
            _KIND_ORDER.index(change.kind),
            change.name,
        )
    )
    return AccessDiff(changes=tuple(kept))


def _conservative(change: AccessChange, unknown: set[str]) -> AccessChange:
    """A change that touches what fedctl cannot read fully (`unknown` addresses) is never
    called harmless."""
    touched = {change.address, *(f"rule/{name}" for name in change.affected_rules)}
    if not touched & unknown or change.effect.broadens:
        return change
    finding = Finding(
        dimension="unmanageable",
        effect=Effect.POSSIBLY_BROADENING,
        reason=f"involves {', '.join(sorted(touched & unknown))}, whose live state fedctl "
        "cannot read fully (unmanageable), so its effect cannot be proved harmless",
    )
    return change.model_copy(
        update={"effect": Effect.POSSIBLY_BROADENING, "findings": (*change.findings, finding)}
    )


class _PlanScope:
    """Which resources to report, and which undeclared live ones are being archived."""

    def __init__(self, desired: DesiredState, plan_changes: Sequence[PlanChange] | None) -> None:
        self.desired = desired
        self.touched: set[tuple[Kind, str]] | None = None
        self.archived: set[tuple[Kind, str]] = set()
        if plan_changes is not None:
            self.touched = {(change.kind, change.name) for change in plan_changes}
            self.archived = {
                (change.kind, change.name) for change in plan_changes if change.action == "archive"
            }

    def reports(self, kind: Kind, name: str) -> bool:
        return self.touched is None or (kind, name) in self.touched

    def archived_live(self, kind: Kind, live: LiveState) -> set[str]:
        """Names of live resources of `kind` that no file declares and that go away."""
        declared = _declared_live_names(self.desired, kind)
        live_names: dict[Kind, set[str]] = {
            Kind.RULE: set(live.rules),
            Kind.ISSUER: set(live.issuers),
            Kind.SERVICE_ACCOUNT: set(live.service_accounts),
        }
        undeclared = live_names[kind] - declared
        if self.touched is not None:
            return {name for name in undeclared if (kind, name) in self.archived}
        if not self.desired.prune:
            return set()
        protected = self.desired.protect
        return {
            name
            for name in undeclared
            if name not in protected
            and f"{kind.value}/{name}" not in protected
            and not (kind is Kind.RULE and live.rules[name].spec.console_managed)
        }


def _declared_live_names(desired: DesiredState, kind: Kind) -> set[str]:
    declared: dict[Kind, set[str]] = {
        Kind.RULE: set(desired.rules),
        Kind.ISSUER: set(desired.issuers),
        Kind.SERVICE_ACCOUNT: set(desired.service_accounts),
    }
    names = declared[kind]
    for (renamed_kind, _name), previous in desired.previous_names.items():
        if renamed_kind is kind:
            names.update(previous)
    return names


def _issuer_renames(desired: DesiredState, live: LiveState) -> dict[str, str]:
    """Live issuer name -> the declared name it is being renamed to."""
    renames: dict[str, str] = {}
    for name in desired.issuers:
        if name in live.issuers:
            continue
        for previous in desired.previous_names.get((Kind.ISSUER, name), ()):
            if previous in live.issuers:
                renames[previous] = name
    return renames


def _rule_changes(desired: DesiredState, live: LiveState, scope: _PlanScope) -> list[AccessChange]:
    names = {workspace.id: workspace.name for workspace in live.workspaces}
    issuer_urls = {name: issuer.spec.issuer_url for name, issuer in live.issuers.items()}
    issuer_urls.update({name: issuer.issuer_url for name, issuer in desired.issuers.items()})
    renames = _issuer_renames(desired, live)
    changes: list[AccessChange] = []
    for name, spec in sorted(desired.rules.items()):
        if not scope.reports(Kind.RULE, name):
            continue  # a plan's diff reports only what the plan touches; skip the work
        live_rule = live_counterpart(desired, Kind.RULE, name, live.rules)
        after = rule_access(spec, names, issuer_urls)
        if live_rule is None:
            changes.append(_created(name, after))
            continue
        before = rule_access(live_rule.spec, names, issuer_urls, live_rule=live_rule)
        before = before.model_copy(
            update={"issuer_name": renames.get(before.issuer_name, before.issuer_name)}
        )
        same_spec = live_rule.spec.model_copy(
            update={"name": name, "issuer_name": before.issuer_name}
        )
        if same_spec == spec and before == after:
            continue
        findings = compare_rule_access(before, after)
        changes.append(
            AccessChange(
                kind=Kind.RULE,
                name=name,
                effect=combine_effects(finding.effect for finding in findings),
                findings=tuple(findings),
                before=before,
                after=after,
            )
        )
    for name in sorted(scope.archived_live(Kind.RULE, live)):
        live_rule = live.rules[name]
        changes.append(
            _archived(name, rule_access(live_rule.spec, names, issuer_urls, live_rule=live_rule))
        )
    return changes


def rule_access(
    spec: RuleSpec,
    workspace_names: dict[str, str],
    issuer_urls: dict[str, str],
    *,
    live_rule: LiveRule | None = None,
) -> RuleAccess:
    """One side of a rule, with workspaces labelled by name where known."""
    workspace_ids = set(spec.workspace_ids)
    if live_rule is not None and live_rule.legacy_workspace_id:
        # A legacy single-workspace binding still grants that workspace (admin-api §5.8).
        workspace_ids.add(live_rule.legacy_workspace_id)
    return RuleAccess(
        issuer_name=spec.issuer_name,
        issuer_url=issuer_urls.get(spec.issuer_name),
        subject_prefix=spec.match.subject_prefix,
        audience=spec.match.audience,
        claims=spec.match.claims,
        condition=spec.match.condition,
        service_account_name=spec.service_account_name,
        oauth_scope=spec.oauth_scope,
        workspaces=tuple(sorted(workspace_label(wid, workspace_names) for wid in workspace_ids)),
        applies_to_all_workspaces=spec.applies_to_all_workspaces,
        token_lifetime_seconds=spec.token_lifetime_seconds,
    )


def _created(name: str, after: RuleAccess) -> AccessChange:
    finding = Finding(
        dimension="rule", effect=Effect.BROADENING, reason=f"new rule: {after.summary()}"
    )
    return AccessChange(
        kind=Kind.RULE, name=name, effect=Effect.BROADENING, findings=(finding,), after=after
    )


def _archived(name: str, before: RuleAccess) -> AccessChange:
    finding = Finding(
        dimension="rule",
        effect=Effect.NARROWING,
        reason=f"rule archived: no longer grants {before.summary()}",
    )
    return AccessChange(
        kind=Kind.RULE, name=name, effect=Effect.NARROWING, findings=(finding,), before=before
    )
