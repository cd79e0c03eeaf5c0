"""Config (fedctl.config) -> LintConfig: the one place lint reads the config models."""

from __future__ import annotations

import re

from fedctl.config.models import Issuer, Rule, ServiceAccount
from fedctl.config.resolved import (
    issuer_from_config,
    rule_from_config,
    service_account_from_config,
)
from fedctl.config.validated import Config
from fedctl.core.errors import Location
from fedctl.core.state import Kind
from fedctl.lint.view import LintConfig, Locator, Silence


def view_of(config: object) -> LintConfig:
    """The lint view of a loaded Config (typed `object` so callers need not import it)."""
    if not isinstance(config, Config):
        raise TypeError(f"expected a fedctl.config.Config, got {type(config).__name__}")
    urls = {issuer.name: issuer.issuer_url for issuer in config.issuers}
    resources: list[tuple[Kind, Issuer | Rule | ServiceAccount]] = [
        *((Kind.ISSUER, issuer) for issuer in config.issuers),
        *((Kind.RULE, rule) for rule in config.rules),
        *((Kind.SERVICE_ACCOUNT, account) for account in config.service_accounts),
    ]
    return LintConfig(
        issuers=tuple(issuer_from_config(issuer) for issuer in config.issuers),
        rules=tuple(rule_from_config(rule, urls) for rule in config.rules),
        service_accounts=tuple(
            service_account_from_config(account) for account in config.service_accounts
        ),
        silences={
            f"{kind.value}/{resource.name}": Silence(tuple(lint.ignore), lint.reason)
            for kind, resource in resources
            if (lint := resource.lint) is not None
        },
        locators={
            f"{kind.value}/{resource.name}": _locator(config, kind, resource.name)
            for kind, resource in resources
        },
        check_jti_written=frozenset(
            issuer.name for issuer in config.issuers if "check_jti" in issuer.model_fields_set
        ),
    )


def _locator(config: Config, kind: Kind, name: str) -> Locator:
    """Findings on a field point at its key (`match:`), where a reader looks first."""

    def locate(field_path: str | None) -> Location | None:
        origin = config.origins.get((kind, name))
        locations = config.locations.get(origin.file) if origin else None
        if origin is None or locations is None or field_path is None:
            return config.location_of(kind, name, field_path)
        return locations.key_at((*origin.path, *_parse(field_path)))

    return locate


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parse(field_path: str) -> tuple[str | int, ...]:
    """`match.claims.ref` -> ("match", "claims", "ref"); `workspaces[1]` -> ("workspaces", 1)."""
    parts: list[str | int] = []
    for match in _PART.finditer(field_path):
        key, index = match.groups()
        parts.append(int(index) if index is not None else key)
    return tuple(parts)
