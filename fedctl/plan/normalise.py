"""Specs -> plain dicts: the shapes the planner diffs, shows to people and sends to apply.

Three shapes per resource, on purpose:
- `*_view`: what a reviewer sees (before/after of a Change). Inline JWKS keys are shown
  by `kid` only, so no plan output carries key material.
- `*_compare`: what the diff compares; like the view but with full key material, so a
  rotated key with an unchanged `kid` still counts as a change.
- `*_payload`: API field values for a create step (contract: PLAN-CONTRACT.md).

All three follow the field tables of `fedctl.core.fields`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fedctl.core.address import Address
from fedctl.core.errors import PlanError
from fedctl.core.fields import ISSUER_FIELDS, RULE_FIELDS, SERVICE_ACCOUNT_FIELDS

# RFC 7517/7518 private members. A verification key set must never carry them; fedctl
# refuses to put them in a saved plan rather than silently dropping them.
from fedctl.core.jwk import PRIVATE_JWK_MEMBERS, key_label
from fedctl.core.state import IssuerSpec, Kind, RuleMatchSpec, RuleSpec, ServiceAccountSpec


def service_account_compare(spec: ServiceAccountSpec) -> dict[str, Any]:
    return SERVICE_ACCOUNT_FIELDS.compare(spec)


def service_account_view(spec: ServiceAccountSpec) -> dict[str, Any]:
    return service_account_compare(spec)


def issuer_compare(spec: IssuerSpec) -> dict[str, Any]:
    return ISSUER_FIELDS.compare(spec)


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
    return RULE_FIELDS.compare(spec)


def rule_view(spec: RuleSpec) -> dict[str, Any]:
    return rule_compare(spec)


def match_payload(match: RuleMatchSpec) -> dict[str, Any]:
    """The API's RuleMatch with unset keys left out (docs/admin-api.md §3.5)."""
    return {key: value for key, value in match.model_dump().items() if value is not None}


def service_account_create_payload(spec: ServiceAccountSpec) -> dict[str, Any]:
    return SERVICE_ACCOUNT_FIELDS.create_body(spec)


def issuer_create_payload(spec: IssuerSpec) -> dict[str, Any]:
    check_no_private_keys(spec)
    return ISSUER_FIELDS.create_body(spec, ISSUER_AS_SENT)


def api_jwks(jwks: dict[str, Any]) -> dict[str, Any]:
    """The JWKS union as a request body: unset optional keys left out."""
    return {key: value for key, value in jwks.items() if value is not None}


# Fields whose body form differs from the spec's value.
RULE_AS_SENT: dict[str, Callable[[Any], Any]] = {"match": match_payload}
ISSUER_AS_SENT: dict[str, Callable[[Any], Any]] = {"jwks": api_jwks}


def rule_create_payload(spec: RuleSpec) -> dict[str, Any]:
    payload = RULE_FIELDS.create_body(spec, RULE_AS_SENT)
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
                [Address(Kind.ISSUER, spec.name)],
            )
