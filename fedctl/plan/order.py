"""Draft steps + dependency facts -> Steps in a deterministic topological order.

The diff emits `Draft`s that say which facts they *provide* ("service account ci
exists", "rule r no longer targets svac_x in wrkspc_y") and which they *need*. A need
that no draft provides is already true of the live organization. Ordering is Kahn's
algorithm with a stable priority (creates of issuers and service accounts first,
archives last), so the same inputs always give the same step ids.

Usage:
    drafts = [Draft(operation=Operation.CREATE_ISSUER, kind=Kind.ISSUER, name="gha",
                    provides={exists(Kind.ISSUER, "gha")})]
    steps, step_ids = order_drafts(drafts)
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

from fedctl.core.address import Address
from fedctl.core.errors import PlanError
from fedctl.core.state import Kind
from fedctl.plan.actions import Operation, Step

Fact = tuple[str, ...]

# Lower runs earlier when several steps are ready: it keeps the printed order close to
# how a person would do it by hand, and makes the ids stable.
OPERATION_RANK: dict[Operation, int] = {
    Operation.CREATE_ISSUER: 0,
    Operation.UPDATE_ISSUER: 1,
    Operation.CREATE_SERVICE_ACCOUNT: 2,
    Operation.UPDATE_SERVICE_ACCOUNT: 3,
    Operation.PUT_MEMBERSHIP: 4,
    Operation.DISABLE_RULE_WORKSPACE: 5,
    Operation.UPDATE_RULE: 6,
    Operation.CREATE_RULE: 7,
    Operation.ENABLE_RULE_WORKSPACE: 8,
    Operation.ARCHIVE_RULE: 9,
    Operation.REMOVE_MEMBERSHIP: 10,
    Operation.ARCHIVE_SERVICE_ACCOUNT: 11,
    Operation.ARCHIVE_ISSUER: 12,
    Operation.DEACTIVATE_API_KEY: 13,
}


def exists(kind: Kind, name: str) -> Fact:
    """The resource `kind/name` exists under that name (created or renamed to it)."""
    return ("exists", kind.value, name)


def name_free(kind: Kind, name: str) -> Fact:
    """No active resource of `kind` holds `name` any more (renamed out of the way)."""
    return ("name-free", kind.value, name)


def member(service_account_name: str, workspace_id: str) -> Fact:
    return ("member", service_account_name, workspace_id)


def released(rule_id: str, referenced_id: str) -> Fact:
    """Live rule `rule_id` no longer references issuer/service account `referenced_id`."""
    return ("released", rule_id, referenced_id)


def released_workspace(rule_id: str, service_account_id: str, workspace_id: str) -> Fact:
    """Live rule `rule_id` no longer needs `service_account_id` to be a member of a workspace."""
    return ("released-workspace", rule_id, service_account_id, workspace_id)


def done(tag: str, *parts: str) -> Fact:
    """An internal milestone, e.g. one rule's update having run."""
    return ("done", tag, *parts)


@dataclass
class Draft:
    """A step before ordering; `change_key` ties it to its resource-level Change."""

    operation: Operation
    kind: Kind
    name: str
    live_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    provides: set[Fact] = field(default_factory=set)
    needs: set[Fact] = field(default_factory=set)
    description: str = ""
    change_key: tuple[Kind, str] | None = None


def order_drafts(drafts: list[Draft]) -> tuple[tuple[Step, ...], list[int]]:
    """Steps in topological order, and for each draft (by index) the id of its step."""
    providers: dict[Fact, list[int]] = {}
    for index, draft in enumerate(drafts):
        for fact in draft.provides:
            providers.setdefault(fact, []).append(index)
    edges = {
        index: sorted({p for fact in draft.needs for p in providers.get(fact, []) if p != index})
        for index, draft in enumerate(drafts)
    }
    order = _topological(drafts, edges)
    step_id_of = {index: position + 1 for position, index in enumerate(order)}
    steps = tuple(
        Step(
            id=step_id_of[index],
            operation=drafts[index].operation,
            kind=drafts[index].kind,
            name=drafts[index].name,
            live_id=drafts[index].live_id,
            payload=drafts[index].payload,
            depends_on=tuple(sorted(step_id_of[dep] for dep in edges[index])),
            description=drafts[index].description,
        )
        for index in order
    )
    return steps, [step_id_of[index] for index in range(len(drafts))]


def _topological(drafts: list[Draft], edges: dict[int, list[int]]) -> list[int]:
    waiting = {index: len(deps) for index, deps in edges.items()}
    dependents: dict[int, list[int]] = {index: [] for index in edges}
    for index, deps in edges.items():
        for dep in deps:
            dependents[dep].append(index)

    def priority(index: int) -> tuple[int, str, str, int]:
        draft = drafts[index]
        return (OPERATION_RANK[draft.operation], draft.kind.value, draft.name, index)

    ready = [priority(index) for index, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        index = heapq.heappop(ready)[-1]
        order.append(index)
        for dependent in dependents[index]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                heapq.heappush(ready, priority(dependent))
    if len(order) != len(drafts):
        stuck = sorted({Address(drafts[i].kind, drafts[i].name) for i in waiting if waiting[i]})
        raise PlanError(
            "the changes depend on each other in a cycle and cannot be ordered; "
            "split them over two applies",
            list[str](stuck),
        )
    return order
