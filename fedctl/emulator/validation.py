"""Request-body checks of the emulated Admin API: shapes, names, URLs, ranges, match rules.

Every check raises `ApiFailure`, which the app turns into the standard error body. The
rules are read from docs/admin-api.md (§1.5, §3, §5), independently of fedctl's models.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fedctl.emulator.cel import ConditionError, vet_condition

NAME_PATTERN = re.compile(r"^[a-z0-9-]{1,255}$")
TAGGED_ID = {
    prefix: re.compile(rf"^{prefix}[A-Za-z0-9]+$")
    for prefix in ("svac_", "fdis_", "fdrl_", "wrkspc_")
}
KNOWN_SCOPES = (
    "workspace:developer",
    "workspace:inference",
    "workspace:manage_tunnels",
    "org:admin",
)
API_MANAGEABLE_SCOPES = frozenset({"workspace:developer", "workspace:inference"})
ASSIGNABLE_WORKSPACE_ROLES = (
    "workspace_admin",
    "workspace_developer",
    "workspace_restricted_developer",
    "workspace_user",
)
MAX_DESCRIPTION = 2000
MAX_MATCH_STRING = 1024
MAX_CONDITION = 4096
MAX_CA_CERT = 8192
# Host suffixes refused without resolving DNS (the real service resolves and refuses
# private addresses; the emulator cannot, see the package docstring).
PRIVATE_HOST_SUFFIXES = (".local", ".internal", ".localhost", ".localdomain", ".lan", ".home.arpa")


@dataclass
class ApiFailure(Exception):
    """An error response: status, `error.type`, message, and optionally x-should-retry."""

    status: int
    error_type: str
    message: str
    should_retry: bool | None = None
    # `error.details` (§6.1), e.g. {"error_code": "org_api_key_limit_exceeded"} (§9).
    details: dict[str, str] | None = None

    def __str__(self) -> str:
        return f"{self.status} {self.error_type}: {self.message}"


def bad_request(message: str) -> ApiFailure:
    return ApiFailure(400, "invalid_request_error", message)


def not_found(what: str) -> ApiFailure:
    return ApiFailure(404, "not_found_error", f"{what} not found.")


def forbidden(message: str) -> ApiFailure:
    return ApiFailure(403, "permission_error", message)


def conflict(message: str) -> ApiFailure:
    # x-should-retry: false so SDK clients do not resend a deterministic conflict
    # (§6.4, §8 item 26).
    return ApiFailure(409, "conflict_error", message, should_retry=False)


def unauthorized(message: str) -> ApiFailure:
    return ApiFailure(401, "authentication_error", message)


# ---- body shape -------------------------------------------------------------------------


def object_body(body: Any, allowed: set[str], *, where: str = "body") -> dict[str, Any]:
    """The body as a dict; unknown keys refused (every schema has additionalProperties false)."""
    if not isinstance(body, dict):
        raise bad_request(f"{where}: expected a JSON object")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise bad_request(f"{where}.{unknown[0]}: Extra inputs are not permitted")
    return body


def string_field(
    body: Mapping[str, Any], key: str, *, required: bool = False, nullable: bool = False
) -> str | None:
    if key not in body:
        if required:
            raise bad_request(f"{key}: Field required")
        return None
    value = body[key]
    if value is None:
        if nullable and not required:
            return None
        raise bad_request(f"{key}: must be a string, not null")
    if not isinstance(value, str):
        raise bad_request(f"{key}: must be a string")
    return value


def bool_field(body: Mapping[str, Any], key: str, *, nullable: bool = False) -> bool | None:
    value = body.get(key)
    if value is None:
        if key in body and not nullable:
            raise bad_request(f"{key}: must be a boolean, not null")
        return None
    if not isinstance(value, bool):
        raise bad_request(f"{key}: must be a boolean")
    return value


def int_field(
    body: Mapping[str, Any], key: str, *, low: int, high: int, nullable: bool = False
) -> int | None:
    value = body.get(key)
    if value is None:
        if key in body and not nullable:
            raise bad_request(f"{key}: must be an integer, not null")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"{key}: must be an integer")
    if not low <= value <= high:
        raise bad_request(f"{key}: must be between {low} and {high}, got {value}")
    return value


def tagged_id(value: str, prefix: str, field: str) -> str:
    if not TAGGED_ID[prefix].match(value):
        raise bad_request(f"{field} is not a well-formed {prefix} tagged ID")
    return value


# ---- names, text, URLs --------------------------------------------------------------------


def check_name(name: str, field: str = "name") -> str:
    if not NAME_PATTERN.match(name):
        raise bad_request(
            f"{field}: must be 1-255 characters of lowercase letters, digits and hyphens "
            f"(^[a-z0-9-]+$), got {name!r}"[:400]
        )
    return name


def check_description(description: str | None) -> str | None:
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise bad_request(f"description: at most {MAX_DESCRIPTION} characters")
    return description


def check_dialled_url(url: str, field: str) -> None:
    """The §5.3 rules for a URL the service dials: https, port 443, a public DNS name."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise bad_request(f"{field}: url is not a valid URL") from None
    if parts.scheme != "https":
        raise bad_request(f"{field}: url must use https scheme")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise bad_request(f"{field}: url must have a host")
    if port not in (None, 443):
        raise bad_request(f"{field}: url must use port 443")
    if _is_ip_literal(host):
        raise bad_request(f"{field}: url host must be a DNS name, not an IP address")
    lowered = host.lower()
    if "." not in lowered or lowered == "localhost" or lowered.endswith(PRIVATE_HOST_SUFFIXES):
        raise bad_request(f"{field}: url host must be a public DNS name")
    if parts.username is not None or parts.password is not None:
        raise bad_request(f"{field}: url must not carry credentials")


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


# ---- issuers -------------------------------------------------------------------------------


def check_jwks(jwks: Any) -> dict[str, Any]:
    """The JWKS union (§3.3), returned in response shape (every key present)."""
    if not isinstance(jwks, dict):
        raise bad_request("jwks: expected an object")
    kind = jwks.get("type")
    if kind == "discovery":
        object_body(jwks, {"type", "discovery_base", "ca_cert_pem"}, where="jwks")
        base = string_field(jwks, "discovery_base", nullable=True)
        return {"type": "discovery", "discovery_base": base, "ca_cert_pem": _ca_cert(jwks)}
    if kind == "explicit_url":
        object_body(jwks, {"type", "url", "ca_cert_pem"}, where="jwks")
        url = string_field(jwks, "url", required=True) or ""
        if not url:
            raise bad_request("jwks.url: must not be empty")
        return {"type": "explicit_url", "url": url, "ca_cert_pem": _ca_cert(jwks)}
    if kind == "inline":
        object_body(jwks, {"type", "keys"}, where="jwks")
        keys = jwks.get("keys")
        if not isinstance(keys, list) or not keys:
            raise bad_request("jwks.keys: must be a list of at least 1 JWK")
        if not all(isinstance(key, dict) for key in keys):
            raise bad_request("jwks.keys: every key must be a JSON object")
        return {"type": "inline", "keys": keys}
    raise bad_request("jwks.type: must be one of 'discovery', 'explicit_url', 'inline'")


def _ca_cert(jwks: Mapping[str, Any]) -> str | None:
    value = string_field(jwks, "ca_cert_pem", nullable=True)
    if value is not None and len(value) > MAX_CA_CERT:
        raise bad_request(f"jwks.ca_cert_pem: at most {MAX_CA_CERT} characters")
    return value


def check_issuer_urls(issuer_url: str, jwks: Mapping[str, Any]) -> None:
    """Apply the URL rules only to the URLs the service would dial (§5.3 table)."""
    if not issuer_url:
        raise bad_request("issuer_url: must not be empty")
    if jwks["type"] == "discovery":
        if jwks.get("discovery_base"):
            check_dialled_url(jwks["discovery_base"], "jwks.discovery_base")
        else:
            check_dialled_url(issuer_url, "issuer_url")
    elif jwks["type"] == "explicit_url":
        check_dialled_url(jwks["url"], "jwks.url")


# ---- rules -------------------------------------------------------------------------------


def check_match(match: Any) -> dict[str, Any]:
    """RuleMatch (§3.5, §5.5), returned with all four keys (unset ones null)."""
    if not isinstance(match, dict):
        raise bad_request("match: expected an object")
    object_body(match, {"subject_prefix", "audience", "claims", "condition"}, where="match")
    subject_prefix = string_field(match, "subject_prefix", nullable=True) or None
    audience = string_field(match, "audience", nullable=True)
    condition = string_field(match, "condition", nullable=True)
    claims = _claims(match.get("claims"))
    if subject_prefix is not None and len(subject_prefix) > MAX_MATCH_STRING:
        raise bad_request(f"match.subject_prefix: at most {MAX_MATCH_STRING} characters")
    if audience is not None and len(audience) > MAX_MATCH_STRING:
        raise bad_request(f"match.audience: at most {MAX_MATCH_STRING} characters")
    if condition is not None:
        if len(condition) > MAX_CONDITION:
            raise bad_request(f"match.condition: at most {MAX_CONDITION} characters")
        try:
            vet_condition(condition)
        except ConditionError as exc:
            raise bad_request(f"match.condition: {exc}") from None
    constrains_subject = subject_prefix is not None and subject_prefix.rstrip("*") != ""
    if not (constrains_subject or claims or condition):
        raise bad_request(
            "match: set at least one of subject_prefix (not wildcard-only), claims or "
            "condition; audience alone does not constrain the token"
        )
    return {
        "subject_prefix": subject_prefix,
        "audience": audience,
        "claims": claims,
        "condition": condition,
    }


def _claims(claims: Any) -> dict[str, str] | None:
    if claims is None:
        return None
    if not isinstance(claims, dict):
        raise bad_request("match.claims: expected an object of string values")
    for key, value in claims.items():
        if not isinstance(value, str):
            raise bad_request(f"match.claims.{key}: value must be a string")
    return dict(claims) or None


def check_scope(oauth_scope: str) -> list[str]:
    """Space-separated known scopes, no duplicates (§8 item 18)."""
    scopes = oauth_scope.split()
    if not scopes:
        raise bad_request("oauth_scope: must name at least one scope")
    for scope in scopes:
        if scope not in KNOWN_SCOPES:
            raise bad_request(
                f"oauth_scope: unknown scope {scope!r}; known: " + ", ".join(KNOWN_SCOPES)
            )
    if len(set(scopes)) != len(scopes):
        raise bad_request("oauth_scope: a scope is listed twice")
    return scopes


def is_api_manageable(oauth_scope: str) -> bool:
    """Only workspace:developer / workspace:inference rules may be managed by OAuth callers."""
    return set(oauth_scope.split()) <= API_MANAGEABLE_SCOPES


def check_attributes(attributes: Any) -> None:
    if attributes is None:
        return
    if not isinstance(attributes, dict):
        raise bad_request("attributes: expected an object")
    if attributes:
        raise bad_request("attributes: not supported yet; send null or {}")


def check_workspace_role(role: Any) -> str:
    if role not in ASSIGNABLE_WORKSPACE_ROLES:
        raise bad_request("workspace_role: must be one of " + ", ".join(ASSIGNABLE_WORKSPACE_ROLES))
    return str(role)
