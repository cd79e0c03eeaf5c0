# ruff: noqa: E501 - expected messages are compared whole, one literal each
import pytest

from fedctl.config.cel import ConditionError, check_condition, evaluate_condition


@pytest.mark.parametrize(
    "condition",
    [
        'claims.ref == "refs/heads/main"',
        'claims.sub.startsWith("repo:acme-corp/") && claims.ref in ["refs/heads/main", "refs/heads/release"]',
        'claims["kubernetes.io"]["namespace"] == "prod"',
        'claims.groups.exists(g, g == "admins")',
        'claims.run_attempt == "1" || claims.actor == "bot"',
    ],
)
def test_acceptable_conditions(condition: str) -> None:
    assert check_condition(condition) is None


@pytest.mark.parametrize(
    ("condition", "problem"),
    [
        ("true", "never reads claims, so it is constant; test a claim, e.g. claims.sub"),
        ("!false", "never reads claims, so it is constant; test a claim, e.g. claims.sub"),
        (
            'true || claims.x == "y"',
            "is true whatever the token holds; the API rejects a constant-true condition",
        ),
        (
            'claims.x == "y" || (1 == 1)',
            "is true whatever the token holds; the API rejects a constant-true condition",
        ),
        (
            'token.sub == "a" && claims.x == "b"',
            "uses token; the only variable is claims, e.g. claims.token",
        ),
        (
            "claims.x ==",
            'is not valid CEL (syntax error at line 1, column 10 of the condition); e.g. claims.ref == "refs/heads/main"',
        ),
        ("", 'is blank; write a CEL expression over claims, e.g. claims.ref == "refs/heads/main"'),
    ],
)
def test_refused_conditions(condition: str, problem: str) -> None:
    assert check_condition(condition) == problem


def test_evaluate_condition() -> None:
    condition = 'claims.repository_owner == "acme" && claims.run_number > 3'
    assert evaluate_condition(condition, {"repository_owner": "acme", "run_number": 4}) is True
    assert evaluate_condition(condition, {"repository_owner": "acme", "run_number": 2}) is False
    # A missing claim is an evaluation error, which denies (as at token exchange).
    assert evaluate_condition(condition, {}) is False
    assert evaluate_condition('claims.a.b == "c"', {"a": {"b": "c"}}) is True


def test_evaluate_refuses_uncompilable_text() -> None:
    with pytest.raises(ConditionError, match="is not valid CEL"):
        evaluate_condition("claims.x ==", {})
