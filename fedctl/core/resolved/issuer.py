"""The resolved read model of an issuer: its table's fields, defaults filled, its ID if live.

Usage:
    issuer = ResolvedIssuer.from_spec(spec)
    issuer.issuer_url, issuer.check_jti  # every field of `ISSUER_FIELDS`
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fedctl.core.fields import ISSUER_FIELDS
from fedctl.core.presets import PRESETS, Preset, detect_preset
from fedctl.core.state import DEFAULT_MAX_JWT_LIFETIME_SECONDS, IssuerSpec, LiveIssuer


@dataclass(frozen=True)
class ResolvedIssuer:
    name: str
    issuer_url: str
    max_jwt_lifetime_seconds: int = DEFAULT_MAX_JWT_LIFETIME_SECONDS
    check_jti: bool = True
    # Anthropic paused polling the issuer's keys (see `IssuerSpec.jwks_polling_disabled`).
    jwks_polling_disabled: bool = False
    # The API's JWKS union with every key of its variant (see `IssuerSpec.jwks`).
    jwks: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    issuer_id: str | None = None
    # The provider preset the configuration names (None: none named, or read live).
    preset: str | None = None

    @property
    def jwks_type(self) -> str:
        return str(self.jwks.get("type", "discovery"))

    @property
    def jwks_url(self) -> str | None:
        """explicit_url's url or discovery's discovery_base: where keys come from, if not iss."""
        url = self.jwks.get("url") or self.jwks.get("discovery_base")
        return str(url) if url else None

    @property
    def provider(self) -> Preset | None:
        """The named preset, else the provider recognised from a distinctive URL."""
        if self.preset is not None:
            return PRESETS.get(self.preset)
        return detect_preset(self.issuer_url)

    @property
    def shared(self) -> bool:
        """Whether every tenant of the provider gets tokens from this one issuer URL."""
        provider = self.provider
        return provider is not None and provider.is_shared(self.issuer_url)

    @classmethod
    def from_spec(cls, spec: IssuerSpec, *, issuer_id: str | None = None) -> ResolvedIssuer:
        values = {info.name: getattr(spec, info.name) for info in ISSUER_FIELDS}
        return cls(**values, issuer_id=issuer_id)

    @classmethod
    def from_live(cls, issuer: LiveIssuer) -> ResolvedIssuer:
        return cls.from_spec(issuer.spec, issuer_id=issuer.meta.id)
