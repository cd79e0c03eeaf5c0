"""One live resource as `fedctl show KIND/NAME` prints it: ID, normalised spec, who changed
it last and when, and which rules reference it. Knows nothing of HTTP (takes a LiveState).

    print(describe_resource(live, "rule/deploy-main"))
"""

from __future__ import annotations

import json

from fedctl.errors import UsageError
from fedctl.escape import escape_terminal
from fedctl.snapshot import find_resource
from fedctl.state import LiveIssuer, LiveRule, LiveServiceAccount, LiveState


def describe_resource(live: LiveState, address: str) -> str:
    resource = find_resource(live, address)
    if resource is None:
        raise UsageError(f"{address}: no live resource of that name (archived ones are not shown)")
    meta = resource.meta
    lines = [
        f"{address} ({meta.id})",
        f"  created      {meta.created_at or '?'} by {meta.created_by_actor_id or '?'}",
        f"  last changed {meta.updated_at or '?'} by {meta.updated_by_actor_id or '?'}",
    ]
    if meta.unmanageable:
        lines.append(f"  unmanageable: {meta.unmanageable}")
    lines.append("  spec:")
    spec = resource.spec.model_dump(mode="json")
    lines += [f"    {key}: {json.dumps(value, sort_keys=True)}" for key, value in spec.items()]
    referencing = _referencing_rules(live, resource)
    if referencing is not None:
        lines.append(f"  referenced by: {', '.join(referencing) or 'no rule'}")
    return "\n".join(escape_terminal(line) for line in lines)


def _referencing_rules(
    live: LiveState, resource: LiveServiceAccount | LiveIssuer | LiveRule
) -> list[str] | None:
    if isinstance(resource, LiveRule):
        return None
    if isinstance(resource, LiveIssuer):
        return sorted(f"rule/{n}" for n, r in live.rules.items() if r.issuer_id == resource.meta.id)
    return sorted(
        f"rule/{n}" for n, r in live.rules.items() if r.service_account_id == resource.meta.id
    )
