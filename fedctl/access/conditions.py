"""Comparing two CEL conditions, conservatively: only provable effects are claimed.

fedctl cannot decide whether one CEL expression implies another in general, so it proves
only two things: the expressions parse to the same tree (NEUTRAL), or one is the other
with extra `&&` conjuncts (a conjunct added NARROWS, one removed BROADENS; CEL's `&&` is
true only when both sides are true, errors and all). Anything else is POSSIBLY
BROADENING, never neutral.
"""

from __future__ import annotations

from functools import lru_cache

from fedctl.access.model import Effect, Finding

# Parse-tree nodes that only wrap one sub-expression (precedence levels, parentheses).
_WRAPPERS = frozenset(
    {
        "expr",
        "conditionalor",
        "conditionaland",
        "relation",
        "addition",
        "multiplication",
        "unary",
        "member",
        "primary",
        "paren_expr",
    }
)


def compare_conditions(before: str | None, after: str | None) -> Finding | None:
    """The finding for a condition change, or None when the text did not change."""
    if before == after:
        return None
    if before is None:
        return Finding(
            dimension="condition",
            effect=Effect.NARROWING,
            reason=f"condition added: {after}",
        )
    if after is None:
        return Finding(
            dimension="condition",
            effect=Effect.BROADENING,
            reason=f"condition removed (was {before}): tokens no longer need to satisfy it",
        )
    old, new = _conjuncts(before), _conjuncts(after)
    if old is not None and new is not None:
        if old == new:
            return Finding(
                dimension="condition",
                effect=Effect.NEUTRAL,
                reason="condition reformatted: same expression",
            )
        if set(old) <= set(new):
            return Finding(
                dimension="condition",
                effect=Effect.NARROWING,
                reason=f"condition gained a conjunct: {after}",
            )
        if set(new) <= set(old):
            return Finding(
                dimension="condition",
                effect=Effect.BROADENING,
                reason=f"condition lost a conjunct: {before} became {after}",
            )
    return Finding(
        dimension="condition",
        effect=Effect.POSSIBLY_BROADENING,
        reason=(
            f"condition changed from {before} to {after}: fedctl cannot prove the new "
            "expression admits no new tokens"
        ),
    )


@lru_cache(maxsize=256)
def _conjuncts(expression: str) -> tuple[str, ...] | None:
    """The top-level `&&` operands as canonical tree strings, or None if it does not parse."""
    import celpy
    from lark import Tree

    try:
        tree = celpy.Environment().compile(expression)
    except Exception:  # any parse failure means "cannot prove"
        return None

    def unwrap(node: Tree) -> Tree:  # type: ignore[type-arg]
        while (
            node.data in _WRAPPERS
            and len(node.children) == 1
            and isinstance(node.children[0], Tree)
        ):
            node = node.children[0]
        return node

    def flatten(node: Tree) -> list[str]:  # type: ignore[type-arg]
        node = unwrap(node)
        if node.data == "conditionaland" and len(node.children) > 1:
            return [part for child in node.children for part in flatten(child)]
        return [repr(node)]

    return tuple(sorted(flatten(tree)))
