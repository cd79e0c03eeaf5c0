"""Checks that a saved plan still describes the world before apply runs it.

A saved plan is what a reviewer approved. Between `fedctl plan --out` and `fedctl apply
PLANFILE` the configuration may have moved on (another merge) and the live organization
may have changed (a Console edit, another apply). Either way the reviewed plan no longer
says what would happen, so apply refuses, changing nothing, and names what moved:

- the configuration's digest differs from the one the plan recorded;
- a live resource the plan touches has another `updated_at`, was archived, disappeared or
  was replaced by another ID (compared against the plan's `live_versions`);
- a resource the plan creates exists now.

Usage:
    check_saved_plan_current(plan, live, config_digest=config.digest)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from fedctl.errors import PlanError
from fedctl.plan.actions import Action
from fedctl.state import Kind, LiveMeta, LiveState

if TYPE_CHECKING:
    from fedctl.plan.plan import Plan

REPLAN = "nothing was changed; run `fedctl plan` again and review the new plan"


class _Versioned(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def updated_at(self) -> str | None: ...
    @property
    def archived_at(self) -> str | None: ...


class SavedPlanStale(PlanError):
    """The saved plan no longer matches the configuration or the live organization."""


def check_saved_plan_current(plan: Plan, live: LiveState, *, config_digest: str) -> None:
    """Raise SavedPlanStale naming every moved resource; return when the plan is current."""
    if plan.config_digest != config_digest:
        raise SavedPlanStale(
            f"the configuration changed since this plan was made (digest "
            f"{_short(plan.config_digest)} in the plan, {_short(config_digest)} now); {REPLAN}"
        )
    if plan.organization.id != live.organization.id:
        raise SavedPlanStale(
            f"the plan was made for organization {plan.organization.id}, but the credential "
            f"belongs to {live.organization.id}; {REPLAN}"
        )
    moved = list(_moved_resources(plan, live))
    if moved:
        raise SavedPlanStale(
            f"changed since the plan was made: {'; '.join(moved)}; {REPLAN}",
            [entry.split(" ", 1)[0] for entry in moved],
        )


def _short(digest: str) -> str:
    return digest[:12] if digest else "(none)"


def _moved_resources(plan: Plan, live: LiveState) -> Iterator[str]:
    for key, version in sorted(plan.live_versions.items()):
        problem = _version_problem(key, version, live)
        if problem:
            yield f"{key} {problem}"
    for change in plan.changes:
        key = f"{change.kind.value}/{change.name}"
        if change.action is Action.CREATE and _active_meta(live, change.kind, change.name):
            yield f"{key} exists now (the plan would create it)"


def _version_problem(key: str, version: _Versioned, live: LiveState) -> str:
    kind_value, _, name = key.partition("/")
    kind = Kind(kind_value)
    meta = _active_meta(live, kind, name)
    if meta is None:
        archived = _archived_meta_by_id(live, kind, version.id)
        if archived is not None:
            return f"was archived at {archived.archived_at}"
        return f"no longer exists ({version.id} is gone or was renamed)"
    if meta.id != version.id:
        return f"was replaced ({version.id} in the plan, {meta.id} now)"
    if meta.updated_at != version.updated_at:
        return f"was updated at {meta.updated_at} (plan saw {version.updated_at})"
    if meta.archived_at != version.archived_at:
        return f"archive state changed (plan saw archived_at {version.archived_at})"
    return ""


def _active_meta(live: LiveState, kind: Kind, name: str) -> LiveMeta | None:
    if kind is Kind.SERVICE_ACCOUNT:
        account = live.service_accounts.get(name)
        return account.meta if account else None
    if kind is Kind.ISSUER:
        issuer = live.issuers.get(name)
        return issuer.meta if issuer else None
    rule = live.rules.get(name)
    return rule.meta if rule else None


def _archived_meta_by_id(live: LiveState, kind: Kind, resource_id: str) -> LiveMeta | None:
    metas: list[LiveMeta]
    if kind is Kind.SERVICE_ACCOUNT:
        metas = [account.meta for account in live.archived_service_accounts]
    elif kind is Kind.ISSUER:
        metas = [issuer.meta for issuer in live.archived_issuers]
    else:
        metas = [rule.meta for rule in live.archived_rules]
    return next((meta for meta in metas if meta.id == resource_id), None)
