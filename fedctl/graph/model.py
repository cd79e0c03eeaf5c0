"""The trust graph as data: who (issuer + match) can mint what (scope) as whom (service
account), where (workspaces). Renderers draw it; nothing here knows a drawing language.

    graph = build_graph([RuleView(name="deploy", issuer="github", ...)])
    graph.nodes[0].key   # 'issuer/github'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from fedctl.state import scope_is_manageable

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
class RuleView:
    """A rule as the graph draws it, from the configuration, the live state or a plan."""

    name: str
    issuer: str
    service_account: str
    scope: str
    match: str
    workspaces: tuple[str, ...] = ()
    all_workspaces: bool = False

    @property
    def console_managed(self) -> bool:
        return not scope_is_manageable(self.scope)


def short_match(
    subject_prefix: str | None,
    audience: str | None,
    claims: Mapping[str, str] | None,
    condition: str | None,
) -> str:
    """`sub repo:acme/app:*, aud X, ref=refs/heads/main, if claims.x…`, cut at 96 characters."""
    parts = []
    if subject_prefix:
        parts.append(f"sub {_cut(subject_prefix, MAX_PART_LENGTH)}")
    if audience:
        parts.append(f"aud {_cut(audience, MAX_PART_LENGTH)}")
    parts += [f"{_cut(k, 20)}={_cut(v, 30)}" for k, v in sorted((claims or {}).items())]
    if condition:
        parts.append(f"if {_cut(condition, 24)}")
    return _cut(", ".join(parts) or "any token", MAX_MATCH_LENGTH)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def rule_nodes(rule: RuleView, status: Status = Status.UNCHANGED) -> list[Node]:
    """The rule's node and the nodes its edges reach."""
    nodes = [
        Node(node_key(NodeKind.ISSUER, rule.issuer), NodeKind.ISSUER, rule.issuer),
        Node(
            node_key(NodeKind.RULE, rule.name),
            NodeKind.RULE,
            rule.name,
            rule.console_managed,
            status,
        ),
        Node(
            node_key(NodeKind.SERVICE_ACCOUNT, rule.service_account),
            NodeKind.SERVICE_ACCOUNT,
            rule.service_account,
        ),
    ]
    return nodes + workspace_nodes(rule)


def workspace_nodes(rule: RuleView) -> list[Node]:
    if rule.all_workspaces:
        return [Node(EVERY_WORKSPACE_KEY, NodeKind.WORKSPACE, "every workspace")]
    return [Node(node_key(NodeKind.WORKSPACE, w), NodeKind.WORKSPACE, w) for w in rule.workspaces]


def rule_edges(rule: RuleView, *, via: bool = False) -> list[Edge]:
    """issuer -match-> rule -scope-> service account -> each workspace (`via RULE` when the
    graph must tell rules on one service account apart, as a plan's does)."""
    rule_key = node_key(NodeKind.RULE, rule.name)
    account_key = node_key(NodeKind.SERVICE_ACCOUNT, rule.service_account)
    edges = [
        Edge(node_key(NodeKind.ISSUER, rule.issuer), rule_key, rule.match),
        Edge(rule_key, account_key, rule.scope),
    ]
    label = f"via {rule.name}" if via else ""
    edges += [Edge(account_key, node.key, label) for node in workspace_nodes(rule)]
    return edges


def build_graph(
    rules: Iterable[RuleView], *, issuers: Iterable[str] = (), service_accounts: Iterable[str] = ()
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
