"""Safety limits checked between plan and apply: refuse plans that change too much at once.

Like octoDNS's update/delete thresholds: a typo in a shared file, a wrong `--var` or a
half-merged branch shows up as "archive everything" or "update everything", and CI
should stop there rather than apply it. `--allow-large-changes` lets a reviewed plan
through.

- Archives: a plan may archive at most `max_archives` resources. A replace counts too,
  because it archives the old resource (its ID stops working for workloads).
- API keys: a plan may deactivate at most `max_key_deactivations` keys.
- Updates, replaces and key deactivations: at most `max_changes_percent` percent of the
  managed resources (the live, active resources fedctl manages: not unmanaged, not
  Console-managed; active API keys when it manages them). Updates
  that only add workspace enablements or memberships count as little as creates do
  (`is_additive`). As octoDNS applies its thresholds only above a minimum, the
  percentage refuses only when the plan also touches more than `min_changes_for_percent`
  resources (default 10): in an organization of 11, a rename, a tightened condition and
  a workspace move are 4 changes and 36 %, and routine.

`safety_refusals` lists every limit a plan breaks (the gate, `fedctl.apply.gate`, shows
them all in the plan); `check_safety` raises the first.

Usage:
    check_safety(plan, live, SafetyLimits(max_archives=10, max_changes_percent=30))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fedctl.core.address import Address
from fedctl.core.errors import UnsafePlanError
from fedctl.core.state import Kind, LiveState
from fedctl.plan.actions import Action, Change

if TYPE_CHECKING:
    from fedctl.plan.plan import Plan

DEFAULT_MAX_ARCHIVES = 10
DEFAULT_MAX_CHANGES_PERCENT = 30
DEFAULT_MAX_KEY_DEACTIVATIONS = 5
DEFAULT_MIN_CHANGES_FOR_PERCENT = 10
ALLOW_FLAG = "--allow-large-changes"


@dataclass(frozen=True)
class SafetyLimits:
    """The limits, from `settings` in the configuration (defaults as documented)."""

    max_archives: int = DEFAULT_MAX_ARCHIVES
    max_changes_percent: float = DEFAULT_MAX_CHANGES_PERCENT
    max_key_deactivations: int = DEFAULT_MAX_KEY_DEACTIVATIONS
    min_changes_for_percent: int = DEFAULT_MIN_CHANGES_FOR_PERCENT


def check_safety(
    plan: Plan, live: LiveState, limits: SafetyLimits, *, allow_large_changes: bool = False
) -> None:
    """Raise UnsafePlanError naming the limit, the overshoot and the flag; else return."""
    if allow_large_changes:
        return
    refusals = safety_refusals(plan, live, limits)
    if refusals:
        raise refusals[0]


def safety_refusals(plan: Plan, live: LiveState, limits: SafetyLimits) -> list[UnsafePlanError]:
    """Every limit the plan breaks, each as the error apply would raise (none: safe)."""
    checks = (
        _check_archives(plan.changes, limits),
        _check_key_deactivations(plan.changes, limits),
        _check_changes_percent(plan.changes, count_managed(plan, live), limits),
    )
    return [refusal for refusal in checks if refusal is not None]


def count_managed(plan: Plan, live: LiveState) -> int:
    """Live active resources fedctl manages: all of them less unmanaged and Console-managed.

    An unmanaged resource that this plan archives (prune) is being managed right now, so
    it counts.
    """
    live_keys = {Address(Kind.SERVICE_ACCOUNT, name) for name in live.service_accounts}
    live_keys |= {Address(Kind.ISSUER, name) for name in live.issuers}
    live_keys |= {Address(Kind.RULE, name) for name in live.rules}
    archived_now = {c.address for c in plan.changes if c.action is Action.ARCHIVE}
    excluded = (set(plan.unmanaged) - archived_now) | set(plan.console_managed)
    # Active API keys count when the configuration manages them (they were read).
    live_keys |= {Address(Kind.API_KEY, k.id) for k in live.api_keys or () if k.status == "active"}
    return len(live_keys - excluded)


def is_additive(change: Change) -> bool:
    """An update that only adds workspace enablements or memberships, changing nothing else.

    Like a create, it removes and rewrites nothing, so it does not count towards
    `max_changes_percent`. It is also exactly what an interrupted apply leaves to do (a
    rule created in its first workspace only, an account without its memberships), and
    re-running apply must finish that without --allow-large-changes.
    """
    before, after = change.before or {}, change.after or {}
    if change.action is not Action.UPDATE or not before or not after:
        return False
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key == "workspace_ids" and isinstance(old, list) and isinstance(new, list):
            if not set(old) <= set(new):
                return False
        elif key == "memberships" and isinstance(old, dict) and isinstance(new, dict):
            if any(new.get(workspace) != role for workspace, role in old.items()):
                return False
        else:
            return False
    return True


def _names(changes: list[Change], shown: int = 10) -> list[str]:
    """The first `shown` resources, then how many more: the line must stay readable."""
    names: list[str] = [c.address for c in changes]
    if len(names) > shown:
        return [*names[:shown], f"and {len(names) - shown} more"]
    return names


def _check_archives(changes: tuple[Change, ...], limits: SafetyLimits) -> UnsafePlanError | None:
    archives = [c for c in changes if c.action in (Action.ARCHIVE, Action.REPLACE)]
    if len(archives) <= limits.max_archives:
        return None
    over = len(archives) - limits.max_archives
    return UnsafePlanError(
        f"the plan archives {len(archives)} resources (replacements included), {over} over "
        f"settings.max_archives ({limits.max_archives}); nothing was changed; review the "
        f"plan and re-run with {ALLOW_FLAG} if it is intended",
        _names(archives),
    )


def _check_key_deactivations(
    changes: tuple[Change, ...], limits: SafetyLimits
) -> UnsafePlanError | None:
    deactivations = [c for c in changes if c.action is Action.DEACTIVATE]
    if len(deactivations) <= limits.max_key_deactivations:
        return None
    over = len(deactivations) - limits.max_key_deactivations
    return UnsafePlanError(
        f"the plan deactivates {len(deactivations)} API keys, {over} over "
        f"settings.max_key_deactivations ({limits.max_key_deactivations}); nothing was "
        f"changed; review the plan and re-run with {ALLOW_FLAG} if it is intended",
        _names(deactivations),
    )


def _check_changes_percent(
    changes: tuple[Change, ...], managed: int, limits: SafetyLimits
) -> UnsafePlanError | None:
    touched = [
        c
        for c in changes
        if c.action in (Action.REPLACE, Action.DEACTIVATE)
        or (c.action is Action.UPDATE and not is_additive(c))
    ]
    # Below the minimum a percentage says nothing: 4 edits in an organization of 11.
    if len(touched) <= limits.min_changes_for_percent or managed == 0:
        return None
    percent = 100.0 * len(touched) / managed
    if percent <= limits.max_changes_percent:
        return None
    over = percent - limits.max_changes_percent
    return UnsafePlanError(
        f"the plan updates or replaces {len(touched)} of {managed} managed resources "
        f"({percent:.0f}%), {_points(over)} over "
        f"settings.max_changes_percent ({limits.max_changes_percent:g}%; judged above "
        f"settings.min_changes_for_percent, {limits.min_changes_for_percent} changes); "
        f"nothing was changed; review the plan and re-run with {ALLOW_FLAG} if it is "
        "intended",
        _names(touched),
    )


def _points(over: float) -> str:
    """`1 point`, `6 points`: percentage points over the limit, as rounded in the message."""
    rounded = f"{over:.0f}"
    return f"{rounded} point" if rounded == "1" else f"{rounded} points"
