"""The checks a matching token still faces at the exchange (docs/admin-api.md §7.3, §7.2).

Time claims and the issuer's lifetime limit, single use of `jti`, the choice of one
workspace, the target's membership there, and the lifetime of the minted token. All are
computed as of `now`, so `fedctl explain --at` can answer "why was it refused then?".

Usage:
    checks = exchange_checks(token.claims, rule, issuer, all_workspaces, now=time.time())
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from fedctl.access.explain.model import (
    CLOCK_LEEWAY_SECONDS,
    ExchangeCheck,
    Level,
)
from fedctl.core.resolved import ResolvedIssuer, ResolvedRule
from fedctl.core.state import DEFAULT_WORKSPACE

MINIMUM_MINTED_LIFETIME_SECONDS = 60


def exchange_checks(
    claims: Mapping[str, Any],
    rule: ResolvedRule,
    issuer: ResolvedIssuer | None,
    all_workspaces: Sequence[str] | None,
    *,
    now: float,
    token_size: int | None = None,
    member_workspaces: frozenset[str] | None = None,
) -> tuple[ExchangeCheck, ...]:
    """`member_workspaces`: where the rule's target is a member (None: not checked)."""
    checks: list[ExchangeCheck] = []
    if token_size is not None and token_size > 16 * 1024:
        checks.append(
            ExchangeCheck("size", Level.REFUSED, f"the token is {token_size} bytes; max 16384")
        )
    checks += _time_checks(claims, issuer, now=now)
    if issuer is not None:
        checks.append(_jti_check(claims, issuer))
    checks += _workspace_checks(rule, all_workspaces, member_workspaces)
    checks.append(_minted_lifetime(claims, rule, now=now))
    return tuple(checks)


def _time_checks(
    claims: Mapping[str, Any], issuer: ResolvedIssuer | None, *, now: float
) -> list[ExchangeCheck]:
    checks: list[ExchangeCheck] = []
    if not isinstance(claims.get("sub"), str):
        checks.append(ExchangeCheck("sub", Level.REFUSED, "the token has no sub claim"))
    iat, exp, nbf = (_number(claims.get(name)) for name in ("iat", "exp", "nbf"))
    if iat is None:
        checks.append(ExchangeCheck("iat", Level.REFUSED, "the token has no numeric iat claim"))
    elif iat > now + CLOCK_LEEWAY_SECONDS:
        checks.append(
            ExchangeCheck("iat", Level.REFUSED, f"iat {_when(iat)} is in the future (30 s leeway)")
        )
    if exp is None:
        checks.append(ExchangeCheck("exp", Level.REFUSED, "the token has no numeric exp claim"))
    elif exp + CLOCK_LEEWAY_SECONDS <= now:
        ago = int(now - exp)
        checks.append(
            ExchangeCheck("exp", Level.REFUSED, f"expired: exp {_when(exp)} is {ago} s ago")
        )
    else:
        checks.append(
            ExchangeCheck("exp", Level.OK, f"exp {_when(exp)}: valid for {int(exp - now)} s more")
        )
    if nbf is not None and nbf > now + CLOCK_LEEWAY_SECONDS:
        checks.append(ExchangeCheck("nbf", Level.REFUSED, f"not valid before {_when(nbf)}"))
    if iat is not None and exp is not None and issuer is not None:
        checks.append(_lifetime_check(exp - iat, issuer))
    return checks


def _lifetime_check(lifetime: float, issuer: ResolvedIssuer) -> ExchangeCheck:
    limit = issuer.max_jwt_lifetime_seconds
    if lifetime <= limit:
        message = f"exp - iat = {_plain(lifetime)} s <= issuer max_jwt_lifetime_seconds {limit}"
        return ExchangeCheck("lifetime", Level.OK, message)
    message = (
        f"exp - iat = {_plain(lifetime)} s exceeds issuer {issuer.name}'s max_jwt_lifetime_seconds "
        f"{limit}; raise it (up to 176400) or issue shorter tokens"
    )
    return ExchangeCheck("lifetime", Level.REFUSED, message)


def _jti_check(claims: Mapping[str, Any], issuer: ResolvedIssuer) -> ExchangeCheck:
    if "jti" not in claims:
        return ExchangeCheck("jti", Level.OK, "no jti claim: no replay check applies")
    if not issuer.check_jti:
        message = f"jti present, but issuer {issuer.name} has check_jti off: no replay check"
        return ExchangeCheck("jti", Level.NOTE, message)
    message = (
        f"jti present and issuer {issuer.name} has check_jti on: this token can be "
        "exchanged once; a second exchange is refused (jti_reused), so fetch a new token "
        "for each exchange"
    )
    return ExchangeCheck("jti", Level.NOTE, message)


def _workspace_checks(
    rule: ResolvedRule, all_workspaces: Sequence[str] | None, members: frozenset[str] | None
) -> list[ExchangeCheck]:
    if rule.applies_to_all_workspaces:
        candidates = tuple(all_workspaces) if all_workspaces is not None else None
        described = "every workspace (applies_to_all_workspaces)"
    else:
        candidates = rule.workspace_labels()
        described = ", ".join(candidates) or "no workspace"
    checks = [ExchangeCheck("workspaces", Level.OK, f"the rule is enabled in {described}")]
    if candidates is not None and len(candidates) == 0:
        message = "the rule is enabled in no workspace: every exchange is refused"
        return [ExchangeCheck("workspaces", Level.REFUSED, message)]
    if candidates is None or len(candidates) > 1:
        message = (
            "several workspaces: the exchange needs ANTHROPIC_WORKSPACE_ID (a wrkspc_ ID or "
            "'default') naming one, else it is refused (workspace_id_required)"
        )
        checks.append(ExchangeCheck("workspace choice", Level.NOTE, message))
    else:
        message = f"one workspace: the exchange uses {candidates[0]} without ANTHROPIC_WORKSPACE_ID"
        checks.append(ExchangeCheck("workspace choice", Level.OK, message))
    checks += _membership_checks(rule, candidates, members)
    return checks


def _membership_checks(
    rule: ResolvedRule, candidates: Sequence[str] | None, member_workspaces: frozenset[str] | None
) -> list[ExchangeCheck]:
    if member_workspaces is None or candidates is None:
        return []
    members = member_workspaces | {DEFAULT_WORKSPACE}
    outside = [workspace for workspace in candidates if workspace not in members]
    if not outside:
        return []
    message = (
        f"service account {rule.service_account_name} is not a member of "
        f"{', '.join(outside)}: an exchange into {'it' if len(outside) == 1 else 'them'} "
        "is refused"
    )
    return [ExchangeCheck("membership", Level.REFUSED, message)]


def _minted_lifetime(claims: Mapping[str, Any], rule: ResolvedRule, *, now: float) -> ExchangeCheck:
    formula = "max(60, min(token_lifetime_seconds, 2 x (exp - now)))"
    exp = _number(claims.get("exp"))
    configured = rule.token_lifetime_seconds
    if exp is None:
        return ExchangeCheck("minted lifetime", Level.NOTE, f"{formula}; exp unknown")
    seconds = max(MINIMUM_MINTED_LIFETIME_SECONDS, min(configured, int(2 * (exp - now))))
    message = f"{formula} = max(60, min({configured}, 2 x {int(exp - now)})) = {seconds} s"
    return ExchangeCheck("minted lifetime", Level.NOTE, message)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _plain(number: float) -> str:
    """1767225600.0 -> "1767225600"; fractions stay as given."""
    return str(int(number)) if number.is_integer() else str(number)


def _when(timestamp: float) -> str:
    try:
        moment = datetime.fromtimestamp(timestamp, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return _plain(timestamp)
    return f"{_plain(timestamp)} ({moment.strftime('%Y-%m-%dT%H:%M:%SZ')})"
