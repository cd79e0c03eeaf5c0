"""Symbolic JSON claim values and CEL's typed, three-valued operations on them, in z3.

A token is a set of claim paths (`sub`, `event_name`, `google.compute_engine.project_id`),
each a z3 constant of the `Json` datatype: a string, an integer, a boolean, a list of
strings, a map, null, or absent. A CEL sub-expression becomes a `Value`: the condition
under which evaluating it is an error, and per JSON type the condition under which it
has that type with the z3 term holding it.

The type tables mirror cel-python's behaviour (the evaluator `explain` and `test` use),
which the differential property test holds them to: `"a" == true` is false, not an
error, while `"a" == 1` is an error; a boolean compares with an integer as 0/1 when it
is the left operand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import z3

INT64 = 2**63

_json = z3.Datatype("Json")
_json.declare("jstr", ("str_of", z3.StringSort()))
_json.declare("jint", ("int_of", z3.IntSort()))
_json.declare("jbool", ("bool_of", z3.BoolSort()))
_json.declare("jlist", ("items_of", z3.SeqSort(z3.StringSort())))
# A map's keys beyond the ones a formula reads are only counted (for size()).
_json.declare("jmap", ("extra_keys", z3.IntSort()))
_json.declare("jnull")
_json.declare("jabsent")
Json: Any = _json.create()

TYPES = ("str", "int", "bool", "list", "map", "null")
_TESTERS: dict[str, Any] = {
    "str": Json.is_jstr,
    "int": Json.is_jint,
    "bool": Json.is_jbool,
    "list": Json.is_jlist,
    "map": Json.is_jmap,
    "null": Json.is_jnull,
}
_ACCESSORS: dict[str, Any] = {
    "str": Json.str_of,
    "int": Json.int_of,
    "bool": Json.bool_of,
    "list": Json.items_of,
    "map": lambda term: term,
    "null": lambda term: None,
}


@dataclass(frozen=True)
class Value:
    """`err`: evaluation fails; `cases`: JSON type -> (has that type, the typed term)."""

    err: Any
    cases: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @classmethod
    def typed(cls, kind: str, term: Any, err: Any = None) -> Value:
        return cls(z3.BoolVal(False) if err is None else err, {kind: (z3.BoolVal(True), term)})

    @classmethod
    def of_json(cls, term: Any, err: Any) -> Value:
        cases = {kind: (_TESTERS[kind](term), _ACCESSORS[kind](term)) for kind in TYPES}
        return cls(err, cases)

    def truth(self) -> tuple[Any, Any]:
        """(error, value) of this as a boolean operand: any non-boolean is an error."""
        is_bool, term = self.cases.get("bool", (z3.BoolVal(False), z3.BoolVal(False)))
        return z3.Or(self.err, z3.Not(is_bool)), term


def boolean(err: Any, value: Any) -> Value:
    return Value.typed("bool", value, err)


# Outcome of `left OP right` by (left type, right type): "cmp" compares the terms, "int"
# compares a boolean left operand as 0/1, "false" is false, anything missing an error.
EQUALITY: dict[tuple[str, str], str] = {
    ("str", "str"): "cmp",
    ("str", "bool"): "false",
    ("str", "null"): "false",
    ("int", "int"): "cmp",
    ("bool", "str"): "false",
    ("bool", "int"): "int",
    ("bool", "bool"): "cmp",
    ("bool", "null"): "false",
    ("null", "str"): "false",
    ("null", "bool"): "false",
}
ORDERING: dict[tuple[str, str], str] = {
    ("str", "str"): "cmp",
    ("int", "int"): "cmp",
    ("bool", "int"): "int",
    ("bool", "bool"): "cmp",
}


def _as_int(kind: str, term: Any) -> Any:
    return z3.If(term, z3.IntVal(1), z3.IntVal(0)) if kind == "bool" else term


def _bool_order(term: Any) -> Any:
    return z3.If(term, z3.IntVal(1), z3.IntVal(0))


def relate(
    left: Value, right: Value, table: dict[tuple[str, str], str], compare: Callable[[Any, Any], Any]
) -> Value:
    """`left OP right` over every pair of types the operands may have."""
    errors = [left.err, right.err]
    truths = []
    for left_kind, (left_is, left_term) in left.cases.items():
        for right_kind, (right_is, right_term) in right.cases.items():
            both = z3.And(left_is, right_is)
            outcome = table.get((left_kind, right_kind))
            if outcome is None:
                errors.append(both)
            elif outcome == "cmp":
                if left_kind == "bool" and compare is not _equal:
                    left_term, right_term = _bool_order(left_term), _bool_order(right_term)
                truths.append(z3.And(both, compare(left_term, right_term)))
            elif outcome == "int":
                truths.append(z3.And(both, compare(_as_int(left_kind, left_term), right_term)))
    return boolean(z3.Or(*errors), z3.Or(*truths) if truths else z3.BoolVal(False))


def _equal(left: Any, right: Any) -> Any:
    return left == right


def equals(left: Value, right: Value) -> Value:
    return relate(left, right, EQUALITY, _equal)


def not_equals(left: Value, right: Value) -> Value:
    result = equals(left, right)
    return boolean(result.err, z3.Not(result.cases["bool"][1]))


ORDER_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def order(op: str, left: Value, right: Value) -> Value:
    return relate(left, right, ORDERING, ORDER_OPS[op])


def both(op: str, left: Value, right: Value) -> Value:
    """CEL's commutative `&&` / `||`: a decisive operand absorbs the other's error."""
    left_err, left_value = left.truth()
    right_err, right_value = right.truth()
    if op == "&&":
        decisive = z3.Or(
            z3.And(z3.Not(left_err), z3.Not(left_value)),
            z3.And(z3.Not(right_err), z3.Not(right_value)),
        )
        return boolean(
            z3.And(z3.Not(decisive), z3.Or(left_err, right_err)),
            z3.And(z3.Not(decisive), left_value, right_value),
        )
    decisive = z3.Or(z3.And(z3.Not(left_err), left_value), z3.And(z3.Not(right_err), right_value))
    return boolean(z3.And(z3.Not(decisive), z3.Or(left_err, right_err)), decisive)


def negate(operand: Value) -> Value:
    err, value = operand.truth()
    return boolean(err, z3.Not(value))


def choose(test: Value, then: Value, otherwise: Value) -> Value:
    err, value = test.truth()
    cases: dict[str, tuple[Any, Any]] = {}
    for kind in dict.fromkeys([*then.cases, *otherwise.cases]):  # ordered: same formula
        then_is, then_term = then.cases.get(kind, (z3.BoolVal(False), None))
        else_is, else_term = otherwise.cases.get(kind, (z3.BoolVal(False), None))
        term = then_term if else_term is None else else_term
        if then_term is not None and else_term is not None:
            term = z3.If(value, then_term, else_term)
        cases[kind] = (z3.If(value, then_is, else_is), term)
    return Value(z3.Or(err, z3.If(value, then.err, otherwise.err)), cases)


def admitted(result: Value) -> Any:
    """A condition admits when it evaluates, without error, to the boolean true."""
    err, value = result.truth()
    return z3.And(z3.Not(err), value)
