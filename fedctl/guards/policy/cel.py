"""CEL for policies: compile once (a syntax error is a located error) and evaluate on a
resource's bindings. cel-python is imported lazily, as for rule conditions."""

from __future__ import annotations

from typing import Any

from fedctl.config.cel import free_variables


class CelProblem(ValueError):
    """A policy expression that cannot be used; the message is one line."""


class EvaluationFailed(ValueError):
    """A policy expression that could not be evaluated on one resource (a missing field)."""


def compile_policy_expression(text: str) -> set[str]:
    """Compile `text`; return the variables it reads. CelProblem when it is not CEL."""
    return free_variables(_compile(text))


def evaluate(text: str, activation: dict[str, Any]) -> bool:
    """True or False; EvaluationFailed when it errors or is not a boolean."""
    import celpy
    import celpy.adapter

    environment = celpy.Environment()
    program = environment.program(_compile(text))
    values = {name: celpy.adapter.json_to_cel(value) for name, value in activation.items()}
    try:
        result = program.evaluate(values)
    except Exception as exc:  # CELEvalError and anything odd data provokes
        raise EvaluationFailed(type(exc).__name__) from None
    if not isinstance(result, celpy.celtypes.BoolType):
        raise EvaluationFailed("not a boolean")
    return bool(result)


def _compile(text: str) -> Any:
    import celpy

    try:
        return celpy.Environment().compile(text)
    except Exception:  # CELParseError, or any Lark error on odd input
        raise CelProblem("is not valid CEL; e.g. rule.token_lifetime_seconds <= 900") from None
