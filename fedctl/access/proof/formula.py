"""A resolved rule -> its admission formula over a symbolic token (a `Token` of z3 claims).

The match of a rule is the AND of its matchers, as the exchange applies them
(docs/admin-api.md §3.5) and `explain` evaluates them: `iss` equals the issuer's URL; `sub`
equals `subject_prefix`, or starts with it when it ends in `*`; `aud` (a string or a list
of strings) holds the audience (unset: the audience `explain` assumes); each `claims`
entry is an equal top-level string; the CEL `condition` evaluates to true.

Usage:
    token = Token()
    formula = admission(rule, token)  # raises Unsupported for a construct outside the subset
"""

from __future__ import annotations

from typing import Any

import z3

from fedctl.access.explain.model import ASSUMED_DEFAULT_AUDIENCE
from fedctl.access.proof import syntax as s
from fedctl.access.proof.regex import regex_of
from fedctl.access.proof.text import literal
from fedctl.access.proof.values import (
    INT64,
    Json,
    Value,
    admitted,
    boolean,
    both,
    choose,
    equals,
    negate,
    not_equals,
    order,
)
from fedctl.core.resolved import ResolvedRule


class Token:
    """The claims of one symbolic token: a z3 constant per claim path a formula reads."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.paths: dict[tuple[str, ...], Any] = {}
        self.sizes: dict[tuple[str, ...], Any] = {}

    def claim(self, path: tuple[str, ...]) -> Any:
        if path not in self.paths:
            for depth in range(1, len(path)):
                self.claim(path[:depth])
            self.paths[path] = z3.Const(self.prefix + "\x1f".join(path), Json)
        return self.paths[path]

    def well_formed(self) -> Any:
        """What every real token satisfies: a nested claim lives inside a map; int64s."""
        facts = []
        for path, term in self.paths.items():
            if len(path) > 1:
                present = z3.Not(Json.is_jabsent(term))
                facts.append(z3.Implies(present, Json.is_jmap(self.paths[path[:-1]])))
            facts.append(
                z3.Implies(
                    Json.is_jint(term),
                    z3.And(Json.int_of(term) >= -INT64, Json.int_of(term) < INT64),
                )
            )
            # A token's map holds at most 100 keys beyond the ones a formula reads.
            extra = Json.extra_keys(term)
            facts.append(z3.Implies(Json.is_jmap(term), z3.And(extra >= 0, extra <= 100)))
        return z3.And(*facts, *self._size_facts())

    def map_size(self, path: tuple[str, ...]) -> Any:
        """The number of keys of the map at `path` (tied to its children in well_formed)."""
        self.sizes.setdefault(path, z3.Int(self.prefix + "\x1e".join(("size", *path))))
        return self.sizes[path]

    def _size_facts(self) -> list[Any]:
        facts = []
        for path, size in self.sizes.items():
            term = self.paths[path]
            children = [t for other, t in self.paths.items() if other[:-1] == path and other]
            present = [z3.If(Json.is_jabsent(child), 0, 1) for child in children]
            facts.append(
                z3.Implies(Json.is_jmap(term), size == z3.Sum(Json.extra_keys(term), *present))
            )
        return facts


def admission(rule: ResolvedRule, token: Token, *, envelope: bool = True) -> Any:
    """The rule admits the token; raises s.Unsupported for a condition outside the subset.

    `envelope=False` leaves out `iss` and `aud`, for questions where every rule shares
    them and no condition reads them: the solver then has less to do, and the caller
    writes them into the witness.
    """
    parts = [_subject(rule, token)]
    if envelope:
        parts += [_issuer(rule, token), _audience(rule, token)]
    parts += [_string_claim(token, name, value) for name, value in rule.claims]
    if rule.condition is not None:
        parts.append(admitted(translate(s.parse_condition(rule.condition), token)))
    return z3.And(*parts)


def _string(token: Token, name: str) -> tuple[Any, Any]:
    term = token.claim((name,))
    return Json.is_jstr(term), Json.str_of(term)


def _string_claim(token: Token, name: str, value: str) -> Any:
    is_string, text = _string(token, name)
    return z3.And(is_string, text == literal(value))


def _issuer(rule: ResolvedRule, token: Token) -> Any:
    if rule.issuer_url is None:
        return z3.BoolVal(False)  # explain: a rule whose issuer is unknown matches nothing
    return _string_claim(token, "iss", rule.issuer_url)


def _subject(rule: ResolvedRule, token: Token) -> Any:
    prefix = rule.subject_prefix
    if prefix is None:
        return z3.BoolVal(True)
    is_string, sub = _string(token, "sub")
    if prefix.endswith("*"):
        return z3.And(is_string, z3.PrefixOf(literal(prefix[:-1]), sub))
    return z3.And(is_string, sub == literal(prefix))


def _audience(rule: ResolvedRule, token: Token) -> Any:
    wanted = literal(rule.audience or ASSUMED_DEFAULT_AUDIENCE)
    aud = token.claim(("aud",))
    return z3.Or(
        z3.And(Json.is_jstr(aud), Json.str_of(aud) == wanted),
        z3.And(Json.is_jlist(aud), z3.Contains(Json.items_of(aud), z3.Unit(wanted))),
    )


def translate(node: s.Node, token: Token) -> Value:
    """One CEL node as a Value over the token's claims."""
    if isinstance(node, s.Lit):
        return _literal(node.value)
    if isinstance(node, s.Claim):
        return _claim(node.path, token)
    if isinstance(node, s.Has):
        return _has(node.path, token)
    if isinstance(node, s.Not):
        return negate(translate(node.operand, token))
    if isinstance(node, s.BoolOp):
        return both(node.op, translate(node.left, token), translate(node.right, token))
    if isinstance(node, s.Ternary):
        parts = (translate(part, token) for part in (node.test, node.then, node.otherwise))
        return choose(*parts)
    if isinstance(node, s.Compare):
        return _compare(node, token)
    if isinstance(node, s.In):
        return _membership(node, token)
    if isinstance(node, s.Call):
        return _call(node, token)
    raise s.Unsupported("a list literal outside `in`")


def _literal(value: s.Scalar) -> Value:
    if isinstance(value, bool):
        return Value.typed("bool", z3.BoolVal(value))
    if isinstance(value, int):
        return Value.typed("int", z3.IntVal(value))
    return Value.typed("str", literal(value))


def _claim(path: tuple[str, ...], token: Token) -> Value:
    term = token.claim(path)
    err = Json.is_jabsent(term)
    for depth in range(1, len(path)):
        parent = token.claim(path[:depth])
        err = z3.Or(err, z3.Not(Json.is_jmap(parent)))
    return Value.of_json(term, err)


def _has(path: tuple[str, ...], token: Token) -> Value:
    present = z3.Not(Json.is_jabsent(token.claim(path)))
    if len(path) == 1:
        return boolean(z3.BoolVal(False), present)
    # has(a.b) is false, not an error, when a is missing or not a map (cel-python).
    parent = _claim(path[:-1], token)
    return boolean(z3.BoolVal(False), z3.And(z3.Not(parent.err), parent.cases["map"][0], present))


def _compare(node: s.Compare, token: Token) -> Value:
    if isinstance(node.left, s.Claim) and isinstance(node.right, s.Claim):
        raise s.Unsupported("a comparison of two claims")
    if isinstance(node.left, s.ListLit) or isinstance(node.right, s.ListLit):
        raise s.Unsupported("a comparison with a list literal")
    left, right = translate(node.left, token), translate(node.right, token)
    if node.op == "==":
        return equals(left, right)
    if node.op == "!=":
        return not_equals(left, right)
    return order(node.op, left, right)


def _membership(node: s.In, token: Token) -> Value:
    item = translate(node.item, token)
    if isinstance(node.container, s.ListLit):
        results = [equals(_literal(element.value), item) for element in node.container.items]
        # A homogeneous list: every element fails alike, so the first one's error stands.
        truth = z3.Or(*(result.cases["bool"][1] for result in results))
        return boolean(results[0].err, truth)
    if isinstance(node.container, s.Claim):
        container = translate(node.container, token)
        return _contains(container, node.item, item, node.container, token, operator=True)
    raise s.Unsupported("`in` over a computed value")


def _contains(
    container: Value,
    item_node: s.Node,
    item: Value,
    path_node: s.Claim,
    token: Token,
    *,
    operator: bool = False,
) -> Value:
    """`item in container` and `container.contains(item)`: substring, element or key."""
    if not (isinstance(item_node, s.Lit) and isinstance(item_node.value, str)):
        raise s.Unsupported("`in` of a non-string over a claim")
    needle = literal(item_node.value)
    is_str, text = container.cases["str"]
    is_list, items = container.cases["list"]
    is_map, _term = container.cases["map"]
    has_key = z3.Not(Json.is_jabsent(token.claim((*path_node.path, item_node.value))))
    truth = z3.Or(
        # cel-python's `x in text` compares x with each character of text (`.contains`
        # is a substring test): true only for a one-character x that text holds.
        z3.And(
            is_str,
            z3.Contains(text, needle),
            z3.BoolVal(not operator or len(item_node.value) == 1),
        ),
        z3.And(is_list, z3.Contains(items, z3.Unit(needle))),
        z3.And(is_map, has_key),
    )
    err = z3.Or(container.err, item.err, z3.Not(z3.Or(is_str, is_list, is_map)))
    return boolean(err, truth)


def _call(node: s.Call, token: Token) -> Value:
    if node.function == "size":
        return _size(node, token)
    target = translate(node.target, token)
    if node.function == "contains" and isinstance(node.target, s.Claim):
        return _contains(target, node.args[0], translate(node.args[0], token), node.target, token)
    is_str, text = target.cases.get("str", (z3.BoolVal(False), literal("")))
    err = z3.Or(target.err, z3.Not(is_str))
    if node.function == "substring":
        return _substring(node, text, err)
    argument = node.args[0]
    if not (isinstance(argument, s.Lit) and isinstance(argument.value, str)):
        raise s.Unsupported(f"{node.function}() of a non-literal")
    wanted = literal(argument.value)
    tests = {
        "startsWith": lambda: z3.PrefixOf(wanted, text),
        "endsWith": lambda: z3.SuffixOf(wanted, text),
        "contains": lambda: z3.Contains(text, wanted),
        "matches": lambda: z3.InRe(text, regex_of(argument.value)),
    }
    return boolean(err, tests[node.function]())


def _substring(node: s.Call, text: Any, err: Any) -> Value:
    bounds = [arg.value for arg in node.args if isinstance(arg, s.Lit)]
    if len(bounds) != len(node.args) or not all(type(b) is int for b in bounds):
        raise s.Unsupported("substring() with non-literal bounds")
    start = z3.IntVal(int(bounds[0]))
    stop = z3.IntVal(int(bounds[1])) if len(bounds) == 2 else z3.Length(text)
    in_range = z3.And(start >= 0, start <= stop, stop <= z3.Length(text))
    return Value.typed("str", z3.SubString(text, start, stop - start), z3.Or(err, z3.Not(in_range)))


def _size(node: s.Call, token: Token) -> Value:
    target = translate(node.target, token)
    is_str, text = target.cases.get("str", (z3.BoolVal(False), literal("")))
    is_list, items = target.cases.get(
        "list", (z3.BoolVal(False), z3.Empty(z3.SeqSort(z3.StringSort())))
    )
    is_map, term = target.cases.get("map", (z3.BoolVal(False), None))
    is_null = target.cases.get("null", (z3.BoolVal(False), None))[0]
    if term is not None and not isinstance(node.target, s.Claim):
        raise s.Unsupported("size() of a computed map")
    map_size = token.map_size(node.target.path) if isinstance(node.target, s.Claim) else 0
    size = z3.If(
        is_str, z3.Length(text), z3.If(is_list, z3.Length(items), z3.If(is_map, map_size, 0))
    )
    err = z3.Or(target.err, z3.Not(z3.Or(is_str, is_list, is_map, is_null)))
    return Value.typed("int", size, err)
