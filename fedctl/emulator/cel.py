"""CEL conditions of federation rules: parse and vet at write time, evaluate at exchange time.

Uses cel-python (`celpy`), the same maintained CEL library fedctl's validator uses, but
through its own calls: the emulator shares no code with fedctl.
"""

from __future__ import annotations

import logging
from typing import Any

import celpy
from celpy import CELParseError, json_to_cel  # type: ignore[attr-defined]

# celpy logs every evaluation error at WARNING; a failed condition is an ordinary "no
# match" here, so keep those records out of the server log.
logging.getLogger("celpy").setLevel(logging.CRITICAL)

_ENVIRONMENT = celpy.Environment()


class ConditionError(ValueError):
    """A condition the API refuses at write time; the message says why."""


def vet_condition(condition: str) -> None:
    """Refuse a condition that does not parse, never mentions `claims`, or is constant true.

    NOTE: CEL type checking is not done (celpy has no checker). The heuristics, recorded
    in the package docstring: a condition must name the `claims` variable, and it is
    "constant true" when it evaluates to true while `claims` is unbound — every path that
    would read a claim errors then, so a true result cannot depend on the claims
    (`true`, `(true)`, `!false`, `true || claims.x`, `claims.a == "b" || 1 == 1`).
    """
    if not condition.strip():
        raise ConditionError("condition must not be blank")
    try:
        ast = _ENVIRONMENT.compile(condition)
    except CELParseError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise ConditionError(f"condition is not valid CEL: {first_line}") from None
    if _is_true(_evaluate_ast(ast, None)):
        raise ConditionError(
            "condition is constant true: it accepts every token; constrain it with claims"
        )
    identifiers = {token.value for token in ast.scan_values(_is_identifier)}
    if "claims" not in identifiers:
        raise ConditionError("condition must reference the `claims` variable")


def condition_holds(condition: str, claims: dict[str, Any]) -> bool:
    """True only when the condition evaluates to the boolean true for these claims."""
    try:
        ast = _ENVIRONMENT.compile(condition)
    except CELParseError:
        return False
    return _is_true(_evaluate_ast(ast, claims))


def _evaluate_ast(ast: Any, claims: dict[str, Any] | None) -> Any:
    activation: dict[str, Any] = {}
    if claims is not None:
        activation["claims"] = json_to_cel(claims)
    try:
        return _ENVIRONMENT.program(ast).evaluate(activation)
    except Exception:  # celpy raises a zoo of errors for missing keys, bad types...
        return None


def _is_true(value: Any) -> bool:
    return isinstance(value, celpy.celtypes.BoolType) and bool(value)


def _is_identifier(token: Any) -> bool:
    return getattr(token, "type", None) == "IDENT"
