"""A structural check of the Mermaid flowcharts fedctl writes (no maintained Mermaid
parser installs with pip): every line is a header, a node, an edge, a class or a link
style; labels hold no character that could end them; edges join declared nodes."""

from __future__ import annotations

import re

NODE_ID = r"[iswr][0-9]+"
# Inside a label: no quote, bracket, brace, pipe, angle bracket, backtick or semicolon
# unless written as an entity code (`#34;`), which the pattern allows.
LABEL = r"(?:[A-Za-z0-9 _.,:/=@*+~()\-]|#[0-9]+;)*"
SHAPES = [(r'\(\["', r'"\]\)'), (r'\["', r'"\]'), (r'\[\["', r'"\]\]'), (r'\[\("', r'"\)\]')]
NODE = re.compile(
    rf"^  (?P<id>{NODE_ID})(?:"
    + "|".join(f"{opening}{LABEL}{closing}" for opening, closing in SHAPES)
    + ")$"
)
EDGE = re.compile(
    rf'^  (?P<source>{NODE_ID}) (?:-->|==>|-\.->)(?:\|"{LABEL}"\|)? (?P<target>{NODE_ID})$'
)
CLASS_DEF = re.compile(r"^  classDef [a-z]+ [a-z:#0-9,. -]+$")
CLASS = re.compile(rf"^  class (?P<ids>{NODE_ID}(?:,{NODE_ID})*) [a-z]+$")
LINK_STYLE = re.compile(r"^  linkStyle (?P<indexes>[0-9]+(?:,[0-9]+)*) [a-z:#0-9,.-]+$")


def check_flowchart(text: str) -> tuple[int, int]:
    """(nodes, edges) of a valid flowchart; AssertionError naming the first bad line."""
    lines = text.split("\n")
    assert lines[0] == "flowchart LR", lines[0]
    assert lines[-1] == "", "the text ends with a newline"
    nodes: set[str] = set()
    edges = 0
    for line in lines[1:-1]:
        if match := NODE.match(line):
            assert match["id"] not in nodes, f"node declared twice: {line}"
            nodes.add(match["id"])
        elif match := EDGE.match(line):
            assert {match["source"], match["target"]} <= nodes, f"undeclared node: {line}"
            edges += 1
        elif match := CLASS.match(line):
            assert set(match["ids"].split(",")) <= nodes, f"undeclared node: {line}"
        elif match := LINK_STYLE.match(line):
            assert all(int(i) < edges for i in match["indexes"].split(",")), line
        else:
            assert CLASS_DEF.match(line), f"not a flowchart line: {line!r}"
    return len(nodes), edges
