"""The trust graph as data: who (issuer + match) can mint what (scope) as whom (service
account), where (workspaces). Renderers draw it; nothing here knows a drawing language.

    graph = build_graph([resolved_rule, ...])   # fedctl.core.resolved.ResolvedRule
    graph.nodes[0].key   # 'issuer/github'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from fedctl.core.resolved import ResolvedRule, workspace_label
from fedctl.core.state import scope_is_manageable

# Labels are for a glance; the full values are in `fedctl show` and the plan's fields.
MAX_MATCH_LENGTH = 96
MAX_PART_LENGTH = 56
EVERY_WORKSPACE_KEY = "workspace*"


class Status(StrEnum):
    """How a plan changes a node or an edge; a whole-organization graph is all UNCHANGED."""

    UNCHANGED = "unchanged"
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class NodeKind(StrEnum):
    ISSUER = "issuer"
    RULE = "rule"
    SERVICE_ACCOUNT = "service_account"
    WORKSPACE = "workspace"


@dataclass(frozen=True)
class Node:
    key: str
    kind: NodeKind
    name: str
    console_managed: bool = False
    status: Status = Status.UNCHANGED


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""
    status: Status = Status.UNCHANGED


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    # A plan graph drawn only in part (too many nodes): how many changed rules are left out.
    omitted_rules: int = 0
    max_nodes: int | None = None


@dataclass(frozen=True)
class MatchParts:
    """A rule's match, as `short_match` abbreviates it."""

    subject_prefix: str | None = None
    audience: str | None = None
    claims: Mapping[str, str] | None = None
    condition: str | None = None


def short_match(
    subject_prefix: str | None,
    audience: str | None,
    claims: Mapping[str, str] | None,
    condition: str | None,
    *,
    versus: MatchParts | None = None,
) -> str:
    """`sub repo:acme/app:*, aud X, ref=refs/heads/main, if claims.x…`, cut at 96 characters.

    With `versus` (the other side of a change), a long value is cut around where it
    differs from the other side's, not at a fixed length, and the parts that changed are
    kept over those that did not: `…refs/heads/release` and `…refs/heads/main` stay two
    different labels.
    """
    other = versus or MatchParts()
    compared = versus is not None
    parts: list[tuple[str, bool]] = []
    if subject_prefix:
        cut = _cut_around(subject_prefix, other.subject_prefix, MAX_PART_LENGTH, compared)
        parts.append((f"sub {cut}", compared and subject_prefix != other.subject_prefix))
    if audience:
        cut = _cut_around(audience, other.audience, MAX_PART_LENGTH, compared)
        parts.append((f"aud {cut}", compared and audience != other.audience))
    other_claims = other.claims or {}
    for key, value in sorted((claims or {}).items()):
        was = other_claims.get(key)
        text = f"{_cut(key, 20)}={_cut_around(value, was, 30, compared)}"
        parts.append((text, compared and value != was))
    if condition:
        cut = _cut_around(condition, other.condition, 24, compared)
        parts.append((f"if {cut}", compared and condition != other.condition))
    return _joined(parts)


def _joined(parts: list[tuple[str, bool]]) -> str:
    text = ", ".join(part for part, _ in parts) or "any token"
    if len(text) <= MAX_MATCH_LENGTH or not any(changed for _, changed in parts):
        return _cut(text, MAX_MATCH_LENGTH)
    # Too long: the unchanged parts give way to the changed ones.
    kept = [part if changed else "…" for part, changed in parts]
    squeezed = [
        part for index, part in enumerate(kept) if part != "…" or kept[index - 1 : index] != ["…"]
    ]
    return _cut(", ".join(squeezed), MAX_MATCH_LENGTH)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cut_around(text: str, other: str | None, limit: int, compared: bool) -> str:
    """`text` in at most `limit` characters, showing where it first differs from `other`."""
    if len(text) <= limit or not compared or other is None or other == text:
        return _cut(text, limit)
    differs_at = next(
        (i for i, (a, b) in enumerate(zip(text, other, strict=False)) if a != b),
        min(len(text), len(other)),
    )
    # A little context before the difference, the rest of the window after it.
    # (as far back as still fills the window when the difference is near the end).
    start = max(0, min(differs_at - limit // 3, len(text) - (limit - 1)))
    if start == 0:
        return _cut(text, limit)
    window = text[start : start + limit - 1]
    return "…" + window if start + limit - 1 >= len(text) else "…" + window[:-1] + "…"


_TITLE = {
    NodeKind.ISSUER: "issuer",
    NodeKind.RULE: "rule",
    NodeKind.SERVICE_ACCOUNT: "service account",
    NodeKind.WORKSPACE: "workspace",
}


def node_caption(node: Node) -> str:
    """What a drawing writes in the node (unescaped): `rule: deploy`, `every workspace`."""
    if node.key == EVERY_WORKSPACE_KEY:
        return node.name
    return f"{_TITLE[node.kind]}: {node.name}"


def node_key(kind: NodeKind, name: str) -> str:
    return f"{kind.value}/{name}"


def match_label(rule: ResolvedRule) -> str:
    """The rule's match as an edge label, on its own (a plan cuts it against the other side)."""
    return short_match(
        rule.subject_prefix or None, rule.audience, rule.claims_dict or None, rule.condition
    )


def drawn_workspaces(rule: ResolvedRule) -> tuple[str, ...]:
    """Each workspace once, by name where known (as written, from a configuration)."""
    names = rule.workspace_names_by_id
    return tuple(sorted({workspace_label(wid, names) for wid in rule.workspace_ids}))


def rule_nodes(rule: ResolvedRule, status: Status = Status.UNCHANGED) -> list[Node]:
    """The rule's node and the nodes its edges reach."""
    nodes = [
        Node(node_key(NodeKind.ISSUER, rule.issuer_name), NodeKind.ISSUER, rule.issuer_name),
        Node(
            node_key(NodeKind.RULE, rule.name),
            NodeKind.RULE,
            rule.name,
            not scope_is_manageable(rule.oauth_scope),
            status,
        ),
        Node(
            node_key(NodeKind.SERVICE_ACCOUNT, rule.service_account_name),
            NodeKind.SERVICE_ACCOUNT,
            rule.service_account_name,
        ),
    ]
    return nodes + workspace_nodes(rule)


def workspace_nodes(rule: ResolvedRule) -> list[Node]:
    if rule.applies_to_all_workspaces:
        return [Node(EVERY_WORKSPACE_KEY, NodeKind.WORKSPACE, "every workspace")]
    return [
        Node(node_key(NodeKind.WORKSPACE, w), NodeKind.WORKSPACE, w) for w in drawn_workspaces(rule)
    ]


def rule_edges(rule: ResolvedRule, *, match: str | None = None, via: bool = False) -> list[Edge]:
    """issuer -match-> rule -scope-> service account -> each workspace (`via RULE` when the
    graph must tell rules on one service account apart, as a plan's does). `match`: the
    match label, when not the rule's own (`match_label`)."""
    rule_key = node_key(NodeKind.RULE, rule.name)
    account_key = node_key(NodeKind.SERVICE_ACCOUNT, rule.service_account_name)
    edges = [
        Edge(
            node_key(NodeKind.ISSUER, rule.issuer_name),
            rule_key,
            match if match is not None else match_label(rule),
        ),
        Edge(rule_key, account_key, rule.oauth_scope),
    ]
    label = f"via {rule.name}" if via else ""
    edges += [Edge(account_key, node.key, label) for node in workspace_nodes(rule)]
    return edges


def build_graph(
    rules: Iterable[ResolvedRule],
    *,
    issuers: Iterable[str] = (),
    service_accounts: Iterable[str] = (),
) -> Graph:
    """The whole graph; issuers and service accounts no rule uses are drawn alone."""
    nodes: dict[str, Node] = {}
    edges: dict[tuple[str, str, str], Edge] = {}
    for name in issuers:
        nodes.setdefault(
            node_key(NodeKind.ISSUER, name),
            Node(node_key(NodeKind.ISSUER, name), NodeKind.ISSUER, name),
        )
    for name in service_accounts:
        key = node_key(NodeKind.SERVICE_ACCOUNT, name)
        nodes.setdefault(key, Node(key, NodeKind.SERVICE_ACCOUNT, name))
    for rule in rules:
        for node in rule_nodes(rule):
            nodes.setdefault(node.key, node)
        for edge in rule_edges(rule):
            edges.setdefault((edge.source, edge.target, edge.label), edge)
    return Graph(nodes=sorted_nodes(nodes.values()), edges=sorted_edges(edges.values()))


_KIND_ORDER = list(NodeKind)


def sorted_nodes(nodes: Iterable[Node]) -> tuple[Node, ...]:
    return tuple(sorted(nodes, key=lambda n: (_KIND_ORDER.index(n.kind), n.key)))


def sorted_edges(edges: Iterable[Edge]) -> tuple[Edge, ...]:
    def order(edge: Edge) -> tuple[int, str, str, str, str]:
        kind = edge.source.split("/", 1)[0]
        return (
            _KIND_ORDER.index(NodeKind(kind)),
            edge.source,
            edge.target,
            edge.status,
            edge.label,
        )

    return tuple(sorted(edges, key=order))
