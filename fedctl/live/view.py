"""One live resource as `fedctl show KIND/NAME` prints it: ID, who changed it last and
when, the resource in the configuration language (as `fedctl export` writes it:
workspaces by name, server defaults and unset fields left out), and which rules
reference it. Knows nothing of HTTP (takes a LiveState).

    print(describe_resource(live, "rule/deploy-main"))
"""

from __future__ import annotations

from fedctl.core.address import Address
from fedctl.core.errors import UsageError
from fedctl.core.escape import escape_terminal
from fedctl.core.state import Kind, LiveIssuer, LiveRule, LiveServiceAccount, LiveState
from fedctl.export.document import build_export
from fedctl.export.render import render_body
from fedctl.live.snapshot import find_resource


def describe_resource(live: LiveState, text: str) -> str:
    address = Address.parse(text)
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
    lines += _configuration_lines(live, address)
    referencing = _referencing_rules(live, resource)
    if referencing is not None:
        lines.append(f"  referenced by: {', '.join(referencing) or 'no rule'}")
    return "\n".join(escape_terminal(line) for line in lines)


def _referencing_rules(
    live: LiveState, resource: LiveServiceAccount | LiveIssuer | LiveRule
) -> list[Address] | None:
    if isinstance(resource, LiveRule):
        return None
    if isinstance(resource, LiveIssuer):
        return sorted(
            Address(Kind.RULE, n) for n, r in live.rules.items() if r.issuer_id == resource.meta.id
        )
    return sorted(
        Address(Kind.RULE, n)
        for n, r in live.rules.items()
        if r.service_account_id == resource.meta.id
    )


def _configuration_lines(live: LiveState, address: Address) -> list[str]:
    """The resource as configuration, its export notes (Console-managed, legacy binding,
    leaked keys) as comments above it."""
    entry = next(
        e for e in build_export(live).entries if (e.kind, e.name) == (address.kind, address.name)
    )
    lines = ["  configuration:"]
    lines += [f"    # {note}" for note in entry.notes]
    lines += [f"    {line}" for line in render_body(entry.body).splitlines()]
    return lines
