"""Whether a resolved rule admits a concrete claim set: the evaluator witnesses must pass.

This is `explain`'s reading of the match step (its matcher functions, the same CEL library
and string functions), so a witness fedctl shows is one `fedctl explain` and `fedctl test`
would also accept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fedctl.access.explain.matchers import (
    ConditionEvaluator,
    check_audience,
    check_claims,
    check_condition,
    check_subject,
)
from fedctl.access.explain.model import MatcherResult, Outcome
from fedctl.core.resolved import ResolvedRule


def _evaluate(condition: str, claims: Mapping[str, Any]) -> bool:
    from fedctl.config.cel import evaluate_condition

    return evaluate_condition(condition, dict(claims))


def admits(
    rule: ResolvedRule, claims: Mapping[str, Any], *, evaluate: ConditionEvaluator = _evaluate
) -> bool:
    """Whether every matcher of the rule passes; `evaluate` judges the CEL condition (a
    caller may remember its verdicts). Stops at the first matcher that fails."""
    if rule.issuer_url is None or claims.get("iss") != rule.issuer_url:
        return False
    checks: tuple[Callable[[], list[MatcherResult]], ...] = (
        lambda: [check_subject(rule.subject_prefix, claims)],
        lambda: [check_audience(rule.audience, claims)],
        lambda: check_claims(rule.claims_dict, claims),
        lambda: [check_condition(rule.condition, claims, evaluate)],
    )
    return all(result.outcome is not Outcome.NO_MATCH for check in checks for result in check())
