"""What lint reads of a loaded Config: the resolved models, plus where each resource is.

Checks read the resolved models (`fedctl.core.resolved`), so a check is a pure function of
data and can be tested without files; `fedctl.lint.adapter` is the one place that knows
the config models. What only lint needs rides beside the models, keyed by resource
(`kind/name`, unique in a validated configuration): each resource's silence and its
locator, and which issuers write `check_jti` themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from fedctl.core.errors import Location
from fedctl.core.resolved import ResolvedIssuer, ResolvedRule, ResolvedServiceAccount

# field path inside the resource (None: the resource itself) -> its place in a file
Locator = Callable[[str | None], Location | None]
Resource = ResolvedIssuer | ResolvedRule | ResolvedServiceAccount


def resource_id(resource: Resource) -> str:
    if isinstance(resource, ResolvedIssuer):
        return f"issuer/{resource.name}"
    if isinstance(resource, ResolvedRule):
        return f"rule/{resource.name}"
    return f"service_account/{resource.name}"


@dataclass(frozen=True)
class Silence:
    """A resource's `lint: {ignore: [...], reason: ...}`."""

    ignore: tuple[str, ...]
    reason: str | None


@dataclass(frozen=True)
class LintConfig:
    issuers: tuple[ResolvedIssuer, ...] = ()
    rules: tuple[ResolvedRule, ...] = ()
    service_accounts: tuple[ResolvedServiceAccount, ...] = ()
    # resource ID (`rule/deploy`) -> its silence, its locator
    silences: Mapping[str, Silence] = field(default_factory=dict)
    locators: Mapping[str, Locator] = field(default_factory=dict)
    # Issuers whose file sets check_jti, rather than leaving it to the default.
    check_jti_written: frozenset[str] = frozenset()

    def issuer(self, name: str) -> ResolvedIssuer | None:
        return self._issuers_by_name.get(name)

    def service_account(self, name: str) -> ResolvedServiceAccount | None:
        return self._service_accounts_by_name.get(name)

    def rules_of(self, service_account_name: str) -> list[ResolvedRule]:
        return list(self._rules_by_service_account.get(service_account_name, ()))

    def silence(self, resource: Resource) -> Silence | None:
        return self.silences.get(resource_id(resource))

    def locate(self, resource_key: str, field_path: str) -> Location | None:
        """A field's place, else the resource's own node (a preset-filled value has none)."""
        locator = self.locators.get(resource_key)
        if locator is None:
            return None
        return locator(field_path or None) or locator(None)

    # Indexes built on first use: checks look resources up once per rule, and a linear
    # scan per lookup made lint quadratic (~0.8 s of a 5,000-resource plan). The first
    # resource of a name wins, as the scans did.
    @cached_property
    def _issuers_by_name(self) -> dict[str, ResolvedIssuer]:
        index: dict[str, ResolvedIssuer] = {}
        for issuer in self.issuers:
            index.setdefault(issuer.name, issuer)
        return index

    @cached_property
    def _service_accounts_by_name(self) -> dict[str, ResolvedServiceAccount]:
        index: dict[str, ResolvedServiceAccount] = {}
        for account in self.service_accounts:
            index.setdefault(account.name, account)
        return index

    @cached_property
    def _rules_by_service_account(self) -> dict[str, list[ResolvedRule]]:
        index: dict[str, list[ResolvedRule]] = {}
        for rule in self.rules:
            index.setdefault(rule.service_account_name, []).append(rule)
        return index
