"""A rule updated in place: its steps in the order that keeps it enabled somewhere.

`update_rule` runs named phases in a fixed order (docs/admin-api.md §2.6.4, §2.7.3): turn
"all workspaces" on; disable left workspaces first when another stays enabled
throughout; the main update (rename, match, scope, retarget...); enable new workspaces;
disable the left workspaces now if none stayed; turn "all workspaces" off last, once an
explicit workspace exists. A rule therefore never passes through "enabled nowhere".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fedctl.core.fields import RULE_FIELDS
from fedctl.core.state import Kind, LiveRule, RuleSpec
from fedctl.plan.actions import Operation
from fedctl.plan.context import DiffContext
from fedctl.plan.diff import top_level
from fedctl.plan.normalise import RULE_AS_SENT, match_payload
from fedctl.plan.order import Draft, Fact, done, exists, member, released, released_workspace


@dataclass(frozen=True)
class _Move:
    """How the rule's workspaces change, and the facts its phases wait on."""

    key: tuple[Kind, str]
    removed: list[str]
    added: list[str]
    all_on: bool
    all_off: bool
    # While one workspace stays enabled throughout, disabling goes first (the least
    # access in between); otherwise it waits until the new workspaces are enabled.
    disable_first: bool
    main_done: Fact
    all_on_done: Fact


def _move_of(spec: RuleSpec, current: LiveRule) -> _Move:
    rule_id = current.meta.id
    live_workspaces = current.spec.workspace_ids
    all_on = spec.applies_to_all_workspaces and not current.spec.applies_to_all_workspaces
    return _Move(
        key=(Kind.RULE, spec.name),
        removed=sorted(live_workspaces - spec.workspace_ids),
        added=sorted(spec.workspace_ids - live_workspaces),
        all_on=all_on,
        all_off=current.spec.applies_to_all_workspaces and not spec.applies_to_all_workspaces,
        disable_first=(
            all_on
            or current.spec.applies_to_all_workspaces
            or bool(live_workspaces & spec.workspace_ids)
        ),
        main_done=done("rule-main", rule_id),
        all_on_done=done("rule-all-on", rule_id),
    )


def update_rule(ctx: DiffContext, spec: RuleSpec, current: LiveRule, fields: set[str]) -> None:
    move = _move_of(spec, current)
    _turn_all_on(ctx, spec, current, move)
    if move.disable_first:
        _draft_disables(ctx, move.key, current, move.removed, needs={move.all_on_done})
    _main_update(ctx, spec, current, move, top_level(fields))
    enabled = _enable_new(ctx, spec, current, move)
    if not move.disable_first:
        _draft_disables(ctx, move.key, current, move.removed, needs={move.all_on_done, *enabled})
    _turn_all_off(ctx, spec, current, move, enabled)


def _turn_all_on(ctx: DiffContext, spec: RuleSpec, current: LiveRule, move: _Move) -> None:
    if not move.all_on:
        return
    payload = {"applies_to_all_workspaces": True, "match": match_payload(spec.match)}
    _draft_rule_update(
        ctx, move.key, current, current.spec.name, payload, {move.all_on_done}, set()
    )


def _main_update(
    ctx: DiffContext, spec: RuleSpec, current: LiveRule, move: _Move, top_fields: set[str]
) -> None:
    payload = _main_update_payload(spec, top_fields)
    if not payload:
        return
    rule_id = current.meta.id
    live_workspaces = current.spec.workspace_ids
    provides = {move.main_done}
    needs = {move.all_on_done}
    if "service_account_name" in payload:
        provides.add(released(rule_id, current.service_account_id))
        provides |= {
            released_workspace(rule_id, current.service_account_id, workspace_id)
            for workspace_id in live_workspaces
        }
        needs.add(exists(Kind.SERVICE_ACCOUNT, spec.service_account_name))
        needs |= {
            member(spec.service_account_name, workspace_id)
            for workspace_id in live_workspaces & spec.workspace_ids
        }
        ctx.retargeted_rule_ids.add(rule_id)
    _draft_rule_update(ctx, move.key, current, current.spec.name, payload, provides, needs)


def _enable_new(ctx: DiffContext, spec: RuleSpec, current: LiveRule, move: _Move) -> set[Fact]:
    rule_id = current.meta.id
    enabled: set[Fact] = set()
    for workspace_id in move.added:
        fact = done("rule-enabled", rule_id, workspace_id)
        enabled.add(fact)
        ctx.add_draft(
            Draft(
                Operation.ENABLE_RULE_WORKSPACE,
                Kind.RULE,
                spec.name,
                live_id=rule_id,
                payload={"workspace_id": workspace_id},
                provides={fact},
                needs={
                    move.main_done,
                    move.all_on_done,
                    member(spec.service_account_name, workspace_id),
                },
                description=f"enable rule {spec.name} in {ctx.workspace_label(workspace_id)}",
            ),
            move.key,
        )
    return enabled


def _turn_all_off(
    ctx: DiffContext, spec: RuleSpec, current: LiveRule, move: _Move, enabled: set[Fact]
) -> None:
    if not move.all_off:
        return
    payload = {"applies_to_all_workspaces": False, "match": match_payload(spec.match)}
    _draft_rule_update(
        ctx, move.key, current, spec.name, payload, set(), enabled | {move.main_done}
    )


def _draft_disables(
    ctx: DiffContext,
    key: tuple[Kind, str],
    current: LiveRule,
    removed: list[str],
    *,
    needs: set[Fact],
) -> None:
    rule_id = current.meta.id
    for workspace_id in removed:
        ctx.add_draft(
            Draft(
                Operation.DISABLE_RULE_WORKSPACE,
                Kind.RULE,
                current.spec.name,
                live_id=rule_id,
                payload={"workspace_id": workspace_id},
                provides={released_workspace(rule_id, current.service_account_id, workspace_id)},
                needs=needs,
                description=(
                    f"disable rule {current.spec.name} in {ctx.workspace_label(workspace_id)}"
                ),
            ),
            key,
        )


def _main_update_payload(spec: RuleSpec, top_fields: set[str]) -> dict[str, Any]:
    payload = RULE_FIELDS.update_body(spec, top_fields, RULE_AS_SENT)
    if payload:
        payload["match"] = match_payload(spec.match)  # the tenant re-check (module docstring)
    return payload


def _draft_rule_update(
    ctx: DiffContext,
    key: tuple[Kind, str],
    current: LiveRule,
    name: str,
    payload: dict[str, Any],
    provides: set[Fact],
    needs: set[Fact],
) -> None:
    ctx.add_draft(
        Draft(
            Operation.UPDATE_RULE,
            Kind.RULE,
            name,
            live_id=current.meta.id,
            payload=payload,
            provides=provides,
            needs=needs,
            description=f"update rule {name} ({', '.join(_shown_fields(current, payload))})",
        ),
        key,
    )


def _shown_fields(current: LiveRule, payload: dict[str, Any]) -> list[str]:
    """The payload's fields a reviewer should read as changed: `match` only if it differs."""
    unchanged_match = payload.get("match") == match_payload(current.spec.match)
    return sorted(field for field in payload if not (field == "match" and unchanged_match))
