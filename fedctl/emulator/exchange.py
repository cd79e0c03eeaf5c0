"""POST /v1/oauth/token: verify an identity JWT against a rule and mint an access token.

Follows docs/admin-api.md §7.1-§7.4. Every denial is the same opaque 401 "Authentication failed";
the reason goes to `TokenExchange.history` (the Console's authentication history). The
one exception is an issuer whose keys would have to be fetched: the emulator never
fetches, and says so in the message so a user is not left guessing.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

import jwt

from fedctl.emulator.cel import condition_holds
from fedctl.emulator.logins import REFRESH_GRANT, UserLogins
from fedctl.emulator.store import Store
from fedctl.emulator.tokens import MintedToken
from fedctl.emulator.validation import ApiFailure, bad_request

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ALLOWED_ALGORITHMS = frozenset(
    {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}
)
MAX_ASSERTION_BYTES = 16 * 1024
LEEWAY_SECONDS = 30
# Strict choice for "Anthropic's expected audience" when a rule sets no audience (§8
# item 28): every provider guide but Entra uses this value.
DEFAULT_AUDIENCE = "https://api.anthropic.com"
DENIED = "Authentication failed"
RULE_ID = re.compile(r"^fdrl_[A-Za-z0-9]+$")
WORKSPACE_ID = re.compile(r"^wrkspc_[A-Za-z0-9]+$")


class Denied(Exception):
    """An assertion denial; `reason` is the authentication-history name."""

    def __init__(self, reason: str, message: str = DENIED) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class ExchangeRequest:
    assertion: str
    rule_id: str
    organization_id: str
    service_account_id: str | None
    workspace_id: str | None


class TokenExchange:
    """The exchange endpoint's logic over a Store.

    exchange = TokenExchange(store)
    response = exchange.exchange(json_body)   # raises ApiFailure on refusal
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self.logins = UserLogins(store)
        self._lock = threading.Lock()
        self.history: list[tuple[str, str]] = []  # (federation_rule_id, reason)

    def exchange(self, body: Any) -> dict[str, Any]:
        if isinstance(body, dict) and body.get("grant_type") == REFRESH_GRANT:
            return self.logins.refresh(body)
        request = parse_request(body)
        try:
            response = self._exchange(request)
        except Denied as denial:
            self.history.append((request.rule_id, denial.reason))
            raise ApiFailure(401, "authentication_error", denial.message) from None
        self.history.append((request.rule_id, "success"))
        return response

    def _exchange(self, request: ExchangeRequest) -> dict[str, Any]:
        if request.organization_id != self._store.organization_id:
            raise Denied("organization_mismatch")
        view = self._store.exchange_view(request.rule_id)
        if view is None:
            raise Denied("rule_not_found")
        rule, issuer, account = view["rule"], view["issuer"], view["account"]
        if rule["archived_at"] is not None:
            raise Denied("rule_archived")
        if issuer is None or issuer["archived_at"] is not None:
            raise Denied("issuer_archived")
        # §7.1: optional; absent means the rule's target, another is refused.
        named = request.service_account_id
        if named is not None and named != rule["target"]["service_account_id"]:
            raise Denied("service_account_mismatch")
        claims = verify_assertion(request.assertion, issuer)
        if not rule_matches(rule["match"], claims):
            raise Denied("match_failed")
        workspace_id = self._resolve_workspace(request, view)
        if account is None or account["archived_at"] is not None:
            raise Denied("service_account_archived")
        if "org:admin" in rule["oauth_scope"].split() and account["organization_role"] != "admin":
            raise Denied("target_not_admin")
        with self._lock:
            jti = claims.get("jti")
            # Recorded only for exchanges that succeed: single use means "exchanged once".
            reused = (
                issuer["check_jti"]
                and isinstance(jti, str)
                and not self._store.consume_jti(issuer["id"], jti)
            )
            if reused:
                raise Denied("jti_reused")
        now = time.time()
        expires_in = max(60, min(rule["token_lifetime_seconds"], int(2 * (claims["exp"] - now))))
        token = self._store.mint_token(
            MintedToken(
                rule["id"], account["id"], rule["oauth_scope"], workspace_id, now + expires_in
            )
        )
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": expires_in,
            "scope": rule["oauth_scope"],
        }

    def _resolve_workspace(self, request: ExchangeRequest, view: dict[str, Any]) -> str:
        rule = view["rule"]
        default_id: str = view["default_workspace_id"]
        live = {ws["id"] for ws in view["workspaces"] if ws["archived_at"] is None}
        legacy_only = not rule["applies_to_all_workspaces"] and not rule["workspace_ids"]
        if rule["applies_to_all_workspaces"]:
            enabled = [ws["id"] for ws in view["workspaces"] if ws["id"] in live]
        elif rule["workspace_ids"]:
            enabled = [ws for ws in rule["workspace_ids"] if ws in live]
        else:
            enabled = [rule["workspace_id"]] if rule["workspace_id"] in live else []
        wanted = request.workspace_id
        if wanted == "default":
            wanted = default_id
        if wanted is None:
            # §7.3: the only enabled workspace, else the default one
            # when the rule covers it, else refused.
            if len(enabled) == 1:
                wanted = enabled[0]
            elif default_id in enabled:
                wanted = default_id
            else:
                raise Denied("workspace_id_required" if enabled else "no_workspace_enabled")
        elif wanted not in enabled:
            raise Denied("workspace_not_enabled")
        if not legacy_only and not self._store.is_member(
            rule["target"]["service_account_id"], wanted
        ):
            raise Denied("service_account_not_member")
        return wanted


def parse_request(body: Any) -> ExchangeRequest:
    """The 400 family (§7.4): refused before the organization is confirmed."""
    if not isinstance(body, dict):
        raise bad_request("body: expected a JSON object")
    for field in ("grant_type", "assertion", "federation_rule_id", "organization_id"):
        if not isinstance(body.get(field), str) or not body[field]:
            raise bad_request(f"{field}: Field required (a non-empty string)")
    service_account_id = body.get("service_account_id")
    if service_account_id is not None and (
        not isinstance(service_account_id, str) or not service_account_id
    ):
        raise bad_request("service_account_id: must be a non-empty string when given")
    if body["grant_type"] != GRANT_TYPE:
        raise bad_request(f"grant_type: must be {GRANT_TYPE}")
    if not RULE_ID.match(body["federation_rule_id"]):
        raise bad_request("federation_rule_id is not a well-formed fdrl_ tagged ID")
    workspace_id = body.get("workspace_id")
    if workspace_id is not None and (
        not isinstance(workspace_id, str)
        or not (workspace_id == "default" or WORKSPACE_ID.match(workspace_id))
    ):
        raise bad_request("workspace_id must be a well-formed wrkspc_ tagged ID or 'default'")
    return ExchangeRequest(
        body["assertion"],
        body["federation_rule_id"],
        body["organization_id"],
        service_account_id,
        workspace_id,
    )


def verify_assertion(assertion: str, issuer: dict[str, Any]) -> dict[str, Any]:
    """Signature, algorithm, kid, iss and time checks (§7.3); returns the claims."""
    if len(assertion.encode()) > MAX_ASSERTION_BYTES:
        raise Denied("assertion_too_large")
    jwks = issuer["jwks"]
    if jwks["type"] != "inline":
        raise Denied(
            "jwks_fetch_unsupported",
            (
                f"{DENIED}: the local emulator does not fetch keys; issuer {issuer['name']!r} uses "
                f"jwks type {jwks['type']!r}. Give it an inline JWKS to exchange against the "
                "emulator."
            ),
        )
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise Denied("malformed_assertion") from None
    algorithm, kid = header.get("alg"), header.get("kid")
    if algorithm not in ALLOWED_ALGORITHMS:
        raise Denied("algorithm_not_allowed")
    if not isinstance(kid, str):
        raise Denied("kid_missing")
    key = _find_key(jwks["keys"], kid, algorithm)
    try:
        claims: dict[str, Any] = jwt.decode(
            assertion,
            key=key,
            algorithms=[algorithm],
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "sub"], "verify_aud": False, "verify_iss": False},
        )
    except jwt.PyJWTError as exc:
        raise Denied(f"invalid_assertion:{type(exc).__name__}") from None
    _check_claims(claims, issuer)
    return claims


def _find_key(keys: list[dict[str, Any]], kid: str, algorithm: str) -> Any:
    for jwk in keys:
        if jwk.get("kid") != kid:
            continue
        if jwk.get("alg") not in (None, algorithm):
            raise Denied("key_algorithm_mismatch")
        try:
            return jwt.PyJWK(jwk, algorithm=algorithm).key
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            raise Denied("unusable_key") from None
    raise Denied("unknown_kid")


def _check_claims(claims: dict[str, Any], issuer: dict[str, Any]) -> None:
    if claims.get("iss") != issuer["issuer_url"]:  # byte for byte, trailing slash included
        raise Denied("iss_mismatch")
    now = time.time()
    issued_at, expires_at = claims["iat"], claims["exp"]
    if not all(isinstance(value, int | float) for value in (issued_at, expires_at)):
        raise Denied("bad_time_claims")
    if issued_at > now + LEEWAY_SECONDS:
        raise Denied("iat_in_future")
    if expires_at - issued_at > issuer["max_jwt_lifetime_seconds"]:
        raise Denied("lifetime_too_long")
    if not isinstance(claims["sub"], str):
        raise Denied("sub_missing")


def rule_matches(match: dict[str, Any], claims: dict[str, Any]) -> bool:
    """AND of the populated matchers (§3.5)."""
    subject = claims.get("sub")
    prefix = match.get("subject_prefix")
    if prefix is not None:
        if not isinstance(subject, str):
            return False
        if prefix.endswith("*"):
            if not subject.startswith(prefix[:-1]):
                return False
        elif subject != prefix:
            return False
    audiences = claims.get("aud")
    audience_list = audiences if isinstance(audiences, list) else [audiences]
    if (match.get("audience") or DEFAULT_AUDIENCE) not in audience_list:
        return False
    for name, value in (match.get("claims") or {}).items():
        if claims.get(name) != value:  # only string-valued claims can equal a string
            return False
    condition = match.get("condition")
    return condition is None or condition_holds(condition, json.loads(json.dumps(claims)))
