"""Specs -> plain dicts: the shapes the planner diffs, shows to people and sends to apply.

Three shapes per resource, on purpose:
- `*_view`: what a reviewer sees (before/after of a Change). Inline JWKS keys are shown
  by `kid` only, so no plan output carries key material.
- `*_compare`: what the diff compares; like the view but with full key material, so a
  rotated key with an unchanged `kid` still counts as a change.
- `*_payload`: API field values for a create step (contract: PLAN-CONTRACT.md).
"""

from __future__ import annotations

from typing import Any

from fedctl.errors import PlanError

# RFC 7517/7518 private members. A verification key set must never carry them; fedctl
# refuses to put them in a saved plan rather than silently dropping them.
from fedctl.jwk import PRIVATE_JWK_MEMBERS, key_label
from fedctl.state import IssuerSpec, RuleMatchSpec, RuleSpec, ServiceAccountSpec


def service_account_compare(spec: ServiceAccountSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "description": spec.description,
        "organization_role": spec.organization_role,
        "memberships": dict(sorted(spec.memberships.items())),
    }


def service_account_view(spec: ServiceAccountSpec) -> dict[str, Any]:
    return service_account_compare(spec)


def issuer_compare(spec: IssuerSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "issuer_url": spec.issuer_url,
        "jwks": dict(spec.jwks),
        "max_jwt_lifetime_seconds": spec.max_jwt_lifetime_seconds,
        "check_jti": spec.check_jti,
    }


def issuer_view(spec: IssuerSpec) -> dict[str, Any]:
    view = issuer_compare(spec)
    view["jwks"] = redact_jwks(spec.jwks)
    return view


def redact_jwks(jwks: dict[str, Any]) -> dict[str, Any]:
    """The JWKS with inline keys replaced by `kid (sha256 thumbprint)` labels.

    NOTE: never show key material; the short RFC 7638 thumbprint (a hash of the public
    members) makes a key replaced under the same kid visible as a change.
    """
    if jwks.get("type") != "inline":
        return dict(jwks)
    keys = jwks.get("keys") or []
    return {"type": "inline", "keys": [key_label(key) for key in keys]}


def rule_compare(spec: RuleSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "issuer_name": spec.issuer_name,
        "service_account_name": spec.service_account_name,
        "description": spec.description,
        "match": spec.match.model_dump(),
        "oauth_scope": spec.oauth_scope,
        "workspace_ids": sorted(spec.workspace_ids),
        "applies_to_all_workspaces": spec.applies_to_all_workspaces,
        "token_lifetime_seconds": spec.token_lifetime_seconds,
    }


def rule_view(spec: RuleSpec) -> dict[str, Any]:
    return rule_compare(spec)


def match_payload(match: RuleMatchSpec) -> dict[str, Any]:
    """The API's RuleMatch with unset keys left out (admin-api.md §3.5)."""
    return {key: value for key, value in match.model_dump().items() if value is not None}


def service_account_create_payload(spec: ServiceAccountSpec) -> dict[str, Any]:
    payload: dict[str, Any] = {"name": spec.name, "organization_role": spec.organization_role}
    if spec.description:
        payload["description"] = spec.description
    return payload


def issuer_create_payload(spec: IssuerSpec) -> dict[str, Any]:
    check_no_private_keys(spec)
    return {
        "name": spec.name,
        "issuer_url": spec.issuer_url,
        "jwks": api_jwks(spec.jwks),
        "check_jti": spec.check_jti,
        "max_jwt_lifetime_seconds": spec.max_jwt_lifetime_seconds,
    }


def api_jwks(jwks: dict[str, Any]) -> dict[str, Any]:
    """The JWKS union as a request body: unset optional keys left out."""
    return {key: value for key, value in jwks.items() if value is not None}


def rule_create_payload(spec: RuleSpec) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": spec.name,
        "issuer_name": spec.issuer_name,
        "service_account_name": spec.service_account_name,
        "match": match_payload(spec.match),
        "oauth_scope": spec.oauth_scope,
        "token_lifetime_seconds": spec.token_lifetime_seconds,
    }
    if spec.description:
        payload["description"] = spec.description
    if spec.applies_to_all_workspaces:
        payload["applies_to_all_workspaces"] = True
    else:
        # The API needs one workspace at create; the rest are enablement steps.
        payload["workspace_id"] = sorted(spec.workspace_ids)[0]
    return payload


def check_no_private_keys(spec: IssuerSpec) -> None:
    if spec.jwks.get("type") != "inline":
        return
    for key in spec.jwks.get("keys") or []:
        if isinstance(key, dict) and PRIVATE_JWK_MEMBERS & key.keys():
            kid = key.get("kid", "(no kid)")
            raise PlanError(
                f"inline JWKS key {kid} holds private key members; publish only the public "
                "key (drop d, p, q, dp, dq, qi, k)",
                [f"issuer/{spec.name}"],
            )
