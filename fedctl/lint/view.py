"""The slice of a loaded Config that lint reads, with a locator per resource.

Checks read these small frozen views instead of the config models, so a check is a pure
function of data and can be tested without files; `LintConfig.from_config` is the one
place that knows the config models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from fedctl.errors import Location
from fedctl.presets import PRESETS, Preset, detect_preset
from fedctl.state import DEFAULT_MAX_JWT_LIFETIME_SECONDS, DEFAULT_TOKEN_LIFETIME_SECONDS

# field path inside the resource (None: the resource itself) -> its place in a file
Locator = Callable[[str | None], Location | None]


def _nowhere(field_path: str | None) -> Location | None:
    return None


@dataclass(frozen=True)
class Silence:
    """A resource's `lint: {ignore: [...], reason: ...}`."""

    ignore: tuple[str, ...]
    reason: str | None


@dataclass(frozen=True)
class IssuerView:
    name: str
    issuer_url: str
    jwks_type: str = "discovery"
    # explicit_url's url or discovery's discovery_base: where keys come from, if not iss.
    jwks_url: str | None = None
    max_jwt_lifetime_seconds: int = DEFAULT_MAX_JWT_LIFETIME_SECONDS
    check_jti: bool = True
    check_jti_written: bool = False  # set in the file, not filled in by the default
    preset_name: str | None = None
    silence: Silence | None = None
    locate: Locator = _nowhere

    @property
    def provider(self) -> Preset | None:
        """The explicit preset, else the provider recognised from a distinctive URL."""
        if self.preset_name is not None:
            return PRESETS.get(self.preset_name)
        return detect_preset(self.issuer_url)

    @property
    def shared(self) -> bool:
        provider = self.provider
        return provider is not None and provider.is_shared(self.issuer_url)


@dataclass(frozen=True)
class RuleView:
    name: str
    issuer_name: str
    service_account_name: str
    oauth_scope: str = "workspace:developer"
    subject_prefix: str | None = None
    audience: str | None = None
    claims: dict[str, str] = field(default_factory=dict)
    condition: str | None = None
    workspaces: tuple[str, ...] = ()
    applies_to_all_workspaces: bool = False
    token_lifetime_seconds: int = DEFAULT_TOKEN_LIFETIME_SECONDS
    silence: Silence | None = None
    locate: Locator = _nowhere


@dataclass(frozen=True)
class ServiceAccountView:
    name: str
    organization_role: str = "developer"
    # Workspace references of the explicit memberships, in file order.
    workspaces: tuple[str, ...] = ()
    silence: Silence | None = None
    locate: Locator = _nowhere


@dataclass(frozen=True)
class LintConfig:
    issuers: tuple[IssuerView, ...] = ()
    rules: tuple[RuleView, ...] = ()
    service_accounts: tuple[ServiceAccountView, ...] = ()

    def issuer(self, name: str) -> IssuerView | None:
        return self._issuers_by_name.get(name)

    def service_account(self, name: str) -> ServiceAccountView | None:
        return self._service_accounts_by_name.get(name)

    def rules_of(self, service_account_name: str) -> list[RuleView]:
        return list(self._rules_by_service_account.get(service_account_name, ()))

    # Indexes built on first use: checks look resources up once per rule, and a linear
    # scan per lookup made lint quadratic (~0.8 s of a 5,000-resource plan). The first
    # resource of a name wins, as the scans did.
    @cached_property
    def _issuers_by_name(self) -> dict[str, IssuerView]:
        index: dict[str, IssuerView] = {}
        for issuer in self.issuers:
            index.setdefault(issuer.name, issuer)
        return index

    @cached_property
    def _service_accounts_by_name(self) -> dict[str, ServiceAccountView]:
        index: dict[str, ServiceAccountView] = {}
        for account in self.service_accounts:
            index.setdefault(account.name, account)
        return index

    @cached_property
    def _rules_by_service_account(self) -> dict[str, list[RuleView]]:
        index: dict[str, list[RuleView]] = {}
        for rule in self.rules:
            index.setdefault(rule.service_account_name, []).append(rule)
        return index
