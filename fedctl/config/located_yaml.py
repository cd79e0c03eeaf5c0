"""YAML text -> plain data plus a file:line:column for every node (the second step of loading).

PyYAML's composer gives nodes with marks; this module builds the plain Python value from
those nodes itself, so it can record where each value (and each mapping key) came from,
and refuse duplicate keys, which PyYAML would silently let the last one win.

Every configuration file is hostile input (it reaches the credential-free pull-request
job), and building values node by node loses what PyYAML's own loader gets for free, so
the loader bounds what it builds, each limit ending in one located error:
- file size (`MAX_FILE_CHARS`) and scalar length (`MAX_SCALAR_CHARS`);
- nesting depth (`MAX_DEPTH`): the pure-Python composer and this builder recurse once
  per level, so thousands of `[` would otherwise end in a RecursionError;
- alias expansion (`MAX_ALIAS_VALUES`): PyYAML shares one object per anchor, but plain
  data built per path expands `*alias` every time, so 362 bytes of nine-fold aliases
  (the "billion laughs") would build 9**9 values.

    parsed = parse_yaml(text, "prod/rules.yaml")
    parsed.locations.value_at(("rules", 0, "name"))   # Location("prod/rules.yaml", 3, 11)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import yaml

from fedctl.config.yamlerrors import syntax_diagnostic
from fedctl.core.errors import Diagnostic, Location

# A path into the parsed data: mapping keys (str) and sequence indexes (int).
DataPath = tuple[str | int, ...]

_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_SCALAR_TAGS = tuple(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")
)

# libyaml composes ~4x faster and its nodes carry the same line/column marks; without
# it (a PyYAML built without libyaml) the pure-Python loader does the same job.
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


MAX_FILE_CHARS = 8 * 1024 * 1024
MAX_SCALAR_CHARS = 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_VALUES = 100_000

TOO_DEEP = (
    f"YAML nested more than {MAX_DEPTH} levels deep; a fedctl configuration needs a few levels"
)


class _Refused(Exception):
    """A bound was crossed: stop building and report this one located problem."""

    def __init__(self, mark: Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


_LOCATING = threading.Lock()

# (line, column), 1-based: what the builder records; a Location is made only when asked.
Mark = tuple[int, int]


@dataclass
class LocationMap:
    """Where every value and every mapping key of one file sits."""

    file: str
    rendered: bool = False
    value_marks: dict[DataPath, Mark] = field(default_factory=dict)
    key_marks: dict[DataPath, Mark] = field(default_factory=dict)
    # The text to locate in, for a map whose marks are not recorded yet: the fast path
    # (fedctl.config.plain_yaml) records none, and most loads never ask.
    _unlocated_text: str | None = field(default=None, repr=False, compare=False)

    @classmethod
    def deferred(cls, file: str, text: str, *, rendered: bool = False) -> LocationMap:
        """A map that parses `text` with location tracking when first asked."""
        return cls(file=file, rendered=rendered, _unlocated_text=text)

    def _locate(self) -> None:
        if self._unlocated_text is None:
            return
        with _LOCATING:  # plan threads may ask at once; the marks are set before use
            text = self._unlocated_text
            if text is not None:
                located = parse_yaml(text, self.file, rendered=self.rendered).locations
                self.value_marks, self.key_marks = located.value_marks, located.key_marks
                self._unlocated_text = None

    @property
    def values(self) -> Mapping[DataPath, Location]:
        self._locate()
        return _Places(self, self.value_marks)

    @property
    def keys(self) -> Mapping[DataPath, Location]:
        self._locate()
        return _Places(self, self.key_marks)

    def at(self, mark: Mark) -> Location:
        return Location(self.file, mark[0], mark[1], self.rendered)

    def value_at(self, path: DataPath) -> Location | None:
        """The location of the value at `path`, else of its nearest recorded ancestor."""
        self._locate()
        for end in range(len(path), -1, -1):
            found = self.value_marks.get(path[:end])
            if found is not None:
                return self.at(found)
        return None

    def key_at(self, path: DataPath) -> Location | None:
        """The location of the mapping key that ends `path` (falls back to the value)."""
        self._locate()
        mark = self.key_marks.get(path)
        return self.at(mark) if mark is not None else self.value_at(path)


class _Places(Mapping[DataPath, Location]):
    """A read-only view of recorded marks as Locations."""

    def __init__(self, owner: LocationMap, marks: dict[DataPath, Mark]) -> None:
        self._owner = owner
        self._marks = marks

    def __getitem__(self, path: DataPath) -> Location:
        return self._owner.at(self._marks[path])

    def __iter__(self) -> Iterator[DataPath]:
        return iter(self._marks)

    def __len__(self) -> int:
        return len(self._marks)


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
    if len(text) > MAX_FILE_CHARS:
        message = (
            f"the file is larger than {MAX_FILE_CHARS // (1024 * 1024)} MiB; a fedctl "
            "configuration file is far smaller: split it or check that it is the right file"
        )
        return ParsedFile(file, None, locations, [Diagnostic(locations.at((1, 1)), "", message)])
    try:
        nodes = _compose(text)
    except _Refused as refused:
        diagnostic = Diagnostic(locations.at(refused.mark), "", refused.message)
        return ParsedFile(file, None, locations, [diagnostic])
    except yaml.MarkedYAMLError as exc:
        problem = syntax_diagnostic(exc, text, file, rendered=rendered)
        return ParsedFile(file, None, locations, [problem])
    except yaml.YAMLError as exc:  # unmarked errors (e.g. reader errors on odd bytes)
        return ParsedFile(file, None, locations, [unmarked_yaml_diagnostic(exc, text, file)])
    if not nodes:
        return ParsedFile(file, None, locations)
    builder = _Builder(locations)
    try:
        data = builder.build(nodes[0], ())
    except _Refused as refused:
        diagnostic = Diagnostic(locations.at(refused.mark), "", refused.message)
        return ParsedFile(file, None, locations, [diagnostic])
    for extra in nodes[1:]:
        where = builder.location(extra)
        builder.diagnostics.append(
            Diagnostic(
                where,
                "",
                "holds a second YAML document; put one document per file",
                code="yaml-multiple-documents",
            )
        )
    return ParsedFile(file, data, locations, builder.diagnostics)


def _compose(text: str) -> list[yaml.Node]:
    """Every document's node tree: libyaml first; on any error, the pure-Python loader.

    Only valid YAML takes the fast path. Broken YAML is parsed again by PyYAML's own
    loader, so syntax messages (and their marks) are the same with or without libyaml.
    libyaml refuses nesting past 1,000 levels itself; the pure-Python composer recurses
    once per level, so its input is first checked for depth (raises _Refused).
    """
    if _FAST_LOADER is not yaml.SafeLoader:
        try:
            return list(yaml.compose_all(text, Loader=_FAST_LOADER))
        except yaml.YAMLError:
            pass
    too_deep = find_too_deep(text)
    if too_deep is not None:
        raise _Refused(too_deep, TOO_DEEP)
    return list(yaml.compose_all(text, Loader=yaml.SafeLoader))


def find_too_deep(text: str) -> Mark | None:
    """Where the YAML first nests deeper than MAX_DEPTH, from the event stream.

    PyYAML's parser is a state machine (no recursion), so this is safe at any depth; a
    syntax error ends the scan (whoever parses next reports it, shallower than the bound).
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                mark = event.start_mark
                if depth > MAX_DEPTH:
                    return (mark.line + 1, mark.column + 1) if mark else (1, 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


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
    where = Location(file, line, column, rendered)
    return Diagnostic(where, "", f"not YAML: {first}{hint}", code="yaml-syntax")


class _Builder:
    """Turns a composed node tree into plain data, recording locations on the way."""

    def __init__(self, locations: LocationMap) -> None:
        self.locations = locations
        self.diagnostics: list[Diagnostic] = []
        self.constructor = yaml.SafeLoader("")
        # The plain scalar constructors, called directly: construct_object would also
        # remember every node it built and track recursion scalars cannot have. Other
        # tags (timestamps, binary, explicit !!seq on a scalar...) take the full path.
        self.scalar_constructors = {
            tag: self.constructor.yaml_constructors[tag] for tag in _PLAIN_SCALAR_TAGS
        }
        self.active: set[int] = set()
        # Alias expansion: values built in all, against distinct nodes seen; the
        # difference is what aliases added. `first_visits` is the stack of nodes being
        # built for the first time (the innermost one is where the aliases are written).
        self.built = 0
        self.seen: set[int] = set()
        self.first_visits: list[yaml.Node] = []

    def location(self, node: yaml.Node) -> Location:
        return self.locations.at(_mark(node))

    def build(self, node: yaml.Node, path: DataPath) -> object:
        self.locations.value_marks[path] = _mark(node)
        first_visit = self._count(node)
        if isinstance(node, yaml.ScalarNode):
            return self._build_scalar(node, path)
        if len(path) >= MAX_DEPTH:  # the root is level 1
            raise _Refused(_mark(node), TOO_DEEP)
        if id(node) in self.active:  # a recursive alias (&a [*a]) cannot become data
            self._error(node, path, "refers to itself through a YAML alias")
            return None
        self.active.add(id(node))
        if first_visit:
            self.first_visits.append(node)
        try:
            if isinstance(node, yaml.MappingNode):
                return self._build_mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
            return self._build_scalar(node, path)
        finally:
            self.active.discard(id(node))
            if first_visit:
                self.first_visits.pop()

    def _count(self, node: yaml.Node) -> bool:
        """Count one built value; whether this node is built for the first time."""
        self.built += 1
        first_visit = id(node) not in self.seen
        self.seen.add(id(node))
        if self.built - len(self.seen) > MAX_ALIAS_VALUES:
            where = self.first_visits[-1] if self.first_visits else node
            raise _Refused(
                _mark(where),
                f"YAML aliases expand to more than {MAX_ALIAS_VALUES} values; write the "
                "values out or use fewer aliases",
            )
        return first_visit

    def _build_scalar(self, node: yaml.Node, path: DataPath) -> object:
        if isinstance(node.value, str) and len(node.value) > MAX_SCALAR_CHARS:
            self._error(
                node,
                path,
                f"a YAML value longer than {MAX_SCALAR_CHARS // (1024 * 1024)} MiB; no "
                "field of a fedctl configuration holds that much",
            )
            return None
        if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
            # What PyYAML's str constructor returns, without its three calls per value
            # (most values of a configuration are strings: ~80,000 at 5,000 resources).
            return node.value
        try:
            construct = self.scalar_constructors.get(node.tag)
            if construct is not None:
                return construct(self.constructor, node)
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._error(node, path, f"cannot read this value: {getattr(exc, 'problem', exc)}")
            return None
        except ValueError as exc:  # a date PyYAML cannot build (2026-02-30) raises this
            self._error(node, path, f"cannot read this value: {exc}")
            return None

    def _build_mapping(self, node: yaml.MappingNode, path: DataPath) -> dict[object, object]:
        result: dict[object, object] = {}
        seen: dict[object, Mark] = {}
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
                    f"duplicate key {_quote(key)}; it is already set at "
                    f"{self.locations.at(seen[key])}",
                )
                continue
            seen[key] = _mark(key_node)
            child = (*path, str(key))
            self.locations.key_marks[child] = seen[key]
            result[key] = self.build(value_node, child)
        # `<<: *anchor` merges: explicit keys win over merged ones, as YAML 1.1 says.
        for key_node, value_node in merged:
            key = self._build_key(key_node, path)
            if key is None or key in result:
                continue
            child = (*path, str(key))
            self.locations.key_marks[child] = _mark(key_node)
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
        self.diagnostics.append(
            Diagnostic(self.location(node), format_path(path), message, code="yaml-structure")
        )


def _mark(node: yaml.Node) -> Mark:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


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
