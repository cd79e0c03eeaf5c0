"""What `fedctl explain` reasons over and what it finds, independent of where rules come from.

`fedctl.access.explain.sources` builds a Rulebook from the configuration or the live state;
`fedctl.access.explain.engine` turns a token and a Rulebook into an Explanation;
`fedctl.access.explain.render` prints it. Workspaces are held as the references a person reads
(a name, `default`, or an ID) beside their IDs, since explain only reports them.

Usage:
    book = Rulebook(source="configuration in prod/", issuers=(...), rules=(...))
    explanation = explain_token(token, book, now=time.time())
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

from fedctl.access.explain.token import DecodedToken
from fedctl.core.resolved import (
    ResolvedIssuer,
    ResolvedRule,
    ResolvedServiceAccount,
    workspace_label,
)

# What fedctl assumes `aud` must hold when a rule sets no audience. Anthropic does not
# document "the expected audience for the issuer" (docs/admin-api.md §3.5, §8 item 28); every
# provider guide but Entra's uses this value.
ASSUMED_DEFAULT_AUDIENCE = "https://api.anthropic.com"
# Leeway the exchange allows on exp, nbf and iat (docs/admin-api.md §7.3).
CLOCK_LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class Rulebook:
    """The issuers, rules and service accounts to explain against; `all_workspaces` None
    when unknown. A rule's workspaces and an account's memberships are labelled the way
    explain shows them (`ResolvedRule.workspace_labels`).."""

    source: str
    issuers: tuple[ResolvedIssuer, ...]
    rules: tuple[ResolvedRule, ...]
    all_workspaces: tuple[str, ...] | None = None
    service_accounts: tuple[ResolvedServiceAccount, ...] = ()

    def member_workspaces(self, rule: ResolvedRule) -> frozenset[str] | None:
        """Where the rule's target is a member, as labels; None when that is not checked
        (the account is unknown, or a legacy binding skips the check, §5.8)."""
        if rule.legacy_workspace_id is not None:
            return None
        return self._members_by_account.get(rule.service_account_name)

    @functools.cached_property
    def _members_by_account(self) -> dict[str, frozenset[str]]:
        """Built once: `fedctl test` asks for every case and every candidate rule."""
        found: dict[str, frozenset[str]] = {}
        for account in self.service_accounts:
            names = dict(account.workspace_names)
            found[account.name] = frozenset(
                workspace_label(wid, names) for wid, _role in account.memberships
            )
        return found


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
    rule: ResolvedRule
    issuer: ResolvedIssuer | None
    matchers: tuple[MatcherResult, ...]
    exchange_checks: tuple[ExchangeCheck, ...]

    @property
    def matches(self) -> bool:
        return all(result.outcome is not Outcome.NO_MATCH for result in self.matchers)


@dataclass(frozen=True)
class Explanation:
    token: DecodedToken
    source: str
    issuers: tuple[ResolvedIssuer, ...]
    rules: tuple[RuleExplanation, ...]
    # Issuers whose URL differs from `iss` only in case, whitespace or a trailing slash.
    near_misses: tuple[ResolvedIssuer, ...] = ()
    now: float = 0.0

    @property
    def matched(self) -> bool:
        return any(rule.matches for rule in self.rules)

    @property
    def matching_rules(self) -> tuple[str, ...]:
        return tuple(rule.rule.name for rule in self.rules if rule.matches)
