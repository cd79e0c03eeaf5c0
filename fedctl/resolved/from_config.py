"""The resolved models of a configuration read alone, before its workspace references are
resolved against an organization (lint, offline explain, `fedctl test`, policy bindings).

Fields are read through each kind's table under their configuration key, an unset value
taking the spec's default; a workspace is kept as the reference written (a name,
`default` or an ID) in file order, with no name beside it.

Usage:
    rules = [rule_from_config(rule, issuer_urls) for rule in config.rules]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from fedctl.config.models import Issuer, Rule, ServiceAccount
from fedctl.fields import ISSUER_FIELDS, RULE_FIELDS, SERVICE_ACCOUNT_FIELDS, KindFields
from fedctl.resolved.issuer import ResolvedIssuer
from fedctl.resolved.rule import ResolvedRule
from fedctl.resolved.service_account import ResolvedServiceAccount


def _table_values(
    table: KindFields, written: BaseModel, held_apart: frozenset[str]
) -> dict[str, Any]:
    """Every field of the table the language has, by its configuration key; `held_apart`
    are the fields the caller resolves in a form of their own."""
    language = type(written).model_fields
    values: dict[str, Any] = {}
    for info in table:
        if info.name in held_apart or info.key_in_config not in language:
            continue
        value = getattr(written, info.key_in_config)
        values[info.name] = table.default(info) if value is None else value
    return values


def issuer_from_config(issuer: Issuer) -> ResolvedIssuer:
    """The issuer's `jwks` in the configuration's form, its preset named."""
    return ResolvedIssuer(
        **_table_values(ISSUER_FIELDS, issuer, frozenset({"jwks"})),
        jwks=issuer.jwks.model_dump(mode="json"),
        preset=issuer.preset,
    )


def rule_from_config(rule: Rule, issuer_urls: Mapping[str, str]) -> ResolvedRule:
    """`issuer_urls`: issuer name -> URL, for the issuers the configuration declares."""
    match = rule.match
    return ResolvedRule(
        **_table_values(RULE_FIELDS, rule, frozenset({"match", "workspace_ids"})),
        issuer_url=issuer_urls.get(rule.issuer),
        subject_prefix=match.subject_prefix,
        audience=match.audience,
        claims=tuple(sorted((match.claims or {}).items())),
        condition=match.condition,
        workspace_ids=tuple(rule.workspaces or ()),
        workspace_names=(),
    )


def service_account_from_config(account: ServiceAccount) -> ResolvedServiceAccount:
    """Memberships in file order, each under the workspace reference written."""
    return ResolvedServiceAccount(
        **_table_values(SERVICE_ACCOUNT_FIELDS, account, frozenset({"memberships"})),
        memberships=tuple((row.workspace, row.role) for row in account.workspaces),
    )
