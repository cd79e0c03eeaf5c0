"""The resolved models of a configuration read alone, before its workspace references are
resolved against an organization (lint, offline explain, `fedctl test`).

Defaults are the configuration language's, which are the spec's; a workspace is kept as
the reference written (a name, `default` or an ID) in file order, with no name beside it.

Usage:
    rules = [rule_from_config(rule, issuer_urls) for rule in config.rules]
"""

from __future__ import annotations

from collections.abc import Mapping

from fedctl.config.models import Issuer, Rule, ServiceAccount
from fedctl.resolved.issuer import ResolvedIssuer
from fedctl.resolved.rule import ResolvedRule
from fedctl.resolved.service_account import ResolvedServiceAccount


def issuer_from_config(issuer: Issuer) -> ResolvedIssuer:
    return ResolvedIssuer(
        name=issuer.name,
        issuer_url=issuer.issuer_url,
        max_jwt_lifetime_seconds=issuer.max_jwt_lifetime_seconds,
        check_jti=issuer.check_jti,
        jwks=issuer.jwks.model_dump(mode="json"),
        preset=issuer.preset,
    )


def rule_from_config(rule: Rule, issuer_urls: Mapping[str, str]) -> ResolvedRule:
    """`issuer_urls`: issuer name -> URL, for the issuers the configuration declares."""
    match = rule.match
    return ResolvedRule(
        name=rule.name,
        issuer_name=rule.issuer,
        issuer_url=issuer_urls.get(rule.issuer),
        service_account_name=rule.service_account,
        description=rule.description or "",
        subject_prefix=match.subject_prefix,
        audience=match.audience,
        claims=tuple(sorted((match.claims or {}).items())),
        condition=match.condition,
        oauth_scope=rule.oauth_scope,
        workspace_ids=tuple(rule.workspaces or ()),
        workspace_names=(),
        applies_to_all_workspaces=rule.applies_to_all_workspaces,
        token_lifetime_seconds=rule.token_lifetime_seconds,
    )


def service_account_from_config(account: ServiceAccount) -> ResolvedServiceAccount:
    """Memberships in file order, each under the workspace reference written."""
    return ResolvedServiceAccount(
        name=account.name,
        description=account.description or "",
        organization_role=account.organization_role,
        memberships=tuple((row.workspace, row.role) for row in account.workspaces),
    )
