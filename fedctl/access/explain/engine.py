"""Token + Rulebook -> Explanation: which rules would accept the token, and why or why not.

The rules explained are those of every issuer whose `issuer_url` equals the token's `iss`
byte for byte (several issuers may share one URL), or only `--rule NAME`, which is
explained even when its issuer does not match, so the mismatch is shown.

Usage:
    explanation = explain_token(token, book, now=time.time())
    explanation.matched  # some rule would match -> exit 0, else NoRuleMatches (exit 3)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fedctl.access.explain.exchange import exchange_checks
from fedctl.access.explain.matchers import (
    ConditionEvaluator,
    check_audience,
    check_claims,
    check_condition,
    check_issuer,
    check_subject,
)
from fedctl.access.explain.model import (
    Explanation,
    Rulebook,
    RuleExplanation,
)
from fedctl.access.explain.token import DecodedToken
from fedctl.core.errors import FedctlError, UsageError
from fedctl.core.resolved import ResolvedIssuer, ResolvedRule

NO_MATCH_EXIT_CODE = 3


class NoRuleMatches(FedctlError):
    """No rule would accept the token; `fedctl explain` exits 3 (not 1: this is an answer)."""

    exit_code = NO_MATCH_EXIT_CODE


def explain_token(
    token: DecodedToken,
    book: Rulebook,
    *,
    now: float,
    rule_name: str | None = None,
    evaluate: ConditionEvaluator | None = None,
) -> Explanation:
    """Explain every candidate rule; raises UsageError when `rule_name` is unknown."""
    evaluator = evaluate or _default_evaluator()
    iss = token.claims.get("iss")
    issuers = tuple(issuer for issuer in book.issuers if issuer.issuer_url == iss)
    rules = _candidate_rules(book, issuers, rule_name)
    issuers_by_name = {issuer.name: issuer for issuer in book.issuers}
    explained = tuple(
        _explain_rule(token, rule, issuers_by_name.get(rule.issuer_name), book, now, evaluator)
        for rule in rules
    )
    return Explanation(
        token=token,
        source=book.source,
        issuers=issuers,
        rules=explained,
        near_misses=_near_misses(book.issuers, iss) if not issuers else (),
        now=now,
    )


def no_match_error(explanation: Explanation) -> NoRuleMatches:
    iss = explanation.token.claims.get("iss")
    if not explanation.issuers and not explanation.rules:
        if iss is None:
            return NoRuleMatches(
                "the token has no iss claim, so no issuer can accept it; an identity token "
                "from a CI provider always names its issuer in iss"
            )
        return NoRuleMatches(
            f"no issuer in {explanation.source} has issuer_url {iss!r}; declare one with "
            "exactly the token's iss, or check that the token comes from the identity "
            "provider you meant"
        )
    count = len(explanation.rules)
    return NoRuleMatches(
        f"none of the {count} rule(s) explained would accept this token; the FAIL lines "
        "above name the matchers that refused it"
    )


def _candidate_rules(
    book: Rulebook, issuers: tuple[ResolvedIssuer, ...], rule_name: str | None
) -> list[ResolvedRule]:
    if rule_name is not None:
        named = [rule for rule in book.rules if rule.name == rule_name]
        if not named:
            known = ", ".join(sorted(rule.name for rule in book.rules)) or "none"
            raise UsageError(f"--rule {rule_name}: no such rule in {book.source} (rules: {known})")
        return named
    issuer_names = {issuer.name for issuer in issuers}
    return sorted(
        (rule for rule in book.rules if rule.issuer_name in issuer_names), key=lambda r: r.name
    )


def _explain_rule(
    token: DecodedToken,
    rule: ResolvedRule,
    issuer: ResolvedIssuer | None,
    book: Rulebook,
    now: float,
    evaluate: ConditionEvaluator,
) -> RuleExplanation:
    claims = token.claims
    matchers = [
        check_issuer(issuer, claims),
        check_subject(rule.subject_prefix, claims),
        check_audience(rule.audience, claims),
        *check_claims(rule.claims_dict, claims),
        check_condition(rule.condition, claims, evaluate),
    ]
    checks = exchange_checks(
        claims,
        rule,
        issuer,
        book.all_workspaces,
        now=now,
        token_size=token.size,
        member_workspaces=book.member_workspaces(rule),
    )
    return RuleExplanation(
        rule=rule, issuer=issuer, matchers=tuple(matchers), exchange_checks=checks
    )


def _near_misses(issuers: tuple[ResolvedIssuer, ...], iss: Any) -> tuple[ResolvedIssuer, ...]:
    """Issuers a person may have meant: equal once case, spaces and trailing '/' are ignored."""
    if not isinstance(iss, str):
        return ()
    wanted = _loose(iss)
    return tuple(issuer for issuer in issuers if _loose(issuer.issuer_url) == wanted)


def _loose(url: str) -> str:
    return url.strip().rstrip("/").casefold()


def _default_evaluator() -> ConditionEvaluator:
    # The same CEL library and semantics as `fedctl validate` (fedctl.config.cel).
    from fedctl.config.cel import evaluate_condition

    def evaluate(condition: str, claims: Mapping[str, Any]) -> bool:
        return evaluate_condition(condition, dict(claims))

    return evaluate
