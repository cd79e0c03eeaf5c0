"""Unmanageable live resources: shown with their reason, never written.

`live` marks a resource whose live state fedctl cannot represent exactly
(`fedctl.live.unmanageable`). Whatever the diff planned for one (update, replace, archive,
prune, a workspace change) is taken out here, together with every step that needed one
of those steps, so no write ever acts on a misreading. `--target` selects from what is
left, so it cannot reach them either.
"""

from __future__ import annotations

from fedctl.core.address import Address
from fedctl.core.state import Kind
from fedctl.plan.context import DiffContext
from fedctl.plan.order import Draft, Fact
from fedctl.plan.records import HeldResource


def unmanageable_ids(ctx: DiffContext) -> dict[str, HeldResource]:
    """live ID -> the held resource and its reason, for every active unmanageable one."""
    return {
        meta.id: HeldResource(kind=kind, name=name, live_id=meta.id, reason=meta.unmanageable or "")
        for kind, name, meta in ctx.live.unmanageable()
    }


def hold_unmanageable(ctx: DiffContext, unmanageable: dict[str, HeldResource]) -> list[str]:
    """Drop the changes and steps that would write an unmanageable resource; say which.

    `unmanageable` is `unmanageable_ids(ctx)`.
    """
    held_ids = set(unmanageable)
    held: set[tuple[Kind, str]] = {
        d.change_key for d in ctx.drafts if d.live_id in held_ids and d.change_key is not None
    }
    held |= {key for key, change in ctx.changes.items() if change.live_id in held_ids}
    while True:
        grown = held | _stranded(ctx.drafts, held, held_ids)
        if grown == held:
            break
        held = grown
    ctx.drafts[:] = [d for d in ctx.drafts if not _is_held(d, held, held_ids)]
    # A predicted refusal about held resources alone is moot: nothing is sent for them.
    addresses = {Address(kind, name) for kind, name in held}
    addresses |= {resource.address for resource in unmanageable.values()}
    ctx.problems[:] = [p for p in ctx.problems if not set(p.resources) <= addresses]
    notes = []
    for key in sorted(held, key=lambda k: (k[0].value, k[1])):
        change = ctx.changes.pop(key, None)
        action = change.action.value if change else "change"
        notes.append(
            f"{key[0].value}/{key[1]}: not planned ({action}): it is unmanageable, or "
            "depends on a step that would write an unmanageable resource"
        )
    return notes


def _is_held(draft: Draft, held: set[tuple[Kind, str]], held_ids: set[str]) -> bool:
    return draft.change_key in held or draft.live_id in held_ids


def _stranded(
    drafts: list[Draft], held: set[tuple[Kind, str]], held_ids: set[str]
) -> set[tuple[Kind, str]]:
    """Change keys of kept drafts that need a fact only a held draft would provide."""
    kept_facts: set[Fact] = set()
    held_facts: set[Fact] = set()
    for draft in drafts:
        facts = held_facts if _is_held(draft, held, held_ids) else kept_facts
        facts.update(draft.provides)
    lost = held_facts - kept_facts
    return {
        draft.change_key
        for draft in drafts
        if draft.change_key is not None
        and not _is_held(draft, held, held_ids)
        and draft.needs & lost
    }
