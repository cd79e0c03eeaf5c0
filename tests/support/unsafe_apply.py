"""`unsafe_apply_for_tests`: run a plan's steps straight through the client, no checks.

A stand-in for `fedctl apply` in planner tests (apply-then-plan-is-empty): it follows
the step payload contract (PLAN-CONTRACT.md) with raw requests, in step order, resolving
names to IDs from the live state plus this run's creates. No staleness check, no safety
limits, no read-back: never use it outside tests.
"""

from __future__ import annotations

from typing import Any

from fedctl.api.client import AdminClient
from fedctl.core.state import Kind, LiveState
from fedctl.plan.actions import Operation, Step
from fedctl.plan.plan import Plan

ORG = "/v1/organizations"
COLLECTION = {
    Kind.SERVICE_ACCOUNT: f"{ORG}/service_accounts",
    Kind.ISSUER: f"{ORG}/federation_issuers",
    Kind.RULE: f"{ORG}/federation_rules",
}


def unsafe_apply_for_tests(client: AdminClient, plan: Plan, live: LiveState) -> None:
    ids: dict[tuple[Kind, str], str] = {}
    for name, account in live.service_accounts.items():
        ids[(Kind.SERVICE_ACCOUNT, name)] = account.meta.id
    for name, issuer in live.issuers.items():
        ids[(Kind.ISSUER, name)] = issuer.meta.id
    for name, rule in live.rules.items():
        ids[(Kind.RULE, name)] = rule.meta.id
    for step in plan.steps:
        _run(client, step, ids)


def _run(client: AdminClient, step: Step, ids: dict[tuple[Kind, str], str]) -> None:
    base = COLLECTION[step.kind]
    own_id = step.live_id or ids.get((step.kind, step.name))
    payload = dict(step.payload)
    op = step.operation
    if op in (Operation.CREATE_SERVICE_ACCOUNT, Operation.CREATE_ISSUER, Operation.CREATE_RULE):
        if op is Operation.CREATE_RULE:
            payload = _rule_body(payload, ids)
        created: dict[str, Any] = client.request("POST", base, json=payload)
        ids[(step.kind, step.name)] = created["id"]
    elif op in (Operation.UPDATE_SERVICE_ACCOUNT, Operation.UPDATE_ISSUER, Operation.UPDATE_RULE):
        if op is Operation.UPDATE_RULE:
            payload = _rule_body(payload, ids)
        client.request("POST", f"{base}/{own_id}", json=payload)
        if "name" in payload and own_id:
            ids[(step.kind, payload["name"])] = own_id
    elif op in (
        Operation.ARCHIVE_SERVICE_ACCOUNT,
        Operation.ARCHIVE_ISSUER,
        Operation.ARCHIVE_RULE,
    ):
        client.request("POST", f"{base}/{own_id}/archive")
    elif op is Operation.PUT_MEMBERSHIP:
        client.request("POST", f"{base}/{own_id}/workspaces", json=payload)
    elif op is Operation.REMOVE_MEMBERSHIP:
        client.request("DELETE", f"{base}/{own_id}/workspaces/{payload['workspace_id']}")
    elif op is Operation.ENABLE_RULE_WORKSPACE:
        client.request("POST", f"{base}/{own_id}/workspaces", json=payload)
    elif op is Operation.DISABLE_RULE_WORKSPACE:
        client.request("DELETE", f"{base}/{own_id}/workspaces/{payload['workspace_id']}")


def _rule_body(payload: dict[str, Any], ids: dict[tuple[Kind, str], str]) -> dict[str, Any]:
    body = dict(payload)
    if "issuer_name" in body:
        body["issuer_id"] = ids[(Kind.ISSUER, body.pop("issuer_name"))]
    if "service_account_name" in body:
        account_id = ids[(Kind.SERVICE_ACCOUNT, body.pop("service_account_name"))]
        body["target"] = {"type": "service_account", "service_account_id": account_id}
    return body
