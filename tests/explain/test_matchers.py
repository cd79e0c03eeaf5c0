from typing import Any

import pytest

from fedctl.access.explain.matchers import (
    check_audience,
    check_claims,
    check_condition,
    check_issuer,
    check_subject,
)
from fedctl.access.explain.model import MatcherResult, Outcome
from fedctl.config.cel import evaluate_condition
from fedctl.core.resolved import ResolvedIssuer

CLAIMS: dict[str, Any] = {
    "iss": "https://token.actions.githubusercontent.com",
    "sub": "repo:acme/app:ref:refs/heads/main",
    "aud": ["https://api.anthropic.com", "other"],
    "repository_owner": "acme",
    "run_number": 42,
    "ref": "refs/heads/main",
}


def evaluate(condition: str, claims: Any) -> bool:
    return evaluate_condition(condition, dict(claims))


def test_issuer_matches_byte_for_byte_only() -> None:
    issuer = ResolvedIssuer("gha", "https://token.actions.githubusercontent.com/", 3600, True)
    result = check_issuer(issuer, CLAIMS)
    assert result == MatcherResult(
        "issuer",
        Outcome.NO_MATCH,
        '"https://token.actions.githubusercontent.com/"',
        '"https://token.actions.githubusercontent.com"',
        "iss must equal the issuer's issuer_url byte for byte (scheme, port, trailing slash)",
    )


def test_exact_subject_matches_only_the_whole_value() -> None:
    assert check_subject("repo:acme/app:ref:refs/heads/main", CLAIMS).outcome is Outcome.MATCH
    failed = check_subject("repo:acme/app", CLAIMS)
    assert failed.outcome is Outcome.NO_MATCH
    assert failed.expected == 'equals "repo:acme/app" (exact; no trailing *)'
    assert failed.actual == '"repo:acme/app:ref:refs/heads/main"'
    assert failed.reason == "sub differs from the exact value"


def test_trailing_star_is_a_prefix_match() -> None:
    assert check_subject("repo:acme/*", CLAIMS).outcome is Outcome.MATCH
    failed = check_subject("repo:acme-labs/*", CLAIMS)
    assert (failed.outcome, failed.expected, failed.reason) == (
        Outcome.NO_MATCH,
        'starts with "repo:acme-labs/"',
        "sub does not start with the prefix",
    )


def test_missing_sub_fails_subject_prefix() -> None:
    result = check_subject("repo:acme/*", {"iss": "x"})
    assert (result.outcome, result.actual, result.reason) == (
        Outcome.NO_MATCH,
        "(absent)",
        "the token has no string sub claim",
    )


def test_unset_subject_prefix_is_not_set() -> None:
    assert check_subject(None, CLAIMS).outcome is Outcome.NOT_SET


def test_audience_list_must_contain_the_value() -> None:
    assert check_audience("other", CLAIMS).outcome is Outcome.MATCH
    failed = check_audience("https://github.com/acme", CLAIMS)
    assert failed.outcome is Outcome.NO_MATCH
    assert failed.reason == "aud does not contain the audience"
    assert failed.actual == '["https://api.anthropic.com", "other"]'


def test_unset_audience_assumes_the_anthropic_audience_and_says_so() -> None:
    matched = check_audience(None, {"aud": "https://api.anthropic.com"})
    assert matched.outcome is Outcome.MATCH
    assert "fedctl assumes" in matched.expected
    failed = check_audience(None, {"aud": "https://github.com/acme"})
    assert failed.outcome is Outcome.NO_MATCH
    assert failed.expected == (
        'contains "https://api.anthropic.com" (audience not set: fedctl assumes '
        "Anthropic's expected audience is this)"
    )


def test_missing_aud_fails() -> None:
    assert check_audience("x", {}).reason == "the token has no aud claim"


def test_claims_are_checked_one_by_one() -> None:
    results = check_claims({"repository_owner": "evil", "ref": "refs/heads/main"}, CLAIMS)
    assert [(r.matcher, r.outcome, r.expected, r.actual) for r in results] == [
        ("claims.ref", Outcome.MATCH, '"refs/heads/main"', '"refs/heads/main"'),
        ("claims.repository_owner", Outcome.NO_MATCH, '"evil"', '"acme"'),
    ]


def test_absent_and_non_string_claims_fail_with_reasons() -> None:
    absent, number = check_claims({"environment": "prod", "run_number": "42"}, CLAIMS)
    assert (absent.outcome, absent.actual, absent.reason) == (
        Outcome.NO_MATCH,
        "(absent)",
        "claim absent",
    )
    assert number.outcome is Outcome.NO_MATCH
    assert number.reason == (
        "the claim is a number; claims only match strings (use a condition for other types)"
    )


@pytest.mark.parametrize(
    ("condition", "outcome"),
    [
        ('claims.ref == "refs/heads/main" && claims.run_number > 40', Outcome.MATCH),
        ('claims.ref == "refs/heads/release"', Outcome.NO_MATCH),
        ("claims.no_such_claim == 1", Outcome.NO_MATCH),
    ],
)
def test_condition_is_evaluated_with_cel(condition: str, outcome: Outcome) -> None:
    assert check_condition(condition, CLAIMS, evaluate).outcome is outcome


def test_condition_evaluation_error_is_a_failed_matcher_with_the_reason() -> None:
    def broken(condition: str, claims: Any) -> bool:
        raise ValueError("no such key:\n  environment")

    result = check_condition("claims.environment == 'x'", CLAIMS, broken)
    assert (result.outcome, result.actual, result.reason) == (
        Outcome.NO_MATCH,
        "error",
        "evaluation failed: no such key: environment",
    )
