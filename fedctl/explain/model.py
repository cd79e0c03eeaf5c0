"""What `fedctl explain` reasons over and what it finds, independent of where rules come from.

`fedctl.explain.sources` builds a Rulebook from the configuration or the live state;
`fedctl.explain.engine` turns a token and a Rulebook into an Explanation;
`fedctl.explain.render` prints it. Workspaces are held as the references a person reads
(a name, `default`, or an ID), since explain only reports them.

Usage:
    book = Rulebook(source="configuration in prod/", issuers=(...), rules=(...))
    explanation = explain_token(token, book, now=time.time())
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fedctl.explain.token import DecodedToken
from fedctl.state import RuleMatchSpec

# What fedctl assumes `aud` must hold when a rule sets no audience. Anthropic does not
# document "the expected audience for the issuer" (docs/admin-api.md §3.5, §8 item 28); every
# provider guide but Entra's uses this value.
ASSUMED_DEFAULT_AUDIENCE = "https://api.anthropic.com"
# Leeway the exchange allows on exp, nbf and iat (docs/admin-api.md §7.3).
CLOCK_LEEWAY_SECONDS = 30
DEFAULT_WORKSPACE = "default"


@dataclass(frozen=True)
class IssuerFacts:
    name: str
    issuer_url: str
    max_jwt_lifetime_seconds: int
    check_jti: bool


@dataclass(frozen=True)
class RuleFacts:
    """A rule as explain needs it. `member_workspaces` is None when memberships are unknown."""

    name: str
    issuer_name: str
    service_account_name: str
    match: RuleMatchSpec
    oauth_scope: str
    workspaces: tuple[str, ...]
    applies_to_all_workspaces: bool
    token_lifetime_seconds: int
    member_workspaces: frozenset[str] | None = None


@dataclass(frozen=True)
class Rulebook:
    """The issuers and rules to explain against; `all_workspaces` None when unknown."""

    source: str
    issuers: tuple[IssuerFacts, ...]
    rules: tuple[RuleFacts, ...]
    all_workspaces: tuple[str, ...] | None = None


class Outcome(StrEnum):
    MATCH = "match"
    NO_MATCH = "no match"
    NOT_SET = "not set"

    @property
    def marker(self) -> str:
        return {"match": "ok", "no match": "FAIL", "not set": "--"}[self.value]


@dataclass(frozen=True)
class MatcherResult:
    """One matcher of one rule: what it expects, what the token has, and why it passes."""

    matcher: str
    outcome: Outcome
    expected: str
    actual: str
    reason: str


class Level(StrEnum):
    OK = "ok"
    NOTE = "note"
    REFUSED = "refused"

    @property
    def marker(self) -> str:
        return {"ok": "ok", "note": "note", "refused": "FAIL"}[self.value]


@dataclass(frozen=True)
class ExchangeCheck:
    """A check the token exchange applies beyond the match (docs/admin-api.md §7.3)."""

    check: str
    level: Level
    message: str


@dataclass(frozen=True)
class RuleExplanation:
    rule: RuleFacts
    issuer: IssuerFacts | None
    matchers: tuple[MatcherResult, ...]
    exchange_checks: tuple[ExchangeCheck, ...]

    @property
    def matches(self) -> bool:
        return all(result.outcome is not Outcome.NO_MATCH for result in self.matchers)


@dataclass(frozen=True)
class Explanation:
    token: DecodedToken
    source: str
    issuers: tuple[IssuerFacts, ...]
    rules: tuple[RuleExplanation, ...]
    # Issuers whose URL differs from `iss` only in case, whitespace or a trailing slash.
    near_misses: tuple[IssuerFacts, ...] = ()
    now: float = 0.0

    @property
    def matched(self) -> bool:
        return any(rule.matches for rule in self.rules)

    @property
    def matching_rules(self) -> tuple[str, ...]:
        return tuple(rule.rule.name for rule in self.rules if rule.matches)
