"""Small builders of LiveState and Plan objects for apply's offline tests."""

from __future__ import annotations

from fedctl.core.state import (
    IssuerSpec,
    Kind,
    LiveIssuer,
    LiveMeta,
    LiveServiceAccount,
    LiveState,
    Organization,
    ServiceAccountSpec,
)
from fedctl.plan.actions import Action, Change
from fedctl.plan.plan import LiveVersion, Plan

ORG = Organization(id="11111111-2222-3333-4444-555555555555", name="Acme")
T0 = "2026-01-01T00:00:00Z"
T1 = "2026-01-02T00:00:00Z"


def live_account(
    name: str, *, updated_at: str = T0, archived_at: str | None = None
) -> LiveServiceAccount:
    return LiveServiceAccount(
        spec=ServiceAccountSpec(name=name),
        meta=LiveMeta(id=f"svac_{name}", updated_at=updated_at, archived_at=archived_at),
    )


def live_issuer(name: str, *, updated_at: str = T0) -> LiveIssuer:
    return LiveIssuer(
        spec=IssuerSpec(
            name=name, issuer_url="https://idp.example.com", jwks={"type": "discovery"}
        ),
        meta=LiveMeta(id=f"fdis_{name}", updated_at=updated_at),
    )


def live_state(
    *accounts: LiveServiceAccount, archived: tuple[LiveServiceAccount, ...] = ()
) -> LiveState:
    return LiveState(
        organization=ORG,
        service_accounts={a.spec.name: a for a in accounts},
        archived_service_accounts=archived,
    )


def change(action: Action, name: str, kind: Kind = Kind.SERVICE_ACCOUNT) -> Change:
    return Change(kind=kind, name=name, action=action)


def plan_of(
    *changes: Change,
    live: LiveState | None = None,
    digest: str = "d1",
    unmanaged: tuple[str, ...] = (),
) -> Plan:
    """A plan whose live_versions cover every changed resource that is live."""
    versions: dict[str, LiveVersion] = {}
    if live is not None:
        for c in changes:
            account = live.service_accounts.get(c.name)
            if account is not None and c.action is not Action.CREATE:
                versions[f"{c.kind.value}/{c.name}"] = LiveVersion(
                    id=account.meta.id,
                    updated_at=account.meta.updated_at,
                    archived_at=account.meta.archived_at,
                )
    return Plan(
        organization=ORG,
        config_digest=digest,
        changes=changes,
        live_versions=versions,
        unmanaged=unmanaged,
    )
