"""API -> LiveState: read the organization and normalise it like DesiredState.

Two rounds of concurrent reads under the client's one bound (`parallelism`):

1. the organization, the three resource lists (each once with include_archived=true,
   split active/archived here) and the workspaces (twice: with and without the default
   workspace, since only the difference tells which one is the default);
2. memberships, per active workspace or per active service account, whichever needs
   fewer requests, and the enablements of every active rule (§2.7.1, never paginated).

Normalisation follows the `fedctl.state` docstring: description None -> "", unset match
keys -> None, jwks with every key of its variant, rules naming their issuer and service
account by name, explicit memberships only.

    live = read_live(client)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from fedctl.api import resources, wire
from fedctl.api.client import AdminClient
from fedctl.state import (
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
    WorkspaceRole,
)

ASSIGNABLE_ROLES = frozenset(
    {"workspace_admin", "workspace_developer", "workspace_restricted_developer", "workspace_user"}
)


def read_live(client: AdminClient) -> LiveState:
    """Everything the planner compares, read concurrently and normalised."""
    first: list[Callable[[], Any]] = [
        lambda: resources.get_organization(client),
        lambda: resources.list_service_accounts(client, include_archived=True),
        lambda: resources.list_issuers(client, include_archived=True),
        lambda: resources.list_rules(client, include_archived=True),
        lambda: resources.list_workspaces(client, include_default=True, include_archived=True),
        lambda: resources.list_workspaces(client, include_default=False, include_archived=True),
    ]
    org, accounts, issuers, rules, all_workspaces, non_default = client.map(_call, first)
    workspaces = _workspaces(all_workspaces, non_default)
    active_accounts = [a for a in accounts if a.archived_at is None]
    active_rules = [r for r in rules if r.archived_at is None]
    active_workspace_ids = [w.id for w in workspaces if not w.archived]

    memberships = _read_memberships(client, active_accounts, active_workspace_ids)
    enablements = dict(
        zip(
            [r.id for r in active_rules],
            client.map(lambda r: resources.list_rule_workspaces(client, r.id), active_rules),
            strict=True,
        )
    )
    names = _Names(accounts, issuers)
    live_accounts = [_service_account(a, memberships.get(a.id, {})) for a in accounts]
    live_issuers = [_issuer(i) for i in issuers]
    live_rules = [_rule(r, enablements.get(r.id, []), names) for r in rules]
    return LiveState(
        organization=Organization(id=org.id, name=org.name),
        workspaces=tuple(workspaces),
        service_accounts={a.spec.name: a for a in live_accounts if not a.meta.archived},
        issuers={i.spec.name: i for i in live_issuers if not i.meta.archived},
        rules={r.spec.name: r for r in live_rules if not r.meta.archived},
        archived_service_accounts=tuple(a for a in live_accounts if a.meta.archived),
        archived_issuers=tuple(i for i in live_issuers if i.meta.archived),
        archived_rules=tuple(r for r in live_rules if r.meta.archived),
    )


def _call(thunk: Callable[[], Any]) -> Any:
    return thunk()


def _workspaces(
    with_default: list[wire.Workspace], without_default: list[wire.Workspace]
) -> list[Workspace]:
    non_default_ids = {w.id for w in without_default}
    return [
        Workspace(
            id=w.id,
            name=w.name,
            archived=w.archived_at is not None,
            is_default=w.id not in non_default_ids,
        )
        for w in with_default
    ]


def _read_memberships(
    client: AdminClient,
    accounts: list[wire.ServiceAccount],
    workspace_ids: list[str],
) -> dict[str, dict[str, WorkspaceRole]]:
    """service account ID -> {workspace ID -> role}, explicit rows in active workspaces only.

    Workspace-side lists leave out the implicit default row and archived accounts;
    account-side lists lead with the implicit row (dropped here) and may name archived
    workspaces, whose rows fedctl can neither read workspace-side nor change, so they are
    dropped too. Both readings give the same result.
    """
    rows: list[wire.ServiceAccountWorkspaceMember] = []
    if len(workspace_ids) <= len(accounts):
        for page in client.map(
            lambda w: resources.list_workspace_members(client, w), workspace_ids
        ):
            rows.extend(page)
    else:
        for page in client.map(
            lambda a: resources.list_service_account_workspaces(client, a.id), accounts
        ):
            rows.extend(page)
    active = set(workspace_ids)
    result: dict[str, dict[str, WorkspaceRole]] = {}
    for row in rows:
        if row.implicit is True or row.workspace_id not in active:
            continue
        if row.workspace_role not in ASSIGNABLE_ROLES:
            continue  # workspace_billing is in the response enum but never held (§3.8)
        role = cast(WorkspaceRole, row.workspace_role)
        result.setdefault(row.service_account_id, {})[row.workspace_id] = role
    return result


def _meta(obj: wire.ServiceAccount | wire.FederationIssuer | wire.FederationRule) -> LiveMeta:
    return LiveMeta(
        id=obj.id,
        created_at=obj.created_at,
        updated_at=obj.updated_at,
        created_by_actor_id=obj.created_by_actor_id,
        updated_by_actor_id=obj.updated_by_actor_id,
        archived_at=obj.archived_at,
        archived_by_actor_id=obj.archived_by_actor_id,
    )


def _service_account(
    account: wire.ServiceAccount, memberships: dict[str, WorkspaceRole]
) -> LiveServiceAccount:
    role = "admin" if account.organization_role == "admin" else "developer"
    spec = ServiceAccountSpec(
        name=account.name,
        description=account.description or "",
        organization_role=role,
        memberships=memberships,
    )
    return LiveServiceAccount(spec=spec, meta=_meta(account))


def normalise_jwks(
    jwks: wire.JwksDiscovery | wire.JwksExplicitUrl | wire.JwksInline,
) -> dict[str, Any]:
    """Every key of the variant, None where unset, as the API returns it."""
    if isinstance(jwks, wire.JwksInline):
        return {"type": "inline", "keys": [dict(key) for key in jwks.keys]}
    if isinstance(jwks, wire.JwksExplicitUrl):
        return {"type": "explicit_url", "url": jwks.url, "ca_cert_pem": jwks.ca_cert_pem}
    return {
        "type": "discovery",
        "discovery_base": jwks.discovery_base,
        "ca_cert_pem": jwks.ca_cert_pem,
    }


def _issuer(issuer: wire.FederationIssuer) -> LiveIssuer:
    spec = IssuerSpec(
        name=issuer.name,
        issuer_url=issuer.issuer_url,
        jwks=normalise_jwks(issuer.jwks),
        max_jwt_lifetime_seconds=issuer.max_jwt_lifetime_seconds,
        check_jti=issuer.check_jti,
    )
    return LiveIssuer(spec=spec, meta=_meta(issuer))


def normalise_match(match: wire.RuleMatch) -> RuleMatchSpec:
    return RuleMatchSpec(
        subject_prefix=match.subject_prefix or None,
        audience=match.audience or None,
        claims=match.claims or None,
        condition=match.condition or None,
    )


class _Names:
    """ID -> name for issuers and service accounts, archived ones included."""

    def __init__(self, accounts: list[wire.ServiceAccount], issuers: list[wire.FederationIssuer]):
        self.accounts = {a.id: a.name for a in accounts}
        self.issuers = {i.id: i.name for i in issuers}


def _rule(
    rule: wire.FederationRule, enablements: list[wire.FederationRuleWorkspace], names: _Names
) -> LiveRule:
    workspace_ids = frozenset(e.workspace_id for e in enablements)
    target_id = rule.target.service_account_id
    spec = RuleSpec(
        name=rule.name,
        # The lists are the authority; the names echoed on the rule are a fallback.
        issuer_name=names.issuers.get(rule.issuer_id) or rule.issuer_name or rule.issuer_id,
        service_account_name=(
            names.accounts.get(target_id) or rule.target.service_account_name or target_id
        ),
        description=rule.description or "",
        match=normalise_match(rule.match),
        oauth_scope=rule.oauth_scope,
        workspace_ids=workspace_ids,
        applies_to_all_workspaces=rule.applies_to_all_workspaces,
        token_lifetime_seconds=rule.token_lifetime_seconds,
    )
    # A legacy binding is one the enablement list does not show (§5.8).
    legacy = rule.workspace_id if rule.workspace_id not in workspace_ids else None
    return LiveRule(
        spec=spec,
        meta=_meta(rule),
        issuer_id=rule.issuer_id,
        service_account_id=target_id,
        legacy_workspace_id=legacy,
    )
