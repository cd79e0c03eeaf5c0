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
from fedctl.core.fields import ISSUER_FIELDS, RULE_FIELDS, SERVICE_ACCOUNT_FIELDS, KindFields
from fedctl.core.resolved.issuer import ResolvedIssuer
from fedctl.core.resolved.rule import ResolvedRule
from fedctl.core.resolved.service_account import ResolvedServiceAccount
from fedctl.core.state import Kind


def _table_values(
    table: KindFields, written: BaseModel, held_apart: frozenset[str]
) -> dict[str, Any]:
    """Every field of the table the language has, by its configuration key; `held_apart`
    are the fields the caller resolves in a form of their own."""
    values: dict[str, Any] = {}
    for name, key, default in _readable(table, type(written), held_apart):
        value = getattr(written, key)
        values[name] = default if value is None else value
    return values


# (kind, language model, fields held apart) -> what `_table_values` reads, worked out once
# per kind: lint and policy read every resource of a large configuration.
_READABLE: dict[tuple[Kind, type[BaseModel], frozenset[str]], tuple[tuple[str, str, Any], ...]] = {}


def _readable(
    table: KindFields, language: type[BaseModel], held_apart: frozenset[str]
) -> tuple[tuple[str, str, Any], ...]:
    """(field, configuration key, spec default) of each field read."""
    key = (table.kind, language, held_apart)
    found = _READABLE.get(key)
    if found is None:
        found = _READABLE[key] = tuple(
            (info.name, info.key_in_config, table.default(info))
            for info in table
            if info.name not in held_apart and info.key_in_config in language.model_fields
        )
    return found


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
