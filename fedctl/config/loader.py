"""YAML text -> plain data plus a file:line:column for every node (the second step of loading).

PyYAML's composer gives nodes with marks; this module builds the plain Python value from
those nodes itself, so it can record where each value (and each mapping key) came from,
and refuse duplicate keys, which PyYAML would silently let the last one win.

    parsed = parse_yaml(text, "prod/rules.yaml")
    parsed.locations.value_at(("rules", 0, "name"))   # Location("prod/rules.yaml", 3, 11)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import yaml

from fedctl.errors import Diagnostic, Location

# A path into the parsed data: mapping keys (str) and sequence indexes (int).
DataPath = tuple[str | int, ...]

_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class LocationMap:
    """Where every value and every mapping key of one file sits."""

    file: str
    rendered: bool = False
    values: dict[DataPath, Location] = field(default_factory=dict)
    keys: dict[DataPath, Location] = field(default_factory=dict)

    def value_at(self, path: DataPath) -> Location | None:
        """The location of the value at `path`, else of its nearest recorded ancestor."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return None

    def key_at(self, path: DataPath) -> Location | None:
        """The location of the mapping key that ends `path` (falls back to the value)."""
        return self.keys.get(path) or self.value_at(path)


@dataclass
class ParsedFile:
    """One file's plain data (None for an empty file) with its locations."""

    file: str
    data: object
    locations: LocationMap
    diagnostics: list[Diagnostic] = field(default_factory=list)


def parse_yaml(text: str, file: str, *, rendered: bool = False) -> ParsedFile:
    """Parse one YAML document; syntax errors and duplicate keys become diagnostics."""
    locations = LocationMap(file=file, rendered=rendered)
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        return ParsedFile(file, None, locations, [_syntax_diagnostic(exc, locations)])
    except yaml.YAMLError as exc:  # unmarked errors (e.g. reader errors on odd bytes)
        return ParsedFile(file, None, locations, [unmarked_yaml_diagnostic(exc, text, file)])
    if not nodes:
        return ParsedFile(file, None, locations)
    builder = _Builder(locations)
    data = builder.build(nodes[0], ())
    for extra in nodes[1:]:
        where = builder.location(extra)
        builder.diagnostics.append(
            Diagnostic(where, "", "holds a second YAML document; put one document per file")
        )
    return ParsedFile(file, data, locations, builder.diagnostics)


def unmarked_yaml_diagnostic(
    exc: yaml.YAMLError, text: str, file: str, *, rendered: bool = False
) -> Diagnostic:
    """A YAML error without a mark (a control character, say) as one located line.

    PyYAML's text for these spans two lines (`... in "<unicode string>", position 7`);
    the position becomes line:column and only the first line is kept.
    """
    position = getattr(exc, "position", None)
    line, column = 1, 1
    if isinstance(position, int):
        before = text[:position]
        line = before.count("\n") + 1
        column = position - (before.rfind("\n") + 1) + 1
    first = (str(exc).splitlines() or ["cannot parse"])[0]
    hint = "; YAML text cannot hold this character: remove it" if "character" in first else ""
    return Diagnostic(Location(file, line, column, rendered), "", f"not YAML: {first}{hint}")


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, locations: LocationMap) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    where = Location(locations.file, line, column, locations.rendered)
    problem = " ".join(part for part in (exc.context, exc.problem) if part)
    return Diagnostic(where, "", f"YAML syntax error: {problem or 'cannot parse'}")


class _Builder:
    """Turns a composed node tree into plain data, recording locations on the way."""

    def __init__(self, locations: LocationMap) -> None:
        self.locations = locations
        self.diagnostics: list[Diagnostic] = []
        self.constructor = yaml.SafeLoader("")
        self.active: set[int] = set()

    def location(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(
            self.locations.file, mark.line + 1, mark.column + 1, self.locations.rendered
        )

    def build(self, node: yaml.Node, path: DataPath) -> object:
        self.locations.values[path] = self.location(node)
        if id(node) in self.active:  # a recursive alias (&a [*a]) cannot become data
            self._error(node, path, "refers to itself through a YAML alias")
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._build_mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
            return self._build_scalar(node, path)
        finally:
            self.active.discard(id(node))

    def _build_scalar(self, node: yaml.Node, path: DataPath) -> object:
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._error(node, path, f"cannot read this value: {getattr(exc, 'problem', exc)}")
            return None

    def _build_mapping(self, node: yaml.MappingNode, path: DataPath) -> dict[object, object]:
        result: dict[object, object] = {}
        seen: dict[object, Location] = {}
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.extend(self._merge_sources(value_node, path))
                continue
            key = self._build_key(key_node, path)
            if key is None:
                continue
            if key in seen:
                self._error(
                    key_node,
                    (*path, str(key)),
                    f"duplicate key {_quote(key)}; it is already set at {seen[key]}",
                )
                continue
            seen[key] = self.location(key_node)
            child = (*path, str(key))
            self.locations.keys[child] = seen[key]
            result[key] = self.build(value_node, child)
        # `<<: *anchor` merges: explicit keys win over merged ones, as YAML 1.1 says.
        for key_node, value_node in merged:
            key = self._build_key(key_node, path)
            if key is None or key in result:
                continue
            child = (*path, str(key))
            self.locations.keys[child] = self.location(key_node)
            result[key] = self.build(value_node, child)
        return result

    def _merge_sources(
        self, value_node: yaml.Node, path: DataPath
    ) -> list[tuple[yaml.Node, yaml.Node]]:
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self._error(source, path, "a '<<' merge needs a mapping (or a list of mappings)")
                continue
            pairs.extend(source.value)
        return pairs

    def _build_key(self, key_node: yaml.Node, path: DataPath) -> object:
        if not isinstance(key_node, yaml.ScalarNode):
            self._error(key_node, path, "a mapping key must be a plain value, not a list or map")
            return None
        key = self._build_scalar(key_node, path)
        try:
            hash(key)
        except TypeError:
            self._error(key_node, path, "a mapping key must be a plain value")
            return None
        return key

    def _error(self, node: yaml.Node, path: DataPath, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.location(node), format_path(path), message))


def format_path(path: DataPath) -> str:
    """`("rules", 2, "match")` -> `rules[2].match`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _quote(value: object) -> str:
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
