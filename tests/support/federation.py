"""The emulator seed a Console user starts from: an org:admin bootstrap rule on an admin
service account, trusting one inline key that tests sign identity JWTs with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fedctl.emulator.server import RunningEmulator
from tests.support.idtokens import github_actions_claims, sign_token

AUDIENCE = "https://api.anthropic.com/fedctl"
ISSUER_URL = "https://idp.ci.example.com"


@dataclass(frozen=True)
class Federation:
    emulator: RunningEmulator
    rule_id: str
    service_account_id: str
    key: object

    def jwt(self, **overrides: object) -> str:
        claims = github_actions_claims(iss=ISSUER_URL, aud=AUDIENCE, **overrides)
        return sign_token(self.key, claims)  # type: ignore[arg-type]


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
