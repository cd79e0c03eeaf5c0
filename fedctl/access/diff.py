"""DesiredState + LiveState -> AccessDiff: who gains or loses the power to mint what, where.

Pure data, no HTTP: the planner's output (or the two states alone) goes in, an AccessDiff
comes out for the renderers. Resources are paired by name, following `previous_names`,
so a rename alone changes no access.

Usage:
    diff = compute_access_diff(desired, live)
    diff.broadens  # True when any change broadens or possibly broadens access
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fedctl.access.counterpart import PlanChange
from fedctl.access.issuers import compare_issuers, compare_service_accounts
from fedctl.access.keys import key_changes
from fedctl.access.model import (
    AccessChange,
    AccessDiff,
    Effect,
    Finding,
    combine_effects,
    rule_grants,
    rule_summary,
)
from fedctl.access.proof.grants import GrantComparer, MatchVerdict
from fedctl.access.rules import compare_rule_access, match_finding
from fedctl.core.address import Address
from fedctl.core.pairing import claimed_names, live_counterpart, pending_renames
from fedctl.core.resolved import ResolvedRule
from fedctl.core.state import DesiredState, Kind, LiveState

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
    unknown = {Address(kind, name) for kind, name, _meta in live.unmanageable()}
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


def _conservative(change: AccessChange, unknown: set[Address]) -> AccessChange:
    """A change that touches what fedctl cannot read fully (`unknown` addresses) is never
    called harmless."""
    touched = {change.address, *(Address(Kind.RULE, name) for name in change.affected_rules)}
    if not touched & unknown or change.effect.broadens:
        return change
    finding = Finding(
        dimension="unmanageable",
        effect=Effect.POSSIBLY_BROADENING,
        reason=f"involves {', '.join(sorted(touched & unknown))}, whose live state fedctl "
        "cannot read fully (unmanageable), so its effect cannot be proved harmless",
    )
    return change.model_copy(
        update={
            "effect": Effect.POSSIBLY_BROADENING,
            "findings": (*change.findings, finding),
            "undecided": (*change.undecided, finding.reason),
        }
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
            and Address(kind, name) not in protected
            and not (kind is Kind.RULE and live.rules[name].spec.console_managed)
        }


def _declared_live_names(desired: DesiredState, kind: Kind) -> set[str]:
    declared: dict[Kind, set[str]] = {
        Kind.RULE: set(desired.rules),
        Kind.ISSUER: set(desired.issuers),
        Kind.SERVICE_ACCOUNT: set(desired.service_accounts),
    }
    return claimed_names(desired, kind, declared[kind])


def _issuer_renames(desired: DesiredState, live: LiveState) -> dict[str, str]:
    """Live issuer name -> the declared name it is being renamed to."""
    return pending_renames(desired, Kind.ISSUER, live.issuers)


def _rule_changes(desired: DesiredState, live: LiveState, scope: _PlanScope) -> list[AccessChange]:
    sides = _RuleSides(desired, live, scope)
    comparer = GrantComparer(sides.before, sides.after)
    renames = _issuer_renames(desired, live)
    changes: list[AccessChange] = []
    for name, after in sorted(sides.declared.items()):
        if not scope.reports(Kind.RULE, name):
            continue  # a plan's diff reports only what the plan touches; skip the work
        live_rule = live_counterpart(desired, Kind.RULE, name, live.rules)
        if live_rule is None:
            verdict = comparer.compare_rule(None, after)
            changes.append(_one_sided(name, "rule", verdict, after=after))
            continue
        before = sides.before[live_rule.spec.name]
        issuer_name = renames.get(before.issuer_name, before.issuer_name)
        old_access = dataclasses.replace(before, issuer_name=issuer_name)
        new_access = after
        same_spec = live_rule.spec.model_copy(update={"name": name, "issuer_name": issuer_name})
        if same_spec == desired.rules[name] and rule_grants(old_access) == rule_grants(new_access):
            continue
        match = (
            None if before.match_key == after.match_key else comparer.compare_rule(before, after)
        )
        findings = compare_rule_access(old_access, new_access, match)
        changes.append(
            AccessChange(
                kind=Kind.RULE,
                name=name,
                effect=combine_effects(finding.effect for finding in findings),
                findings=tuple(findings),
                before=old_access,
                after=new_access,
                witnesses=tuple(w.to_json() for w in (match.witnesses if match else ())),
                undecided=match.undecided if match else (),
            )
        )
    for name in sorted(sides.archived):
        verdict = comparer.compare_rule(sides.before[name], None)
        changes.append(_one_sided(name, "archived", verdict, before=sides.before[name]))
    return changes


class _RuleSides:
    """Every rule that admits tokens before the plan and after it, resolved, by name.

    After the plan, a live rule the configuration does not declare still admits tokens
    unless the plan archives it.
    """

    def __init__(self, desired: DesiredState, live: LiveState, scope: _PlanScope) -> None:
        names = {workspace.id: workspace.name for workspace in live.workspaces}
        # NOTE: both sides read the declared issuer URL: an issuer_url change is the
        # issuer's finding (with its affected rules), not one more finding per rule.
        declared_urls = {name: issuer.spec.issuer_url for name, issuer in live.issuers.items()}
        declared_urls.update({name: issuer.issuer_url for name, issuer in desired.issuers.items()})
        for live_name, declared_name in _issuer_renames(desired, live).items():
            declared_urls[live_name] = declared_urls.get(declared_name, "")
        self.before = {
            name: ResolvedRule.from_live(
                rule, issuer_url=declared_urls.get(rule.spec.issuer_name), workspace_names=names
            )
            for name, rule in live.rules.items()
        }
        self.declared = {
            name: ResolvedRule.from_spec(
                spec, issuer_url=declared_urls.get(spec.issuer_name), workspace_names=names
            )
            for name, spec in desired.rules.items()
        }
        self.archived = scope.archived_live(Kind.RULE, live)
        kept = set(live.rules) - _declared_live_names(desired, Kind.RULE) - self.archived
        self.after = {**{name: self.before[name] for name in kept}, **self.declared}


def _one_sided(
    name: str,
    dimension: str,
    verdict: MatchVerdict,
    *,
    before: ResolvedRule | None = None,
    after: ResolvedRule | None = None,
) -> AccessChange:
    """A created (`rule`) or archived rule, judged by what its grants admit."""
    finding = match_finding(verdict, dimension)
    side = after or before
    summary = rule_summary(side) if side is not None else ""
    finding = finding.model_copy(update={"reason": f"{finding.reason} ({summary})"})
    return AccessChange(
        kind=Kind.RULE,
        name=name,
        effect=finding.effect,
        findings=(finding,),
        before=before,
        after=after,
        witnesses=tuple(w.to_json() for w in verdict.witnesses),
        undecided=verdict.undecided,
    )
