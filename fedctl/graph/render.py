"""Graph -> DOT (Graphviz) and JSON.

NOTE: DOT labels are double-quoted strings: control characters are shown as visible
escapes first, then `\\` and `"` are escaped, so no value can end its string or smuggle
a Graphviz escape (`\\N`, `\\G`) or an HTML-like label. Node IDs are generated.

    print(render_dot(graph)); print(render_graph_json(graph))
"""

from __future__ import annotations

import json

from fedctl.core.escape import escape_terminal
from fedctl.graph.model import Graph, Node, NodeKind, Status, node_caption

_SHAPE = {
    NodeKind.ISSUER: "ellipse",
    NodeKind.RULE: "box",
    NodeKind.SERVICE_ACCOUNT: "component",
    NodeKind.WORKSPACE: "cylinder",
}
_COLOUR = {Status.ADDED: "#1a7f37", Status.REMOVED: "#cf222e", Status.CHANGED: "#9a6700"}


def dot_text(text: str) -> str:
    """A user-written string safe between the double quotes of a DOT string."""
    return escape_terminal(text).replace("\\", "\\\\").replace('"', '\\"')


def render_dot(graph: Graph) -> str:
    ids = {node.key: f"n{index}" for index, node in enumerate(graph.nodes, start=1)}
    lines = ["digraph trust {", "  rankdir=LR;"]
    lines += [f"  {ids[node.key]} [{_node_attributes(node)}];" for node in graph.nodes]
    for edge in graph.edges:
        attributes = [f'label="{dot_text(edge.label)}"'] if edge.label else []
        if edge.status in _COLOUR:
            attributes.append(f'color="{_COLOUR[edge.status]}"')
        if edge.status is Status.REMOVED:
            attributes.append("style=dashed")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {ids[edge.source]} -> {ids[edge.target]}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_attributes(node: Node) -> str:
    label = node_caption(node)
    if node.console_managed:
        label += " (Console-managed)"
    attributes = [f'label="{dot_text(label)}"', f"shape={_SHAPE[node.kind]}"]
    if node.console_managed:
        attributes.append("style=dashed")
    if node.status in _COLOUR:
        attributes.append(f'color="{_COLOUR[node.status]}"')
    return ", ".join(attributes)


def render_graph_json(graph: Graph) -> str:
    document = {
        "nodes": [
            {
                "id": node.key,
                "kind": node.kind.value,
                "name": node.name,
                "console_managed": node.console_managed,
                "status": node.status.value,
            }
            for node in graph.nodes
        ],
        "edges": [
            {
                "from": edge.source,
                "to": edge.target,
                "label": edge.label,
                "status": edge.status.value,
            }
            for edge in graph.edges
        ],
        "omitted_rules": graph.omitted_rules,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
