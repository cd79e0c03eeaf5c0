"""A rule's CEL condition -> a small expression tree of the constructs fedctl can prove.

The condition is parsed with cel-python (the library validation, explain and test
evaluate with) and its parse tree is read into the node types below. Any construct the
solver does not model raises `Unsupported` with the construct named, so the caller can
say exactly why a verdict fell back to "possibly broadening".

Usage:
    tree = parse_condition('claims.event_name in ["push", "workflow_dispatch"]')
    tree  # In(Claim(("event_name",)), ListLit((Lit("push"), Lit("workflow_dispatch"))))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

Scalar = str | int | bool


class Unsupported(Exception):
    """A construct outside the modelled subset; `construct` names it for a reviewer."""

    def __init__(self, construct: str) -> None:
        super().__init__(construct)
        self.construct = construct


@dataclass(frozen=True)
class Lit:
    value: Scalar


@dataclass(frozen=True)
class ListLit:
    items: tuple[Lit, ...]


@dataclass(frozen=True)
class Claim:
    path: tuple[str, ...]


@dataclass(frozen=True)
class Has:
    path: tuple[str, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "&&" or "||"
    left: Node
    right: Node


@dataclass(frozen=True)
class Ternary:
    test: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True)
class Compare:
    op: str  # == != < <= > >=
    left: Node
    right: Node


@dataclass(frozen=True)
class In:
    item: Node
    container: Node


@dataclass(frozen=True)
class Call:
    function: str
    target: Node
    args: tuple[Node, ...]


Node = Lit | ListLit | Claim | Has | Not | BoolOp | Ternary | Compare | In | Call

# The string functions the solver models, by number of arguments after the target.
METHODS = {"startsWith": 1, "endsWith": 1, "contains": 1, "matches": 1, "size": 0}
SUBSTRING_ARITY = (1, 2)
_RELATIONS = {
    "relation_eq": "==",
    "relation_ne": "!=",
    "relation_lt": "<",
    "relation_le": "<=",
    "relation_gt": ">",
    "relation_ge": ">=",
}
_PASS_THROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication"}
)
_PASS_THROUGH |= {"unary", "member", "primary", "paren_expr"}


@lru_cache(maxsize=4096)
def parse_condition(text: str) -> Node:
    """The condition as a tree; raises Unsupported (or ConditionError when not CEL)."""
    from fedctl.config.cel import compile_condition

    return _read(compile_condition(text))


def _read(tree: Any) -> Node:
    from lark import Token

    data, children = tree.data, [c for c in tree.children if c is not None]
    if data in _PASS_THROUGH and len(children) == 1 and not isinstance(children[0], Token):
        return _read(children[0])
    reader: Callable[[list[Any]], Node] | None = _READERS.get(data)
    if reader is None:
        raise Unsupported(_construct_name(tree))
    return reader(children)


def _construct_name(tree: Any) -> str:
    names = {
        "addition": "arithmetic (+, -)",
        "multiplication": "arithmetic (*, /, %)",
        "map_lit": "a map literal",
        "ident": "a variable other than claims",
    }
    data = str(tree.data)
    return names.get(data, data.replace("_", " "))


def _ternary(children: list[Any]) -> Node:
    test, then, otherwise = (_read(child) for child in children)
    return Ternary(test, then, otherwise)


def _boolean(op: str) -> Any:
    def read(children: list[Any]) -> Node:
        left, right = children
        return BoolOp(op, _read(left), _read(right))

    return read


def _relation(children: list[Any]) -> Node:
    operator, right = children
    op_name = operator.data
    left = _read(operator.children[0])
    if op_name == "relation_in":
        return In(left, _read(right))
    return Compare(_RELATIONS[op_name], left, _read(right))


def _unary(children: list[Any]) -> Node:
    operator, operand = children
    if operator.data == "unary_not":
        return Not(_read(operand))
    raise Unsupported("unary minus on a non-literal")


def _literal(children: list[Any]) -> Node:
    return _literal_value(str(children[0]))


@lru_cache(maxsize=1024)
def _literal_value(text: str) -> Lit:
    import celpy

    if text in {"true", "false"}:
        return Lit(text == "true")
    environment = celpy.Environment()
    value = environment.program(environment.compile(text)).evaluate({})
    if isinstance(value, celpy.celtypes.StringType):
        return Lit(str(value))
    if type(value) is celpy.celtypes.IntType:
        return Lit(int(value))
    raise Unsupported(f"the literal {text[:20]} ({type(value).__name__})")


def _list(children: list[Any]) -> Node:
    if not children:
        raise Unsupported("an empty list literal")
    items = tuple(_read(child) for child in children[0].children)
    if not all(isinstance(item, Lit) for item in items):
        raise Unsupported("a list literal of non-literals")
    literals = tuple(item for item in items if isinstance(item, Lit))
    if len({type(item.value) for item in literals}) != 1:
        raise Unsupported("a list literal mixing types")
    return ListLit(literals)


def _path(node: Node, what: str) -> tuple[str, ...]:
    if not isinstance(node, Claim):
        raise Unsupported(what)
    return node.path


def _member_dot(children: list[Any]) -> Node:
    target, field = children
    if _is_claims(target):
        return Claim((str(field),))
    return Claim((*_path(_read(target), "a field of a non-claim value"), str(field)))


def _is_claims(tree: Any) -> bool:
    """Whether `tree` is the bare identifier `claims` (through its wrapper nodes)."""
    while tree.data in {"member", "primary"} and len(tree.children) == 1:
        tree = tree.children[0]
        if not hasattr(tree, "data"):
            return False
    return bool(tree.data == "ident" and str(tree.children[0]) == "claims")


def _member_index(children: list[Any]) -> Node:
    target, index = children
    key = _read(index)
    if not isinstance(key, Lit) or not isinstance(key.value, str):
        raise Unsupported("indexing by a non-string")
    if _is_claims(target):
        return Claim((key.value,))
    return Claim((*_path(_read(target), "indexing a non-claim value"), key.value))


def _member_dot_arg(children: list[Any]) -> Node:
    target, method = children[0], str(children[1])
    args = tuple(_read(child) for child in children[2].children) if len(children) > 2 else ()
    if method == "substring" and len(args) in SUBSTRING_ARITY:
        return Call(method, _read(target), args)
    if METHODS.get(method) != len(args):
        raise Unsupported(f"{method}()")
    return Call(method, _read(target), args)


def _ident_arg(children: list[Any]) -> Node:
    function = str(children[0])
    args = tuple(children[1].children) if len(children) > 1 else ()
    if function == "has" and len(args) == 1:
        return Has(_path(_read(args[0]), "has() of a non-claim"))
    if function == "size" and len(args) == 1:
        return Call("size", _read(args[0]), ())
    raise Unsupported(f"{function}()")


def _ident(children: list[Any]) -> Node:
    raise Unsupported(f"the bare variable {children[0]}")


_READERS: dict[str, Callable[[list[Any]], Node]] = {
    "expr": _ternary,
    "conditionalor": _boolean("||"),
    "conditionaland": _boolean("&&"),
    "relation": _relation,
    "unary": _unary,
    "literal": _literal,
    "list_lit": _list,
    "member_dot": _member_dot,
    "member_index": _member_index,
    "member_dot_arg": _member_dot_arg,
    "ident_arg": _ident_arg,
    "ident": _ident,
}
