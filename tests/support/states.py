"""Builders of DesiredState/LiveState for planner tests: no server, deterministic IDs."""

from __future__ import annotations

import hashlib
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

ORG = Organization(id="00000000-0000-0000-0000-000000000001", name="Acme")
DEFAULT_WS = "wrkspc_01default"
PROD_WS = "wrkspc_01prod"
STAGING_WS = "wrkspc_01staging"
OLD_WS = "wrkspc_01old"
WORKSPACES = (
    Workspace(id=DEFAULT_WS, name="Default", is_default=True),
    Workspace(id=PROD_WS, name="Production"),
    Workspace(id=STAGING_WS, name="Staging"),
    Workspace(id=OLD_WS, name="Old", archived=True),
)
GITHUB = "https://token.actions.githubusercontent.com"
DISCOVERY: dict[str, Any] = {"type": "discovery", "discovery_base": None, "ca_cert_pem": None}


def live_id(prefix: str, name: str) -> str:
    digest = hashlib.sha256(f"{prefix}{name}".encode()).hexdigest()[:22]
    return f"{prefix}_01{digest}"


def meta(prefix: str, name: str, **extra: Any) -> LiveMeta:
    return LiveMeta(
        id=extra.pop("id", live_id(prefix, name)),
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-02T00:00:00Z",
        created_by_actor_id="user_01creator",
        **extra,
    )


def sa(name: str, **fields: Any) -> ServiceAccountSpec:
    return ServiceAccountSpec(name=name, **fields)


def issuer(name: str, url: str = GITHUB, **fields: Any) -> IssuerSpec:
    return IssuerSpec(name=name, issuer_url=url, jwks=fields.pop("jwks", DISCOVERY), **fields)


def rule(
    name: str,
    issuer_name: str = "github",
    service_account_name: str = "ci",
    **fields: Any,
) -> RuleSpec:
    fields.setdefault("match", RuleMatchSpec(subject_prefix="repo:acme/app:ref:refs/heads/main"))
    fields.setdefault("oauth_scope", "workspace:developer")
    if not fields.get("applies_to_all_workspaces"):
        fields.setdefault("workspace_ids", frozenset({PROD_WS}))
    return RuleSpec(
        name=name, issuer_name=issuer_name, service_account_name=service_account_name, **fields
    )


def desired(
    service_accounts: list[ServiceAccountSpec] = (),  # type: ignore[assignment]
    issuers: list[IssuerSpec] = (),  # type: ignore[assignment]
    rules: list[RuleSpec] = (),  # type: ignore[assignment]
    **extra: Any,
) -> DesiredState:
    return DesiredState(
        service_accounts={s.name: s for s in service_accounts},
        issuers={i.name: i for i in issuers},
        rules={r.name: r for r in rules},
        **extra,
    )


def live_from(state: DesiredState, **extra: Any) -> LiveState:
    """The live organization an apply of `state` would leave behind."""
    sa_ids = {name: live_id("svac", name) for name in state.service_accounts}
    issuer_ids = {name: live_id("fdis", name) for name in state.issuers}
    rules = {}
    for name, spec in state.rules.items():
        rules[name] = LiveRule(
            spec=spec,
            meta=meta("fdrl", name),
            issuer_id=issuer_ids.get(spec.issuer_name, live_id("fdis", spec.issuer_name)),
            service_account_id=sa_ids.get(
                spec.service_account_name, live_id("svac", spec.service_account_name)
            ),
        )
    fields: dict[str, Any] = {
        "organization": ORG,
        "workspaces": WORKSPACES,
        "service_accounts": {
            n: LiveServiceAccount(spec=s, meta=meta("svac", n))
            for n, s in state.service_accounts.items()
        },
        "issuers": {n: LiveIssuer(spec=s, meta=meta("fdis", n)) for n, s in state.issuers.items()},
        "rules": rules,
    }
    fields.update(extra)
    return LiveState(**fields)


def baseline() -> DesiredState:
    """One service account in Production, one GitHub issuer, one rule."""
    return desired(
        [sa("ci", description="CI deployer", memberships={PROD_WS: "workspace_developer"})],
        [issuer("github")],
        [rule("deploy")],
    )
