"""Small builders of states with one rule, for access-diff tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fedctl.core.state import (
    DesiredState,
    IssuerSpec,
    LiveIssuer,
    LiveMeta,
    LiveRule,
    LiveServiceAccount,
    LiveState,
    Organization,
    RuleMatchSpec,
    RuleSpec,
    ServiceAccountSpec,
    Workspace,
)
from tests.support.states import desired

PROD = "wrkspc_prod"
STAGING = "wrkspc_staging"
GITHUB = IssuerSpec(
    name="github-actions",
    issuer_url="https://token.actions.githubusercontent.com",
    jwks={"type": "discovery", "discovery_base": None, "ca_cert_pem": None},
)
CI = ServiceAccountSpec(name="ci")


def rule(**changes: Any) -> RuleSpec:
    match_changes = {
        key: changes.pop(key) for key in list(changes) if key in RuleMatchSpec.model_fields
    }
    match = RuleMatchSpec(
        subject_prefix="repo:acme/app:ref:refs/heads/main",
        claims={"repository_owner": "acme"},
    ).model_copy(update=match_changes)
    base: dict[str, Any] = {
        "name": "deploy",
        "issuer_name": "github-actions",
        "service_account_name": "ci",
        "match": match,
        "oauth_scope": "workspace:inference",
        "workspace_ids": frozenset({PROD}),
        "token_lifetime_seconds": 600,
    }
    base.update(changes)
    return RuleSpec(**base)


def meta(id_: str, **fields: Any) -> LiveMeta:
    return LiveMeta(id=id_, updated_at="2025-01-01T00:00:00Z", **fields)


def live_state(
    rules: Sequence[RuleSpec] = (),
    issuers: Sequence[IssuerSpec] = (GITHUB,),
    accounts: Sequence[ServiceAccountSpec] = (CI,),
) -> LiveState:
    return LiveState(
        organization=Organization(id="org-1", name="Acme"),
        workspaces=(Workspace(id=PROD, name="prod"), Workspace(id=STAGING, name="staging")),
        issuers={
            spec.name: LiveIssuer(spec=spec, meta=meta(f"fdis_{spec.name}")) for spec in issuers
        },
        service_accounts={
            spec.name: LiveServiceAccount(spec=spec, meta=meta(f"svac_{spec.name}"))
            for spec in accounts
        },
        rules={
            spec.name: LiveRule(
                spec=spec,
                meta=meta(f"fdrl_{spec.name}"),
                issuer_id=f"fdis_{spec.issuer_name}",
                service_account_id=f"svac_{spec.service_account_name}",
            )
            for spec in rules
        },
    )


def desired_state(
    rules: Sequence[RuleSpec] = (),
    issuers: Sequence[IssuerSpec] = (GITHUB,),
    accounts: Sequence[ServiceAccountSpec] = (CI,),
    **fields: Any,
) -> DesiredState:
    return desired(list(accounts), list(issuers), list(rules), **fields)
