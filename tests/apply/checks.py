"""Invariants checked after apply runs: no name twice, untouched bystanders."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fedctl.api import resources
from fedctl.api.client import AdminClient


def assert_no_duplicate_names(client: AdminClient) -> None:
    """Among active resources of each kind, every name appears once."""
    listings = {
        "service_account": resources.list_service_accounts(client, include_archived=True),
        "issuer": resources.list_issuers(client, include_archived=True),
        "rule": resources.list_rules(client, include_archived=True),
    }
    for kind, found in listings.items():
        active = Counter(item.name for item in found if item.archived_at is None)
        twice = sorted(name for name, count in active.items() if count > 1)
        assert twice == [], f"{kind} names held twice: {twice}"


def snapshot_resources(client: AdminClient, names: set[str]) -> dict[str, Any]:
    """The full wire view (timestamps included) of the named resources, for before/after."""
    seen: dict[str, Any] = {}
    for item in resources.list_service_accounts(client, include_archived=True):
        if item.name in names:
            seen[f"service_account/{item.name}"] = item.model_dump()
            seen[f"memberships/{item.name}"] = sorted(
                (m.workspace_id, m.workspace_role)
                for m in resources.list_service_account_workspaces(client, item.id)
            )
    for issuer in resources.list_issuers(client, include_archived=True):
        if issuer.name in names:
            seen[f"issuer/{issuer.name}"] = issuer.model_dump(exclude={"poll_status"})
    for rule in resources.list_rules(client, include_archived=True):
        if rule.name in names:
            seen[f"rule/{rule.name}"] = rule.model_dump()
            seen[f"enablements/{rule.name}"] = sorted(
                w.workspace_id for w in resources.list_rule_workspaces(client, rule.id)
            )
    return seen
