"""What a policy's CEL sees: each resource as the configuration language names it, every
default filled in; a rule also sees its issuer and service account.

    rule.token_lifetime_seconds, rule.match.claims, issuer.issuer_url,
    service_account.organization_role, rule.workspaces
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from fedctl.config.models import Issuer, Rule, ServiceAccount
from fedctl.config.validated import Config

# Bookkeeping fields of the language that say nothing about access.
_LEFT_OUT = {"lint", "previous_names"}


def resource_bindings(config: Config) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """applies_to -> [(resource name, CEL activation)], in file order."""
    issuers = {issuer.name: _issuer(issuer) for issuer in config.issuers}
    accounts = {account.name: _account(account) for account in config.service_accounts}
    return {
        "rule": [(rule.name, _rule_activation(rule, issuers, accounts)) for rule in config.rules],
        "issuer": [(name, {"issuer": value}) for name, value in issuers.items()],
        "service_account": [(name, {"service_account": value}) for name, value in accounts.items()],
    }


def _rule_activation(
    rule: Rule, issuers: dict[str, dict[str, Any]], accounts: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    return {
        "rule": _dump(rule),
        "issuer": issuers.get(rule.issuer, {}),
        "service_account": accounts.get(rule.service_account, {}),
    }


def _issuer(issuer: Issuer) -> dict[str, Any]:
    return _dump(issuer)


def _account(account: ServiceAccount) -> dict[str, Any]:
    return _dump(account)


def _dump(model: Rule | Issuer | ServiceAccount) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="json", exclude=_LEFT_OUT)
    match = data.get("match")
    if isinstance(match, dict) and match.get("claims") is None:
        match["claims"] = {}  # so `"ref" in rule.match.claims` reads naturally
    return data


def field_names(kind: str) -> set[str]:
    """Top-level fields a policy may read on a resource of `kind`."""
    models: dict[str, type[BaseModel]] = {
        "rule": Rule,
        "issuer": Issuer,
        "service_account": ServiceAccount,
    }
    model = models[kind]
    return set(model.model_fields) - _LEFT_OUT
