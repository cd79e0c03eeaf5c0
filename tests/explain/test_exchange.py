from typing import Any

from fedctl.access.explain.exchange import exchange_checks
from fedctl.access.explain.model import ExchangeCheck, Level
from fedctl.core.resolved import ResolvedIssuer, ResolvedRule

IAT = 1767225600
ISSUER = ResolvedIssuer("gha", "https://token.actions.githubusercontent.com", 3600, True)


def rule(**changes: Any) -> ResolvedRule:
    fields: dict[str, Any] = {
        "name": "deploy",
        "issuer_name": "gha",
        "issuer_url": ISSUER.issuer_url,
        "service_account_name": "ci",
        "description": "",
        "subject_prefix": "repo:acme/app",
        "audience": None,
        "claims": (),
        "condition": None,
        "oauth_scope": "workspace:developer",
        "workspace_ids": ("production",),
        "workspace_names": (),
        "applies_to_all_workspaces": False,
        "token_lifetime_seconds": 600,
    }
    fields.update(changes)
    return ResolvedRule(**fields)


def checks(claims: dict[str, Any], now: float, **changes: Any) -> dict[str, ExchangeCheck]:
    issuer = changes.pop("issuer", ISSUER)
    everything = changes.pop("all_workspaces", None)
    members = changes.pop("member_workspaces", frozenset({"production"}))
    found = exchange_checks(
        claims, rule(**changes), issuer, everything, now=now, member_workspaces=members
    )
    return {check.check: check for check in found}


TOKEN = {"sub": "repo:acme/app", "iat": IAT, "exp": IAT + 300, "jti": "j-1"}


def test_valid_token_and_minted_lifetime_formula() -> None:
    found = checks(TOKEN, now=IAT + 100)
    assert found["exp"] == ExchangeCheck(
        "exp", Level.OK, "exp 1767225900 (2026-01-01T00:05:00Z): valid for 200 s more"
    )
    assert found["lifetime"].level is Level.OK
    assert found["minted lifetime"].message == (
        "max(60, min(token_lifetime_seconds, 2 x (exp - now))) = max(60, min(600, 2 x 200)) = 400 s"
    )


def test_minted_lifetime_is_at_least_sixty_seconds() -> None:
    found = checks(TOKEN, now=IAT + 290)
    assert found["minted lifetime"].message.endswith("= max(60, min(600, 2 x 10)) = 60 s")


def test_expired_token_is_refused() -> None:
    found = checks(TOKEN, now=IAT + 400)
    assert found["exp"] == ExchangeCheck(
        "exp", Level.REFUSED, "expired: exp 1767225900 (2026-01-01T00:05:00Z) is 100 s ago"
    )


def test_expiry_has_thirty_seconds_of_leeway() -> None:
    assert checks(TOKEN, now=IAT + 320)["exp"].level is Level.OK


def test_lifetime_above_the_issuer_maximum_is_refused() -> None:
    short_issuer = ResolvedIssuer("okta", "https://okta.example", 200, True)
    found = checks(TOKEN, now=IAT, issuer=short_issuer)
    assert found["lifetime"] == ExchangeCheck(
        "lifetime",
        Level.REFUSED,
        "exp - iat = 300 s exceeds issuer okta's max_jwt_lifetime_seconds 200; "
        "raise it (up to 176400) or issue shorter tokens",
    )


def test_missing_time_claims_and_sub_are_refused() -> None:
    found = checks({"jti": "x"}, now=IAT)
    assert found["sub"].message == "the token has no sub claim"
    assert found["iat"].message == "the token has no numeric iat claim"
    assert found["exp"].message == "the token has no numeric exp claim"
    assert "lifetime" not in found


def test_iat_in_the_future_is_refused() -> None:
    found = checks(TOKEN, now=IAT - 60)
    assert found["iat"].level is Level.REFUSED


def test_jti_single_use_when_check_jti_is_on() -> None:
    assert checks(TOKEN, now=IAT)["jti"].message.startswith(
        "jti present and issuer gha has check_jti on: this token can be exchanged once"
    )
    no_check = ResolvedIssuer("gha", "https://x", 3600, False)
    assert checks(TOKEN, now=IAT, issuer=no_check)["jti"].message == (
        "jti present, but issuer gha has check_jti off: no replay check"
    )
    without = {key: value for key, value in TOKEN.items() if key != "jti"}
    assert checks(without, now=IAT)["jti"].message == "no jti claim: no replay check applies"


def test_several_workspaces_need_a_workspace_id() -> None:
    found = checks(
        TOKEN,
        now=IAT,
        workspace_ids=("production", "staging"),
        member_workspaces=frozenset({"production", "staging"}),
    )
    assert found["workspace choice"].level is Level.NOTE
    assert "ANTHROPIC_WORKSPACE_ID" in found["workspace choice"].message
    assert "membership" not in found


def test_one_workspace_is_chosen_without_a_workspace_id() -> None:
    assert checks(TOKEN, now=IAT)["workspace choice"].message == (
        "one workspace: the exchange uses production without ANTHROPIC_WORKSPACE_ID"
    )


def test_all_workspaces_with_known_workspaces() -> None:
    found = checks(
        TOKEN,
        now=IAT,
        applies_to_all_workspaces=True,
        workspace_ids=(),
        all_workspaces=("default", "production"),
    )
    assert "ANTHROPIC_WORKSPACE_ID" in found["workspace choice"].message


def test_workspace_without_membership_is_refused() -> None:
    found = checks(TOKEN, now=IAT, member_workspaces=frozenset())
    assert found["membership"] == ExchangeCheck(
        "membership",
        Level.REFUSED,
        "service account ci is not a member of production: an exchange into it is refused",
    )


def test_default_workspace_membership_is_implicit() -> None:
    found = checks(TOKEN, now=IAT, workspace_ids=("default",), member_workspaces=frozenset())
    assert "membership" not in found
