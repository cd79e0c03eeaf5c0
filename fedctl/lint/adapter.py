"""Config (fedctl.config) -> LintConfig: the one place lint reads the config models."""

from __future__ import annotations

import re

from fedctl.config.models import Issuer, LintSilence, Rule, ServiceAccount
from fedctl.config.validated import Config
from fedctl.errors import Location
from fedctl.lint.view import IssuerView, LintConfig, Locator, RuleView, ServiceAccountView, Silence
from fedctl.state import Kind


def view_of(config: object) -> LintConfig:
    """The lint view of a loaded Config (typed `object` so callers need not import it)."""
    if not isinstance(config, Config):
        raise TypeError(f"expected a fedctl.config.Config, got {type(config).__name__}")
    return LintConfig(
        issuers=tuple(_issuer(config, issuer) for issuer in config.issuers),
        rules=tuple(_rule(config, rule) for rule in config.rules),
        service_accounts=tuple(_account(config, account) for account in config.service_accounts),
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


def _silence(lint: LintSilence | None) -> Silence | None:
    return Silence(ignore=tuple(lint.ignore), reason=lint.reason) if lint else None


def _issuer(config: Config, issuer: Issuer) -> IssuerView:
    return IssuerView(
        name=issuer.name,
        issuer_url=issuer.issuer_url,
        jwks_type=issuer.jwks.type,
        jwks_url=getattr(issuer.jwks, "url", None) or getattr(issuer.jwks, "discovery_base", None),
        max_jwt_lifetime_seconds=issuer.max_jwt_lifetime_seconds,
        check_jti=issuer.check_jti,
        check_jti_written="check_jti" in issuer.model_fields_set,
        preset_name=issuer.preset,
        silence=_silence(issuer.lint),
        locate=_locator(config, Kind.ISSUER, issuer.name),
    )


def _rule(config: Config, rule: Rule) -> RuleView:
    match = rule.match
    return RuleView(
        name=rule.name,
        issuer_name=rule.issuer,
        service_account_name=rule.service_account,
        oauth_scope=rule.oauth_scope,
        subject_prefix=match.subject_prefix,
        audience=match.audience,
        claims=dict(match.claims or {}),
        condition=match.condition,
        workspaces=tuple(rule.workspaces or ()),
        applies_to_all_workspaces=rule.applies_to_all_workspaces,
        token_lifetime_seconds=rule.token_lifetime_seconds,
        silence=_silence(rule.lint),
        locate=_locator(config, Kind.RULE, rule.name),
    )


def _account(config: Config, account: ServiceAccount) -> ServiceAccountView:
    return ServiceAccountView(
        name=account.name,
        organization_role=account.organization_role,
        workspaces=tuple(membership.workspace for membership in account.workspaces),
        silence=_silence(account.lint),
        locate=_locator(config, Kind.SERVICE_ACCOUNT, account.name),
    )
