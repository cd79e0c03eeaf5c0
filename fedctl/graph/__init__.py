"""The trust graph: issuers -> rules -> service accounts -> workspaces.

`model.py` holds the graph (nodes and edges with a status) and builds it from rule
views; `sources.py` makes those views from the configuration or the live state;
`plan.py` draws only what a plan changes; `mermaid.py` and `render.py` write Mermaid,
DOT and JSON. Every user-written string is escaped by the renderer of its language.
"""
