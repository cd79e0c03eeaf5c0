"""YAML text -> plain data without locations: the fast path of loading (fedctl.config.load).

A location is needed only when something is reported about a value, and most loads report
nothing. So a file is first read here, with libyaml's C composer and no location
tracking, into the same plain data `fedctl.config.located_yaml` would build; its
`LocationMap` is deferred and parses the text again with location tracking the first
time anyone asks where a value is (an error, a warning, a lint finding, a plan line).

The located loader stays the one reference for what YAML fedctl accepts and for every
message: this path gives up and hands the text to it on anything that loader treats
specially (`_Unsure`), so bounds and refusals hold on both paths by construction:
- a syntax error, a second document, or no libyaml (PyYAML built without it);
- a file over `MAX_FILE_CHARS`, a scalar over `MAX_SCALAR_CHARS`, nesting past
  `MAX_DEPTH` (libyaml itself stops at 1,000 levels, in C);
- any alias or anchor reuse (the alias-expansion bound, recursive aliases), any `<<`
  merge key, any duplicate key, any key that is not a plain scalar;
- any explicit or unusual tag, and any scalar whose constructor fails.
What is left is the common case: mappings, lists and plain scalars read by YAML 1.1's
rules (PyYAML's SafeLoader resolver, the same one the located loader uses), built with
the same constructors, so the data is equal (tests/config/test_plain_yaml.py).

The garbage collector is paused while a file is built: the node tree and the data hold
no reference cycles, and at 5,000 resources the collector's repeated passes over the
growing tree cost more than the parse (0.28 s of 0.75 s CPU).

    parsed = load_yaml(text, "prod/rules.yaml")   # ParsedFile; locations found on demand
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final

import yaml
from yaml.constructor import SafeConstructor

from fedctl.config.located_yaml import (
    MAX_DEPTH,
    MAX_FILE_CHARS,
    MAX_SCALAR_CHARS,
    LocationMap,
    ParsedFile,
    parse_yaml,
)

_TAG = "tag:yaml.org,2002:"
_STR_TAG: Final = _TAG + "str"
_MAP_TAG: Final = _TAG + "map"
_SEQ_TAG: Final = _TAG + "seq"

_BASE_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)


class _Loader(_BASE_LOADER or yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's C composer with SafeLoader's resolver, which the located loader uses too.

    `resolve` answers first where SafeLoader's would answer "string" after more work: a
    quoted scalar, or a plain one whose first character starts no implicit type (most
    names). PyYAML calls it from C for each of the ~100,000 scalars at 5,000 resources.
    """

    _STARTS_A_TYPE = frozenset(key for key in yaml.SafeLoader.yaml_implicit_resolvers if key)

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and (
            not implicit[0] or (value and value[0] not in self._STARTS_A_TYPE)
        ):
            return _STR_TAG
        return str(super().resolve(kind, value, implicit))

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass  # no path resolvers (checked below): nothing to track

    def ascend_resolver(self) -> None:
        pass


# The shortcuts above hold for SafeLoader's resolvers as PyYAML ships them; were they
# changed (a path resolver, a wildcard implicit one), the fast path steps aside.
_SHORTCUTS_HOLD = not yaml.SafeLoader.yaml_path_resolvers and (
    None not in yaml.SafeLoader.yaml_implicit_resolvers
)
_C_LOADER: type[yaml.SafeLoader] | None = (
    _Loader if _BASE_LOADER is not None and _SHORTCUTS_HOLD else None
)

_SCALARS = SafeConstructor()
# Plain scalars the resolver gives a type to, built by the constructors the located path
# calls for them (timestamps go through construct_object there, to the same function).
_CONSTRUCT: Final[dict[str, Callable[[SafeConstructor, yaml.ScalarNode], object]]] = {
    _TAG + name: SafeConstructor.yaml_constructors[_TAG + name]
    for name in ("int", "float", "bool", "null", "timestamp")
}


class _Unsure(Exception):
    """The located loader must read this file: it has something this path does not judge."""


def load_yaml(text: str, file: str, *, rendered: bool = False) -> ParsedFile:
    """One YAML document as plain data, locations deferred; the located path when unsure."""
    if _C_LOADER is None or len(text) > MAX_FILE_CHARS:
        return parse_yaml(text, file, rendered=rendered)
    try:
        data = plain_data(text)
    except _Unsure:
        return parse_yaml(text, file, rendered=rendered)
    return ParsedFile(file, data, LocationMap.deferred(file, text, rendered=rendered))


def plain_data(text: str) -> object:
    """The document's plain data; raises _Unsure when the located loader must decide."""
    assert _C_LOADER is not None
    with _collector_paused():
        loader = _C_LOADER(text)
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as exc:
            raise _Unsure from exc
        finally:
            loader.dispose()
        if node is None:
            return None
        data = _Builder(may_alias="&" in text and "*" in text).build(node, 1)
        # The node tree goes before the collector comes back, so it never scans it.
        del node
        return data


@contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Builder:
    """Plain data from a node tree that uses no alias, merge, tag or duplicate key."""

    def __init__(self, *, may_alias: bool) -> None:
        # Every node reached, when the text may hold an alias: reaching one twice means
        # one (the located loader counts alias expansion and refuses recursion; this
        # path only notices them). An alias needs an anchor (`&`) and a `*`.
        self.seen: set[int] | None = set() if may_alias else None

    def build(self, node: yaml.Node, depth: int) -> object:
        if self.seen is not None:
            if id(node) in self.seen:
                raise _Unsure("an alias")
            self.seen.add(id(node))
        kind = type(node)
        if type(node) is yaml.ScalarNode:
            return _scalar(node)
        if depth >= MAX_DEPTH:
            raise _Unsure("deep nesting")
        if kind is yaml.MappingNode and node.tag == _MAP_TAG:
            return self._mapping(node, depth)
        if kind is yaml.SequenceNode and node.tag == _SEQ_TAG:
            return [self.build(item, depth + 1) for item in node.value]
        raise _Unsure("a tagged collection")

    def _mapping(self, node: yaml.Node, depth: int) -> dict[object, object]:
        result: dict[object, object] = {}
        seen = self.seen
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                raise _Unsure("a complex key")
            if seen is not None:
                if id(key_node) in seen:
                    raise _Unsure("an aliased key")
                seen.add(id(key_node))
            key = _scalar(key_node)  # a merge key (`<<`) has its own tag: refused there
            if key in result:
                raise _Unsure("a duplicate key")
            result[key] = self.build(value_node, depth + 1)
        return result


def _scalar(node: yaml.ScalarNode) -> object:
    value = node.value
    if len(value) > MAX_SCALAR_CHARS:
        raise _Unsure("a long scalar")
    tag = node.tag
    if tag == _STR_TAG:
        return value
    construct = _CONSTRUCT.get(tag)
    if construct is None:
        raise _Unsure("a tag")
    try:
        return construct(_SCALARS, node)
    except Exception as exc:  # the located path reports (or raises) what this one was
        raise _Unsure("an unreadable value") from exc
