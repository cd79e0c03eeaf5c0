"""Signing keys and identity JWTs for token-exchange tests.

key = make_signing_key()
jwks = {"type": "inline", "keys": [key.public_jwk()]}
assertion = sign_token(key, github_actions_claims(repository_owner="acme"))
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from jwt.algorithms import ECAlgorithm, RSAAlgorithm, RSAPSSAlgorithm

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
CURVES = {"ES256": ec.SECP256R1, "ES384": ec.SECP384R1, "ES512": ec.SECP521R1}


@dataclass(frozen=True)
class SigningKey:
    """A private key with its kid and algorithm; never printed (repr hides the key)."""

    kind: str
    kid: str
    private_key: PrivateKeyTypes

    def __repr__(self) -> str:
        return f"SigningKey(kind={self.kind!r}, kid={self.kid!r})"

    def public_jwk(self) -> dict[str, Any]:
        """The public half as a JWK with kid, alg and use."""
        public = self.private_key.public_key()  # type: ignore[union-attr]
        if self.kind.startswith("ES"):
            text = ECAlgorithm.to_jwk(public)
        elif self.kind.startswith("PS"):
            text = RSAPSSAlgorithm.to_jwk(public)
        else:
            text = RSAAlgorithm.to_jwk(public)
        jwk: dict[str, Any] = json.loads(text)
        jwk.update({"kid": self.kid, "alg": self.kind, "use": "sig"})
        return jwk


def make_signing_key(kind: str = "RS256", kid: str = "test-key") -> SigningKey:
    """A fresh key for RS*/PS* (RSA 2048) or ES256/384/512 (matching curve)."""
    if kind in CURVES:
        private: PrivateKeyTypes = ec.generate_private_key(CURVES[kind]())
    elif kind[:2] in ("RS", "PS"):
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        raise ValueError(f"unsupported key kind {kind!r}")
    return SigningKey(kind, kid, private)


def sign_token(
    key: SigningKey, claims: dict[str, Any], *, headers: dict[str, Any] | None = None
) -> str:
    """A compact JWT signed with `key`; `headers` override the kid/alg defaults."""
    header = {"kid": key.kid, **(headers or {})}
    algorithm = header.pop("alg", key.kind)
    return jwt.encode(claims, key.private_key, algorithm=algorithm, headers=header)  # type: ignore[arg-type]


def github_actions_claims(**overrides: Any) -> dict[str, Any]:
    """A realistic GitHub Actions claim set (push to main, idp-facts §2.3), fresh times."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "jti": str(uuid.uuid4()),
        "sub": "repo:acme/payments-api:ref:refs/heads/main",
        "aud": "https://api.anthropic.com",
        "ref": "refs/heads/main",
        "ref_type": "branch",
        "sha": "c8cd32dd5cc073cd2291c04255f199a6afea5a77",
        "repository": "acme/payments-api",
        "repository_id": "812345678",
        "repository_owner": "acme",
        "repository_owner_id": "91234567",
        "repository_visibility": "private",
        "run_id": "15234567890",
        "run_number": "42",
        "run_attempt": "1",
        "runner_environment": "github-hosted",
        "actor": "jdoe",
        "actor_id": "5832310",
        "workflow": "Call Claude",
        "workflow_ref": "acme/payments-api/.github/workflows/claude.yml@refs/heads/main",
        "workflow_sha": "c8cd32dd5cc073cd2291c04255f199a6afea5a77",
        "job_workflow_ref": "acme/payments-api/.github/workflows/claude.yml@refs/heads/main",
        "job_workflow_sha": "c8cd32dd5cc073cd2291c04255f199a6afea5a77",
        "head_ref": "",
        "base_ref": "",
        "event_name": "push",
        "iss": GITHUB_ISSUER,
        "nbf": now - 600,
        "iat": now,
        "exp": now + 300,
    }
    claims.update(overrides)
    return claims
