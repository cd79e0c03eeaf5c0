"""Plan -> the part of the trust graph it changes: the rules whose access changes, with
their edges added, removed or kept, capped at a number of nodes.

Built from the plan's access diff (each changed rule's before and after), so it needs no
state beyond the plan. Workspace edges say `via RULE`: another rule on the same service
account may still reach a workspace one rule stops reaching.

    graph = plan_graph(plan)   # None when the plan changes no trust relation
"""

from __future__ import annotations

from dataclasses import replace

from fedctl.access.model import AccessChange, Effect
from fedctl.core.resolved import ResolvedRule
from fedctl.core.state import Kind
from fedctl.graph.mermaid import render_mermaid
from fedctl.graph.model import (
    Edge,
    Graph,
    MatchParts,
    Node,
    NodeKind,
    Status,
    node_key,
    rule_edges,
    rule_nodes,
    short_match,
    sorted_edges,
    sorted_nodes,
)
from fedctl.plan.actions import Action
from fedctl.plan.plan import Plan

MAX_NODES = 50


def plan_graph(plan: Plan, *, max_nodes: int = MAX_NODES) -> Graph | None:
    changes = [
        change
        for change in plan.access.changes
        if change.kind is Kind.RULE and change.before != change.after
    ]
    if not changes:
        return None
    nodes: dict[str, Node] = {}
    edges: dict[tuple[str, str, str], Edge] = {}
    omitted = 0
    for change in sorted(changes, key=lambda c: c.name):
        rule_nodes_, rule_edges_ = _drawn(change, plan.workspace_names)
        new_keys = {node.key for node in rule_nodes_} - nodes.keys()
        if len(nodes) + len(new_keys) > max_nodes:
            omitted += 1
            continue
        for node in rule_nodes_:
            # The rule's own node carries its status; shared nodes stay as first drawn.
            if node.status is not Status.UNCHANGED or node.key not in nodes:
                nodes[node.key] = node
        for edge in rule_edges_:
            edges[(edge.source, edge.target, edge.label)] = edge
    _mark_changed_ends(plan, nodes)
    return Graph(
        nodes=sorted_nodes(nodes.values()),
        edges=sorted_edges(edges.values()),
        omitted_rules=omitted,
        max_nodes=max_nodes,
    )


_END_KINDS = {Kind.ISSUER: NodeKind.ISSUER, Kind.SERVICE_ACCOUNT: NodeKind.SERVICE_ACCOUNT}
_ACTION_STATUS = {
    Action.CREATE: Status.ADDED,
    Action.ARCHIVE: Status.REMOVED,
    Action.UPDATE: Status.CHANGED,
    Action.REPLACE: Status.CHANGED,
    Action.DEACTIVATE: Status.REMOVED,
}


def _mark_changed_ends(plan: Plan, nodes: dict[str, Node]) -> None:
    """Issuers and service accounts already drawn whose own change alters access (a new
    issuer URL, an archived account) are marked too; they never add a node of their own,
    so a plan that changes no rule's edges still embeds nothing."""
    affecting = {
        (change.kind, change.name)
        for change in plan.access.changes
        if change.kind in _END_KINDS and change.effect is not Effect.NEUTRAL
    }
    for change in plan.changes:
        if (change.kind, change.name) not in affecting:
            continue
        key = node_key(_END_KINDS[change.kind], change.name)
        if key in nodes and nodes[key].status is Status.UNCHANGED:
            nodes[key] = replace(nodes[key], status=_ACTION_STATUS[change.action])


def _drawn(change: AccessChange, workspace_names: dict[str, str]) -> tuple[list[Node], list[Edge]]:
    before = _side(change.name, change.before, workspace_names)
    after = _side(change.name, change.after, workspace_names)
    status = Status.ADDED if before is None else Status.REMOVED if after is None else Status.CHANGED
    old = _edges(before, versus=after)
    new = _edges(after, versus=before)
    edges = [
        Edge(e.source, e.target, e.label, Status.UNCHANGED if key in old else Status.ADDED)
        for key, e in new.items()
    ]
    edges += [
        Edge(e.source, e.target, e.label, Status.REMOVED)
        for key, e in old.items()
        if key not in new
    ]
    nodes = [
        *(rule_nodes(before, status) if before else []),
        *(rule_nodes(after, status) if after else []),
    ]
    return nodes, edges


def _edges(
    side: ResolvedRule | None, *, versus: ResolvedRule | None
) -> dict[tuple[str, str, str], Edge]:
    """One side's edges; its match label is cut around where it differs from the other's."""
    if side is None:
        return {}
    other = None
    if versus is not None:
        other = MatchParts(
            versus.subject_prefix, versus.audience, versus.claims_dict or None, versus.condition
        )
    match = short_match(
        side.subject_prefix, side.audience, side.claims_dict or None, side.condition, versus=other
    )
    return {_edge_key(e): e for e in rule_edges(side, match=match, via=True)}


def _edge_key(edge: Edge) -> tuple[str, str, str]:
    return (edge.source, edge.target, edge.label)


def _side(
    name: str, side: ResolvedRule | None, workspace_names: dict[str, str]
) -> ResolvedRule | None:
    """A side under the rule's declared name, its workspaces named as the plan names them."""
    if side is None:
        return None
    names = {**side.workspace_names_by_id, **workspace_names}
    named = tuple((wid, names[wid]) for wid in side.workspace_ids if wid in names)
    return replace(side, name=name, workspace_names=named)


def render_plan_graph_markdown(plan: Plan, *, max_nodes: int = MAX_NODES) -> str | None:
    """The Markdown section: a ```mermaid block of `plan_graph`, with a note when cut;
    None when the plan changes no trust relation (the plan then embeds nothing)."""
    graph = plan_graph(plan, max_nodes=max_nodes)
    if graph is None:
        return None
    text = (
        "### Trust graph of this change\n\n"
        "Added edges are thick (`==>`), removed ones dotted (`-.->`); nodes marked "
        "`+` added, `-` archived, `~` changed.\n\n"
        f"```mermaid\n{render_mermaid(graph)}```\n"
    )
    if graph.omitted_rules:
        text += (
            f"\n> Cut at {max_nodes} nodes: {graph.omitted_rules} more changed rule(s) are "
            "not drawn; `fedctl plan --format json` lists every change.\n"
        )
    return text
