"""The emulator seed a Console user starts from: an org:admin bootstrap rule on an admin
service account, trusting one inline key that tests sign identity JWTs with."""

from __future__ import annotations

from typing import Any

AUDIENCE = "https://api.anthropic.com/fedctl"


def bootstrap_seed(issuer_url: str, public_jwk: dict[str, Any]) -> dict[str, Any]:
    """Seed file contents: issuer `ci-idp`, service account `fedctl-admin`, rule
    `fedctl-bootstrap` (subject repo:acme/payments-api:*, audience AUDIENCE)."""
    return {
        "version": 1,
        "service_accounts": [{"name": "fedctl-admin", "organization_role": "admin"}],
        "issuers": [
            {
                "name": "ci-idp",
                "issuer_url": issuer_url,
                "jwks": {"type": "inline", "keys": [public_jwk]},
            }
        ],
        "rules": [
            {
                "name": "fedctl-bootstrap",
                "issuer": "ci-idp",
                "service_account": "fedctl-admin",
                "match": {"subject_prefix": "repo:acme/payments-api:*", "audience": AUDIENCE},
                "oauth_scope": "org:admin",
                "workspaces": ["default"],
            }
        ],
    }
