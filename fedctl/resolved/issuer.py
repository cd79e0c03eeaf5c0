"""The resolved read model of an issuer: its table's fields, defaults filled, its ID if live.

Usage:
    issuer = ResolvedIssuer.from_spec(spec)
    issuer.issuer_url, issuer.check_jti  # every field of `ISSUER_FIELDS`
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fedctl.fields import ISSUER_FIELDS
from fedctl.state import DEFAULT_MAX_JWT_LIFETIME_SECONDS, IssuerSpec, LiveIssuer


@dataclass(frozen=True)
class ResolvedIssuer:
    name: str
    issuer_url: str
    max_jwt_lifetime_seconds: int = DEFAULT_MAX_JWT_LIFETIME_SECONDS
    check_jti: bool = True
    # The API's JWKS union with every key of its variant (see `IssuerSpec.jwks`).
    jwks: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    issuer_id: str | None = None

    @classmethod
    def from_spec(cls, spec: IssuerSpec, *, issuer_id: str | None = None) -> ResolvedIssuer:
        values = {info.name: getattr(spec, info.name) for info in ISSUER_FIELDS}
        return cls(**values, issuer_id=issuer_id)

    @classmethod
    def from_live(cls, issuer: LiveIssuer) -> ResolvedIssuer:
        return cls.from_spec(issuer.spec, issuer_id=issuer.meta.id)
