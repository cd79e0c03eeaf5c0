"""Static API keys under `api_keys.manage`: every active key not allowed is deactivated.

fedctl never archives a key (archive is irreversible, docs/admin-api.md §9.3) and never
reactivates one. Deactivations run after every other step of the plan, so a key is
switched off only once the federation that replaces it has been applied; a failed step
leaves the keys as they were.
"""

from __future__ import annotations

from fedctl.core.resolved.api_key import key_workspace_name
from fedctl.core.state import ApiKeyPolicySpec, Kind, LiveApiKey, LiveState
from fedctl.plan.actions import Action, Operation
from fedctl.plan.context import DiffContext, PendingChange
from fedctl.plan.order import Draft, done
from fedctl.plan.problems import Problem

INACTIVE = "inactive"


def diff_api_keys(ctx: DiffContext) -> None:
    policy = ctx.desired.api_keys
    if policy is None or not policy.manage:
        return
    keys = ctx.live.api_keys
    if keys is None:
        # Never plan on an unknown set of keys; the pipeline reads them, so this is a
        # state built without them (a test, or a snapshot the pipeline did not refuse).
        ctx.problems.append(Problem(("api_keys",), "manage is true but the API keys were not read"))
        return
    ctx.warnings.extend(_unmatched_allowances(policy, keys))
    before_keys = _every_step_so_far(ctx)
    for key in sorted(keys, key=lambda k: (k.workspace_id or "", k.name, k.id)):
        if policy.allows(key):
            if key.status == INACTIVE:
                ctx.warnings.append(
                    f"api_key/{key.id}: {key.name!r} may stay active (api_keys.allow_active) "
                    "but is inactive; fedctl never reactivates a key"
                )
            continue
        if key.status == "active":
            _deactivate(ctx, key, before_keys)


def _view(key: LiveApiKey, status: str, live: LiveState) -> dict[str, object]:
    return {
        "name": key.name,
        "partial_key_hint": key.partial_key_hint,
        "workspace": key_workspace_name(key, live.workspaces),
        "status": status,
    }


def _deactivate(ctx: DiffContext, key: LiveApiKey, needs: set[tuple[str, ...]]) -> None:
    where = key_workspace_name(key, ctx.live.workspaces)
    ctx.add_change(
        PendingChange(
            Kind.API_KEY,
            key.id,
            Action.DEACTIVATE,
            before=_view(key, "active", ctx.live),
            after=_view(key, INACTIVE, ctx.live),
            changed_fields=("status",),
            reason=f"static key {key.name!r} in {where} is not in api_keys.allow_active",
            live_id=key.id,
        )
    )
    ctx.add_draft(
        Draft(
            Operation.DEACTIVATE_API_KEY,
            Kind.API_KEY,
            key.id,
            live_id=key.id,
            payload={"status": INACTIVE},
            needs=set(needs),
            description=f"deactivate API key {key.name} ({key.id}) in {where}",
        ),
        (Kind.API_KEY, key.id),
    )


def _every_step_so_far(ctx: DiffContext) -> set[tuple[str, ...]]:
    """A fact for every draft planned so far, for the keys to wait on."""
    facts: set[tuple[str, ...]] = set()
    for index, draft in enumerate(ctx.drafts):
        fact = done("before-api-keys", str(index))
        draft.provides.add(fact)
        facts.add(fact)
    return facts


def _unmatched_allowances(policy: ApiKeyPolicySpec, keys: tuple[LiveApiKey, ...]) -> list[str]:
    names = {key.name for key in keys}
    ids = {key.id for key in keys}
    notes = [
        f"api_keys.allow_active: no live API key is named {name!r}; fix the name or remove "
        "the entry"
        for name in sorted(set(policy.allowed_names) - names)
    ]
    notes += [
        f"api_keys.allow_active: no live API key has the ID {key_id}; fix it or remove the entry"
        for key_id in sorted(set(policy.allowed_ids) - ids)
    ]
    return notes
