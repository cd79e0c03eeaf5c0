"""API keys in the access diff: a deactivated static key narrows who can call the API."""

from __future__ import annotations

from collections.abc import Sequence

from fedctl.access.counterpart import PlanChange
from fedctl.access.model import AccessChange, Effect, Finding
from fedctl.core.resolved import ResolvedApiKey
from fedctl.core.state import DesiredState, Kind, LiveState


def key_changes(
    desired: DesiredState, live: LiveState, plan_changes: Sequence[PlanChange] | None
) -> list[AccessChange]:
    keys = {key.id: key for key in live.api_keys or ()}
    if plan_changes is not None:
        retired = [
            keys[change.name]
            for change in plan_changes
            if change.kind is Kind.API_KEY and change.action == "deactivate"
            and change.name in keys
        ]  # fmt: skip
    else:
        policy = desired.api_keys
        manage = policy is not None and policy.manage
        retired = [
            key
            for key in keys.values()
            if manage and policy is not None and key.status == "active" and not policy.allows(key)
        ]
    names = {workspace.id: workspace.name for workspace in live.workspaces}
    return [_narrowing(ResolvedApiKey.from_live(key, workspace_names=names)) for key in retired]


def _narrowing(key: ResolvedApiKey) -> AccessChange:
    reason = f"static key {key.name} in {key.where} can no longer call the API"
    return AccessChange(
        kind=Kind.API_KEY,
        name=key.id,
        effect=Effect.NARROWING,
        findings=(Finding(dimension="api_key", effect=Effect.NARROWING, reason=reason),),
    )
