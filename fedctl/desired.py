"""Config -> DesiredState: server defaults filled in, workspaces resolved to IDs.

Knows nothing of HTTP: the caller passes the organization's workspaces (from the API,
a snapshot or a test). The result compares field by field with a LiveState, so the
normalisation rules of fedctl/core/state.py are applied here (description "" when omitted,
unset matchers None, every jwks key of its variant present).

    desired = build_desired(config, live.workspaces)
    desired.rules["deploy-main"].workspace_ids   # frozenset({"wrkspc_01..."})
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from typing import Any

from fedctl.config.jwks import DiscoveryJwks, ExplicitUrlJwks, InlineJwks
from fedctl.config.models import ApiKeysPolicy, Issuer, Rule, RuleMatch, ServiceAccount
from fedctl.config.validated import Config
from fedctl.core.address import Address
from fedctl.core.errors import PlanError
from fedctl.core.fields import ISSUER_FIELDS, RULE_FIELDS, SERVICE_ACCOUNT_FIELDS
from fedctl.core.state import (
    DEFAULT_WORKSPACE,
    ApiKeyPolicySpec,
    DesiredState,
    IssuerSpec,
    Kind,
    RuleMatchSpec,
    RuleSpec,
    ServiceAccountSpec,
    Workspace,
    WorkspaceRole,
)

WORKSPACE_ID_PREFIX = "wrkspc_"


class WorkspaceResolver:
    """Turns the config's workspace references (name, `wrkspc_` ID, "default") into IDs.

    Names match exactly; zero or several active matches, or an archived workspace, are
    errors, because writes to archived workspaces fail (docs/admin-api.md §2.8.2).
    """

    def __init__(self, config: Config, workspaces: Sequence[Workspace]) -> None:
        self.config = config
        self.workspaces = tuple(workspaces)

    def resolve(self, ref: str, kind: Kind, name: str, field_path: str) -> str:
        candidates = self._candidates(ref)
        active = [workspace for workspace in candidates if not workspace.archived]
        if len(active) == 1:
            return active[0].id
        # Only an error needs the file:line:col; finding it costs more than resolving.
        where = self.config.describe(kind, name, field_path)
        if len(active) > 1:
            ids = ", ".join(sorted(workspace.id for workspace in active))
            raise PlanError(
                f"{where}: workspace {_q(ref)} is ambiguous ({len(active)} workspaces have "
                f"that name: {ids}); write the wrkspc_ ID instead",
                [Address(kind, name)],
            )
        if candidates:
            raise PlanError(
                f"{where}: workspace {_q(ref)} is archived; an archived workspace refuses "
                "memberships and rules, so remove it from the configuration",
                [Address(kind, name)],
            )
        raise PlanError(f"{where}: {self._unknown(ref)}", [Address(kind, name)])

    def default_id(self) -> str | None:
        for workspace in self.workspaces:
            if workspace.is_default:
                return workspace.id
        return None

    def _candidates(self, ref: str) -> list[Workspace]:
        if ref == DEFAULT_WORKSPACE:
            return [workspace for workspace in self.workspaces if workspace.is_default]
        if ref.startswith(WORKSPACE_ID_PREFIX):
            return [workspace for workspace in self.workspaces if workspace.id == ref]
        return [workspace for workspace in self.workspaces if workspace.name == ref]

    def _unknown(self, ref: str) -> str:
        if ref == DEFAULT_WORKSPACE:
            return "the organization's default workspace is not among the workspaces read"
        names = sorted({w.name for w in self.workspaces if not w.archived and not w.is_default})
        known = ", ".join(names) if names else "none besides the default"
        what = "ID" if ref.startswith(WORKSPACE_ID_PREFIX) else "name"
        close = difflib.get_close_matches(ref, names, n=1, cutoff=0.6)
        hint = f"did you mean {_q(close[0])}?" if close else "check the spelling"
        return f"no workspace has the {what} {_q(ref)} (workspaces: {known}); {hint}"


def build_desired(config: Config, workspaces: Sequence[Workspace]) -> DesiredState:
    """The normalised desired state; raises PlanError for workspaces that cannot be resolved."""
    resolver = WorkspaceResolver(config, workspaces)
    service_accounts = {
        account.name: service_account_spec(account, resolver) for account in config.service_accounts
    }
    issuers = {issuer.name: issuer_spec(issuer) for issuer in config.issuers}
    rules = {rule.name: rule_spec(rule, resolver) for rule in config.rules}
    return DesiredState(
        organization_id=config.organization_id,
        service_accounts=service_accounts,
        issuers=issuers,
        rules=rules,
        previous_names=_previous_names(config),
        prune=config.settings.prune,
        protect=frozenset(config.settings.protect),
        unmanaged=frozenset(config.settings.unmanaged),
        prune_by_default="prune" not in config.settings.model_fields_set,
        api_keys=_api_key_policy(config.api_keys),
    )


def _api_key_policy(policy: ApiKeysPolicy | None) -> ApiKeyPolicySpec | None:
    if policy is None:
        return None
    return ApiKeyPolicySpec(
        manage=policy.manage,
        allowed_names={a.name: a.reason for a in policy.allow_active if a.name is not None},
        allowed_ids={a.id: a.reason for a in policy.allow_active if a.id is not None},
    )


def service_account_spec(
    account: ServiceAccount, resolver: WorkspaceResolver
) -> ServiceAccountSpec:
    memberships: dict[str, WorkspaceRole] = {}
    for index, membership in enumerate(account.workspaces):
        field_path = f"workspaces[{index}].workspace"
        workspace_id = resolver.resolve(
            membership.workspace, Kind.SERVICE_ACCOUNT, account.name, field_path
        )
        if workspace_id in memberships:
            where = resolver.config.describe(Kind.SERVICE_ACCOUNT, account.name, field_path)
            raise PlanError(
                f"{where}: {_q(membership.workspace)} is the same workspace ({workspace_id}) as an "
                "earlier membership; give each workspace one role",
                [Address(Kind.SERVICE_ACCOUNT, account.name)],
            )
        memberships[workspace_id] = membership.role
    given = {"memberships": memberships}
    return ServiceAccountSpec(**SERVICE_ACCOUNT_FIELDS.from_config(account, given))


def issuer_spec(issuer: Issuer) -> IssuerSpec:
    given = {"jwks": normalise_jwks(issuer.jwks)}
    return IssuerSpec(**ISSUER_FIELDS.from_config(issuer, given))


def normalise_jwks(jwks: DiscoveryJwks | ExplicitUrlJwks | InlineJwks) -> dict[str, Any]:
    """The API's shape of each variant, every key present (docs/admin-api.md §3.3)."""
    if isinstance(jwks, DiscoveryJwks):
        return {
            "type": "discovery",
            "discovery_base": jwks.discovery_base,
            "ca_cert_pem": jwks.ca_cert_pem,
        }
    if isinstance(jwks, ExplicitUrlJwks):
        return {"type": "explicit_url", "url": jwks.url, "ca_cert_pem": jwks.ca_cert_pem}
    if jwks.keys is None:  # load_config reads keys_file; a bare model may still hold it
        raise PlanError(f"jwks.keys_file {_q(jwks.keys_file)} was not read; load with load_config")
    return {"type": "inline", "keys": [key.model_dump(mode="json") for key in jwks.keys]}


def rule_spec(rule: Rule, resolver: WorkspaceResolver) -> RuleSpec:
    workspace_ids = frozenset(
        resolver.resolve(ref, Kind.RULE, rule.name, f"workspaces[{index}]")
        for index, ref in enumerate(rule.workspaces or ())
    )
    given = {"match": normalise_match(rule.match), "workspace_ids": workspace_ids}
    return RuleSpec(**RULE_FIELDS.from_config(rule, given))


def normalise_match(match: RuleMatch) -> RuleMatchSpec:
    """Unset, empty claims and "" subject_prefix all become None (fedctl/core/state.py)."""
    return RuleMatchSpec.normalised(lambda key: getattr(match, key, None))


def _previous_names(config: Config) -> dict[tuple[Kind, str], tuple[str, ...]]:
    renames: dict[tuple[Kind, str], tuple[str, ...]] = {}
    items: list[tuple[Kind, ServiceAccount | Issuer | Rule]] = [
        *((Kind.SERVICE_ACCOUNT, account) for account in config.service_accounts),
        *((Kind.ISSUER, issuer) for issuer in config.issuers),
        *((Kind.RULE, rule) for rule in config.rules),
    ]
    for kind, item in items:
        if item.previous_names:
            renames[(kind, item.name)] = tuple(item.previous_names)
    return renames


def _q(value: object) -> str:
    return json.dumps(value)
