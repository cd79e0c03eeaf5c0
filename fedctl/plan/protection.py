"""Which planned archives and replacements touch a protected resource.

Protection follows the live resource, not the name the configuration gives it now: a
change is protected when a `settings.protect` entry matches its name in the
configuration, the name the live resource has (renamed through `previous_names`, or
replaced), or its live ID (`fdrl_...`). So `prod-deploy` renamed `x-deploy` and moved
to another issuer (a replace, which archives `prod-deploy`) stays refused under
`rule/prod-*`, as Terraform's `deletion_protection` stays with the resource in state.

    refused = protected_changes(plan.changes, ["rule/prod-*"], live_names_by_id(live))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from fedctl.core.address import Address
from fedctl.core.patterns import matching_pattern
from fedctl.plan.actions import Action, Change

# What removes a live resource: a replace archives the old one too.
REMOVING = (Action.ARCHIVE, Action.REPLACE)


@dataclass(frozen=True)
class ProtectedChange:
    """An archive or replace of a protected resource, and what protects it."""

    address: Address
    live_name: str
    live_id: str | None
    pattern: str

    def describe(self) -> str:
        """`rule/x-deploy (live rule/prod-deploy, fdrl_..., matched by rule/prod-*)`."""
        known = []
        if self.live_name and self.live_name != self.address.name:
            known.append(f"live {Address(self.address.kind, self.live_name)}")
        if self.live_id:
            known.append(self.live_id)
        known.append(f"matched by {self.pattern}")
        return f"{self.address} ({', '.join(known)})"


def protected_changes(
    changes: Iterable[Change], protect: Iterable[str], live_names: Mapping[str, str]
) -> list[ProtectedChange]:
    """Every archive or replace whose resource a protect entry matches, by any name or ID."""
    patterns = tuple(protect)
    if not patterns:
        return []
    found = []
    for change in changes:
        if change.action not in REMOVING:
            continue
        live_name = live_names.get(change.live_id or "", "")
        before_name = (change.before or {}).get("name")
        names = [change.name, live_name, before_name if isinstance(before_name, str) else ""]
        pattern = matching_pattern(change.kind, names, change.live_id, patterns)
        if pattern is not None:
            address = change.address
            found.append(ProtectedChange(address, live_name, change.live_id, pattern))
    return found
