"""Local evaluation of a rule's matchers against a claim set (audience aside).

Mirrors the exchange-time semantics of docs/admin-api.md §5.5 and §3.5: subject_prefix
is exact unless it ends in `*`; `claims` are exact string matches on top-level claims; the
CEL condition sees the whole claim set as `claims`. A condition that fails to evaluate (a
missing claim, a type error) does not match, as at the API.
"""

from __future__ import annotations

from collections.abc import Mapping

from fedctl.config.cel import ConditionError, evaluate_condition
from fedctl.core.resolved import ResolvedRule


def subject_matches(subject_prefix: str | None, sub: object) -> bool:
    if subject_prefix is None:
        return True
    if not isinstance(sub, str):
        return False
    if subject_prefix.endswith("*"):
        return sub.startswith(subject_prefix[:-1])
    return sub == subject_prefix


def claims_match(expected: Mapping[str, str], claims: dict[str, object]) -> bool:
    return all(claims.get(name) == value for name, value in expected.items())


def condition_holds(condition: str | None, claims: dict[str, object]) -> bool:
    if condition is None:
        return True
    try:
        return evaluate_condition(condition, claims)
    except ConditionError:
        return False  # validation refuses such conditions before lint runs


def rule_accepts(rule: ResolvedRule, claims: dict[str, object]) -> bool:
    """True when every matcher but audience accepts `claims`."""
    return (
        subject_matches(rule.subject_prefix, claims.get("sub"))
        and claims_match(rule.claims_dict, claims)
        and condition_holds(rule.condition, claims)
    )
