"""Evaluates each matcher of a rule against decoded claims, saying why it passes or fails.

These are fedctl's reading of the exchange's match step (docs/admin-api.md §3.5, §7.3): all
populated matchers are ANDed; `subject_prefix` is exact unless it ends in `*`; `aud`
(string or list) must contain the audience; `claims` are exact top-level strings; the CEL
`condition` is evaluated locally with the library validation uses.

Usage:
    result = check_subject("repo:acme/*", {"sub": "repo:acme/app"})
    result.outcome is Outcome.MATCH
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from fedctl.access.explain.model import (
    ASSUMED_DEFAULT_AUDIENCE,
    MatcherResult,
    Outcome,
)
from fedctl.core.resolved import ResolvedIssuer

ConditionEvaluator = Callable[[str, Mapping[str, Any]], bool]
MISSING = "(absent)"


def show(value: Any) -> str:
    """A claim value as JSON, so strings, numbers and lists read unambiguously."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def check_issuer(issuer: ResolvedIssuer | None, claims: Mapping[str, Any]) -> MatcherResult:
    actual = show(claims["iss"]) if "iss" in claims else MISSING
    expected = show(issuer.issuer_url) if issuer else "(issuer not found)"
    if issuer is not None and claims.get("iss") == issuer.issuer_url:
        return MatcherResult("issuer", Outcome.MATCH, expected, actual, "iss equals issuer_url")
    reason = (
        "iss must equal the issuer's issuer_url byte for byte (scheme, port, trailing slash)"
        if issuer is not None
        else "the rule's issuer is not in this configuration"
    )
    return MatcherResult("issuer", Outcome.NO_MATCH, expected, actual, reason)


def check_subject(subject_prefix: str | None, claims: Mapping[str, Any]) -> MatcherResult:
    if subject_prefix is None:
        return MatcherResult("subject_prefix", Outcome.NOT_SET, "", "", "not set: any sub")
    sub = claims.get("sub")
    actual = show(sub) if "sub" in claims else MISSING
    if subject_prefix.endswith("*"):
        prefix = subject_prefix[:-1]
        expected = f"starts with {show(prefix)}"
        matched = isinstance(sub, str) and sub.startswith(prefix)
        reason = "sub starts with the prefix" if matched else "sub does not start with the prefix"
    else:
        expected = f"equals {show(subject_prefix)} (exact; no trailing *)"
        matched = sub == subject_prefix
        reason = "sub is exactly the value" if matched else "sub differs from the exact value"
    if not isinstance(sub, str):
        reason = "the token has no string sub claim"
    outcome = Outcome.MATCH if matched else Outcome.NO_MATCH
    return MatcherResult("subject_prefix", outcome, expected, actual, reason)


def check_audience(audience: str | None, claims: Mapping[str, Any]) -> MatcherResult:
    wanted = audience if audience is not None else ASSUMED_DEFAULT_AUDIENCE
    aud = claims.get("aud")
    actual = show(aud) if "aud" in claims else MISSING
    values = aud if isinstance(aud, list) else [aud]
    matched = wanted in [value for value in values if isinstance(value, str)]
    expected = f"contains {show(wanted)}"
    if audience is None:
        expected += " (audience not set: fedctl assumes Anthropic's expected audience is this)"
    if matched:
        reason = "aud contains the audience"
    elif "aud" not in claims:
        reason = "the token has no aud claim"
    else:
        reason = "aud does not contain the audience"
    outcome = Outcome.MATCH if matched else Outcome.NO_MATCH
    return MatcherResult("audience", outcome, expected, actual, reason)


def check_claims(
    expected_claims: Mapping[str, str] | None, claims: Mapping[str, Any]
) -> list[MatcherResult]:
    """One result per expected claim, so each mismatch shows expected vs actual."""
    if not expected_claims:
        return [MatcherResult("claims", Outcome.NOT_SET, "", "", "not set")]
    return [
        _check_one_claim(name, value, claims) for name, value in sorted(expected_claims.items())
    ]


def _check_one_claim(name: str, wanted: str, claims: Mapping[str, Any]) -> MatcherResult:
    matcher = f"claims.{name}"
    expected = show(wanted)
    if name not in claims:
        return MatcherResult(matcher, Outcome.NO_MATCH, expected, MISSING, "claim absent")
    actual_value = claims[name]
    actual = show(actual_value)
    if not isinstance(actual_value, str):
        reason = (
            f"the claim is a {_json_type(actual_value)}; claims only match strings "
            "(use a condition for other types)"
        )
        return MatcherResult(matcher, Outcome.NO_MATCH, expected, actual, reason)
    if actual_value == wanted:
        return MatcherResult(matcher, Outcome.MATCH, expected, actual, "equal")
    return MatcherResult(matcher, Outcome.NO_MATCH, expected, actual, "differs (exact match)")


def check_condition(
    condition: str | None, claims: Mapping[str, Any], evaluate: ConditionEvaluator
) -> MatcherResult:
    if condition is None:
        return MatcherResult("condition", Outcome.NOT_SET, "", "", "not set")
    expected = f"{condition} is true"
    try:
        value = evaluate(condition, claims)
    # An evaluation error (a missing claim, a type mismatch) denies the exchange, so
    # explain reports it as a failed matcher with the evaluator's reason, whatever its type.
    except Exception as exc:
        reason = f"evaluation failed: {_one_line(str(exc)) or type(exc).__name__}"
        return MatcherResult("condition", Outcome.NO_MATCH, expected, "error", reason)
    if value is True:
        return MatcherResult("condition", Outcome.MATCH, expected, "true", "evaluates to true")
    return MatcherResult("condition", Outcome.NO_MATCH, expected, show(value), "not true")


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return "null" if value is None else type(value).__name__


def _one_line(text: str) -> str:
    return " ".join(text.split())
