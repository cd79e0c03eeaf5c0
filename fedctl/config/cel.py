"""CEL helpers for a rule's `match.condition`: offline checks and evaluation against claims.

Used by validation (is the condition acceptable to the API, docs/admin-api.md §5.5) and later
by lint and explain (would this claim set pass?). cel-python is imported lazily: it
loads a Lark grammar, which `fedctl --help` should never pay for.

    check_condition('claims.ref == "refs/heads/main"')   # None: acceptable
    evaluate_condition('claims.ref == "refs/heads/main"', {"ref": "refs/heads/main"})  # True

NOTE: the API's own CEL checks are not published. The heuristics here are stricter than
the emulator's (§8 item 20): the only variable is `claims` (plus variables a macro such
as `exists(x, ...)` binds), and a condition that is true even when every access to
`claims` fails is "constant true", which the API rejects.
"""

from __future__ import annotations

import functools
from typing import Any

# Macros whose first argument binds a new variable, e.g. claims.groups.exists(g, g == "a").
_BINDING_MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
MAX_CONDITION_LENGTH = 4096


class ConditionError(ValueError):
    """A condition that does not compile; the message is one line and safe to show."""


def check_condition(text: str) -> str | None:
    """Why the API would refuse `text` as a condition, or None when it looks acceptable."""
    if not text.strip():
        return 'is blank; write a CEL expression over claims, e.g. claims.ref == "refs/heads/main"'
    try:
        tree = _compile(text)
    except ConditionError as exc:
        return str(exc)
    unknown = sorted(free_variables(tree) - {"claims"})
    if unknown:
        names = ", ".join(unknown)
        return f"uses {names}; the only variable is claims, e.g. claims.{unknown[0]}"
    if "claims" not in free_variables(tree):
        return "never reads claims, so it is constant; test a claim, e.g. claims.sub"
    outcome = _evaluate_without_claims(text)
    if outcome is True:
        return "is true whatever the token holds; the API rejects a constant-true condition"
    if outcome is not None and not isinstance(outcome, bool):
        return 'does not evaluate to true or false; compare a claim, e.g. claims.ref == "..."'
    return None


def evaluate_condition(text: str, claims: dict[str, Any]) -> bool:
    """Whether `claims` pass the condition. An evaluation error denies, as at token exchange.

    Raises ConditionError when `text` does not compile.
    """
    import celpy
    import celpy.adapter

    environment = celpy.Environment()
    program = environment.program(_compile(text), functions=_string_functions())
    try:
        result = program.evaluate({"claims": celpy.adapter.json_to_cel(claims)})
    except Exception:  # CELEvalError and anything a malformed claim set provokes
        return False
    return isinstance(result, celpy.celtypes.BoolType) and bool(result)


def compile_condition(text: str) -> Any:
    """The parse tree of a condition; raises ConditionError when it is not CEL."""
    return _compile(text)


def _string_functions() -> dict[str, Any]:
    """CEL's string extension (cel-go `ext.Strings`), which cel-python lacks: the API's CEL
    evaluates `substring`, `lowerAscii` and `upperAscii`, so fedctl must too, or a
    condition using them would look dead here and admit tokens there."""
    from celpy.celtypes import IntType, StringType
    from celpy.evaluation import CELEvalError

    def substring(value: Any, start: Any, end: Any = None) -> StringType:
        if not isinstance(value, StringType) or type(start) is not IntType:
            raise TypeError("no such overload: substring")
        stop = len(value) if end is None else end
        if type(stop) is not IntType and end is not None:
            raise TypeError("no such overload: substring")
        if not 0 <= int(start) <= int(stop) <= len(value):
            # A CEL error value, not a Python exception: `false && x.substring(9)` is
            # false in CEL, and cel-python absorbs only its own error values.
            return CELEvalError("substring: index out of range")  # type: ignore[return-value]
        return StringType(value[int(start) : int(stop)])

    def ascii_case(lower: bool) -> Any:
        table = str.maketrans(
            *(("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")[:: 1 if lower else -1])
        )

        def convert(value: Any) -> StringType:
            if not isinstance(value, StringType):
                raise TypeError("no such overload: ascii case")
            return StringType(str(value).translate(table))

        return convert

    return {"substring": substring, "lowerAscii": ascii_case(True), "upperAscii": ascii_case(False)}


@functools.lru_cache(maxsize=4096)
def _compile(text: str) -> Any:
    # Cached: cel-python builds a parser per Environment, and the access engine checks
    # every witness against the same few conditions (the tree is only read afterwards).
    import celpy
    from celpy.celparser import CELParseError

    if len(text) > MAX_CONDITION_LENGTH:
        raise ConditionError(f"is {len(text)} characters; at most {MAX_CONDITION_LENGTH}")
    try:
        return celpy.Environment().compile(text)
    except CELParseError as exc:
        line = getattr(exc, "line", None) or 1
        column = getattr(exc, "column", None) or 1
        raise ConditionError(
            f"is not valid CEL (syntax error at line {line}, column {column} of the "
            'condition); e.g. claims.ref == "refs/heads/main"'
        ) from None
    except Exception:  # Lark can raise other errors on odd input; all mean "not CEL"
        raise ConditionError('is not valid CEL; e.g. claims.ref == "refs/heads/main"') from None


def free_variables(tree: Any) -> set[str]:
    """Identifiers the expression reads, minus the ones macros bind."""
    used: set[str] = set()
    bound: set[str] = set()
    for node in tree.iter_subtrees():
        if node.data == "ident":
            used.add(str(node.children[0]))
        elif node.data == "member_dot_arg" and str(node.children[1]) in _BINDING_MACROS:
            bound.update(_first_argument_name(node))
    return used - bound


def _first_argument_name(macro: Any) -> set[str]:
    arguments = macro.children[2] if len(macro.children) > 2 else None
    if arguments is None or not getattr(arguments, "children", None):
        return set()
    first = arguments.children[0]
    names = {str(node.children[0]) for node in first.iter_subtrees() if node.data == "ident"}
    return names if len(names) == 1 else set()


def _evaluate_without_claims(text: str) -> object:
    """The result with `claims` bound to a value every access fails on; None on error.

    CEL's `||` and `&&` absorb errors (`true || error` is true), so an expression that
    is still true here does not depend on the token at all.
    """
    import celpy

    environment = celpy.Environment()
    try:
        program = environment.program(environment.compile(text))
        result = program.evaluate({"claims": celpy.celtypes.IntType(0)})
    except Exception:
        return None
    if isinstance(result, celpy.celtypes.BoolType):
        return bool(result)
    if isinstance(result, Exception):
        return None
    return result
