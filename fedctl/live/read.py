"""API -> LiveState: read the organization and normalise it like DesiredState.

All reads run concurrently under the client's one bound (`parallelism`):

- the organization, the three resource lists (each once with include_archived=true,
  split active/archived here) and the workspaces (twice: with and without the default
  workspace, since only the difference tells which one is the default);
- memberships, per active workspace or per active service account, whichever needs
  fewer requests. They start as soon as that choice is known, not after the lists:
  the workspace list is one round trip, and the first page of service accounts already
  shows when there are at least as many accounts as workspaces (the usual case, where
  the workspace side wins). Only when it does not is the whole account list awaited.
  So the memberships overlap the long cursor chains of the rule and account lists.

A rule's explicit enablements come with the rule itself (`workspace_ids`,
docs/admin-api.md §3.4), so the per-rule enablement list (§2.7.1) is never read: at a
thousand rules that would be a thousand requests for what the rule list already said.

Normalisation follows the `fedctl.core.state` docstring: description None -> "", unset match
keys -> None, jwks with every key of its variant, rules naming their issuer and service
account by name, explicit memberships only.

    live = read_live(client)
"""

from __future__ import annotations

from typing import Any, cast

from fedctl.api import wire
from fedctl.api.client import AdminClient
from fedctl.core.fields import ISSUER_FIELDS, RULE_FIELDS, SERVICE_ACCOUNT_FIELDS
from fedctl.core.jwk import public_only
from fedctl.core.state import (
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
from fedctl.live.requests import LiveReads, Members
from fedctl.live.unmanageable import (
    ca_cert_reason,
    issuer_reason,
    rule_reason,
    service_account_reason,
)

ASSIGNABLE_ROLES = frozenset(
    {"workspace_admin", "workspace_developer", "workspace_restricted_developer", "workspace_user"}
)


def read_live(client: AdminClient, *, started: LiveReads | None = None) -> LiveState:
    """Everything the planner compares, read concurrently and normalised.

    `started`: the reads already under way on `client` (fedctl.live.requests), if any.
    """
    reads = started or LiveReads(client)
    try:
        lists, member_rows = reads.results()
    finally:
        reads.cancel_pending()
    org, accounts, issuers, rules, all_workspaces, non_default = lists
    workspaces = _workspaces(all_workspaces, non_default)
    active_workspace_ids = [w.id for w in workspaces if not w.archived]
    memberships = _memberships(member_rows, active_workspace_ids)
    rows_by_account: dict[str, Members] = {}
    for row in member_rows:
        rows_by_account.setdefault(row.service_account_id, []).append(row)
    names = _Names(accounts, issuers)
    live_accounts = [
        _service_account(a, memberships.get(a.id, {}), rows_by_account.get(a.id, []))
        for a in accounts
    ]
    live_issuers = [_issuer(i) for i in issuers]
    live_rules = [_rule(r, names) for r in rules]
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


def _memberships(rows: Members, workspace_ids: list[str]) -> dict[str, dict[str, WorkspaceRole]]:
    """service account ID -> {workspace ID -> role}, explicit rows in active workspaces only.

    Workspace-side lists leave out the implicit default row and archived accounts;
    account-side lists lead with the implicit row (dropped here) and may name archived
    workspaces, whose rows fedctl can neither read workspace-side nor change, so they are
    dropped too. Both readings give the same result.
    """
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


def _meta(
    obj: wire.ServiceAccount | wire.FederationIssuer | wire.FederationRule,
    unmanageable: str | None = None,
) -> LiveMeta:
    return LiveMeta(
        unmanageable=unmanageable,
        id=obj.id,
        created_at=obj.created_at,
        updated_at=obj.updated_at,
        created_by_actor_id=obj.created_by_actor_id,
        updated_by_actor_id=obj.updated_by_actor_id,
        archived_at=obj.archived_at,
        archived_by_actor_id=obj.archived_by_actor_id,
    )


def _service_account(
    account: wire.ServiceAccount, memberships: dict[str, WorkspaceRole], rows: Members
) -> LiveServiceAccount:
    spec = ServiceAccountSpec(
        **SERVICE_ACCOUNT_FIELDS.from_wire(account, {"memberships": memberships})
    )
    reason = service_account_reason(account, rows)
    return LiveServiceAccount(spec=spec, meta=_meta(account, reason))


def normalise_jwks(
    jwks: wire.JwksDiscovery | wire.JwksExplicitUrl | wire.JwksInline | wire.JwksUnknown,
) -> dict[str, Any]:
    """Every key of the variant, None where unset, as the API returns it."""
    if isinstance(jwks, wire.JwksUnknown):
        return {"type": jwks.type}  # the issuer is unmanageable; shown, never sent
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
    jwks = normalise_jwks(issuer.jwks)
    if jwks["type"] == "inline":
        # NOTE: private members are dropped as they are read, so no snapshot, export,
        # plan or comment can carry them (see fedctl.core.jwk).
        jwks["keys"] = [public_only(key) for key in jwks["keys"]]
    ca_cert_refused = _screen_ca_cert(jwks)
    spec = IssuerSpec(**ISSUER_FIELDS.from_wire(issuer, {"jwks": jwks}))
    return LiveIssuer(spec=spec, meta=_meta(issuer, issuer_reason(issuer) or ca_cert_refused))


def _screen_ca_cert(jwks: dict[str, Any]) -> str | None:
    """Hold the issuer, and drop its CA text, unless that text is certificates only.

    NOTE: the server's `ca_cert_pem` passes the reader the configuration's CA fields pass
    (fedctl.config.pem). A hostile or compromised server could put a private key, junk or
    terminal controls there; dropped as it is read, none of it reaches a plan, a comment,
    a saved plan, a snapshot or an export, and the held issuer is never written back.
    """
    pem = jwks.get("ca_cert_pem")
    if not pem:
        return None  # unset, or empty: nothing to carry, and fedctl reads "" as before
    # Imported here: the configuration package is not needed to read an organization.
    from fedctl.config.pem import certificate_problem

    problem = certificate_problem(pem, with_fix=False)
    if problem is None:
        return None
    jwks["ca_cert_pem"] = None
    return ca_cert_reason(problem)


def normalise_match(match: wire.RuleMatch) -> RuleMatchSpec:
    return RuleMatchSpec.normalised(lambda key: getattr(match, key, None))


class _Names:
    """ID -> name for issuers and service accounts, archived ones included."""

    def __init__(self, accounts: list[wire.ServiceAccount], issuers: list[wire.FederationIssuer]):
        self.accounts = {a.id: a.name for a in accounts}
        self.issuers = {i.id: i.name for i in issuers}


def _rule(rule: wire.FederationRule, names: _Names) -> LiveRule:
    workspace_ids = frozenset(rule.workspace_ids)
    target_id = rule.target.service_account_id
    given = {
        # The lists are the authority; the names echoed on the rule are a fallback.
        "issuer_name": names.issuers.get(rule.issuer_id) or rule.issuer_name or rule.issuer_id,
        "service_account_name": (
            names.accounts.get(target_id) or rule.target.service_account_name or target_id
        ),
        "match": normalise_match(rule.match),
        "workspace_ids": workspace_ids,
        "attributes": _string_map(rule.attributes),
    }
    spec = RuleSpec(**RULE_FIELDS.from_wire(rule, given))
    # A legacy binding is one the explicit enablements do not show (§5.8).
    legacy = rule.workspace_id if rule.workspace_id not in workspace_ids else None
    return LiveRule(
        spec=spec,
        meta=_meta(rule, rule_reason(rule)),
        issuer_id=rule.issuer_id,
        service_account_id=target_id,
        legacy_workspace_id=legacy,
    )


def _string_map(value: object) -> dict[str, str] | None:
    """A map of strings as the spec holds it; any other shape marks the rule unmanageable
    (fedctl.live.unmanageable) and is held as None, never guessed at."""
    if isinstance(value, dict) and all(
        isinstance(key, str) and isinstance(item, str) for key, item in value.items()
    ):
        return dict(value)
    return None
