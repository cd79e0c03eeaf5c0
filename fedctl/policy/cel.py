"""CEL for policies: compile once (a syntax error is a located error) and evaluate on a
resource's bindings. cel-python is imported lazily, as for rule conditions."""

from __future__ import annotations

from typing import Any

_BINDING_MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})


class CelProblem(ValueError):
    """A policy expression that cannot be used; the message is one line."""


class EvaluationFailed(ValueError):
    """A policy expression that could not be evaluated on one resource (a missing field)."""


def compile_policy_expression(text: str) -> set[str]:
    """Compile `text`; return the variables it reads. CelProblem when it is not CEL."""
    tree = _compile(text)
    used: set[str] = set()
    bound: set[str] = set()
    for node in tree.iter_subtrees():
        if node.data == "ident":
            used.add(str(node.children[0]))
        elif node.data == "member_dot_arg" and str(node.children[1]) in _BINDING_MACROS:
            arguments = node.children[2] if len(node.children) > 2 else None
            if arguments is not None and getattr(arguments, "children", None):
                first = arguments.children[0]
                bound |= {str(n.children[0]) for n in first.iter_subtrees() if n.data == "ident"}
    return used - bound


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
