"""Graph -> Mermaid flowchart text (GitHub renders it in Markdown).

NOTE: every user-written string (names, subjects, claims, conditions) is written through
`mermaid_text`, which keeps a small set of plain characters and writes every other one
as a Mermaid entity code (`#34;` for `"`). So no value can close its quotes, end a
label, start a Markdown string (backtick), inject HTML, split the statement or close
the surrounding ```mermaid fence; control characters are first shown as visible escapes.
Node IDs are generated (`i1`, `r2`), never taken from a name.

    text = render_mermaid(graph)
"""

from __future__ import annotations

import re

from fedctl.core.escape import escape_terminal
from fedctl.graph.model import Edge, Graph, Node, NodeKind, Status, node_caption

_PLAIN = re.compile(r"[A-Za-z0-9 _.,:/=@*+~\-]")
_PREFIX = {
    NodeKind.ISSUER: "i",
    NodeKind.RULE: "r",
    NodeKind.SERVICE_ACCOUNT: "s",
    NodeKind.WORKSPACE: "w",
}
# Shapes: issuer stadium, rule box, service account subroutine, workspace cylinder.
_SHAPE = {
    NodeKind.ISSUER: ('(["', '"])'),
    NodeKind.RULE: ('["', '"]'),
    NodeKind.SERVICE_ACCOUNT: ('[["', '"]]'),
    NodeKind.WORKSPACE: ('[("', '")]'),
}
_MARK = {Status.ADDED: "+ ", Status.REMOVED: "- ", Status.CHANGED: "~ ", Status.UNCHANGED: ""}
_ARROW = {
    Status.ADDED: "==>",
    Status.REMOVED: "-.->",
    Status.CHANGED: "-->",
    Status.UNCHANGED: "-->",
}
CLASS_DEFS = {
    "console": "stroke-dasharray:5 3",
    "added": "stroke:#1a7f37,stroke-width:3px",
    "removed": "stroke:#cf222e,stroke-width:3px,stroke-dasharray:4 4",
    "changed": "stroke:#9a6700,stroke-width:3px",
}
_LINK_COLOUR = {Status.ADDED: "#1a7f37", Status.REMOVED: "#cf222e"}


def mermaid_text(text: str) -> str:
    """A user-written string safe inside a quoted Mermaid label (see the module note)."""
    shown = escape_terminal(text)
    return "".join(c if _PLAIN.fullmatch(c) else f"#{ord(c)};" for c in shown)


def render_mermaid(graph: Graph) -> str:
    ids = _node_ids(graph.nodes)
    lines = ["flowchart LR"]
    lines += [f"  {ids[node.key]}{_node_label(node)}" for node in graph.nodes]
    lines += [_edge_line(edge, ids) for edge in graph.edges]
    text = "\n".join(lines) + "\n"
    text += "".join(_class_lines(graph, ids))
    text += "".join(_link_styles(graph))
    return text


def _node_ids(nodes: tuple[Node, ...]) -> dict[str, str]:
    ids: dict[str, str] = {}
    counters = dict.fromkeys(NodeKind, 0)
    for node in nodes:
        counters[node.kind] += 1
        ids[node.key] = f"{_PREFIX[node.kind]}{counters[node.kind]}"
    return ids


def _node_label(node: Node) -> str:
    opening, closing = _SHAPE[node.kind]
    label = mermaid_text(_MARK[node.status] + node_caption(node))
    if node.console_managed:
        label += " (Console-managed)"  # fedctl's own words: safe inside the quotes
    return f"{opening}{label}{closing}"


def _edge_line(edge: Edge, ids: dict[str, str]) -> str:
    arrow = _ARROW[edge.status]
    label = f'|"{mermaid_text(_MARK[edge.status] + edge.label)}"|' if edge.label else ""
    if not edge.label and edge.status in (Status.ADDED, Status.REMOVED):
        label = f'|"{_MARK[edge.status].strip()}"|'
    return f"  {ids[edge.source]} {arrow}{label} {ids[edge.target]}"


def _class_lines(graph: Graph, ids: dict[str, str]) -> list[str]:
    lines = []
    for class_name, wanted in (
        ("console", lambda n: n.console_managed),
        ("added", lambda n: n.status is Status.ADDED),
        ("removed", lambda n: n.status is Status.REMOVED),
        ("changed", lambda n: n.status is Status.CHANGED),
    ):
        members = [ids[node.key] for node in graph.nodes if wanted(node)]
        if members:
            lines.append(f"  classDef {class_name} {CLASS_DEFS[class_name]}\n")
            lines.append(f"  class {','.join(members)} {class_name}\n")
    return lines


def _link_styles(graph: Graph) -> list[str]:
    lines = []
    for status, colour in _LINK_COLOUR.items():
        indexes = [str(i) for i, edge in enumerate(graph.edges) if edge.status is status]
        if indexes:
            lines.append(f"  linkStyle {','.join(indexes)} stroke:{colour},stroke-width:2px\n")
    return lines
