"""The normalised domain model: one comparable shape for desired and live state.

`fedctl.desired` builds a DesiredState from the configuration; `fedctl.live.read` builds a
LiveState from the Admin API. Both use the classes below, keyed by (kind, name), with
server defaults filled in, references held by *name* (issuer, service account) and
workspaces held by *ID*. The planner compares them field by field, so two states that
mean the same thing must be equal here:

- an omitted description and an empty one are both "";
- `match` keys that are unset are None; empty `claims` is None; `subject_prefix: ""` is None;
- jwks always carries every key of its variant (None where unset), as the API returns it;
- memberships are explicit rows only (the implicit default-workspace row is not one).

Usage:
    sa = ServiceAccountSpec(name="ci", memberships={"wrkspc_01...": "workspace_developer"})
    desired = DesiredState(service_accounts={"ci": sa})
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

OrganizationRole = Literal["admin", "developer"]
WorkspaceRole = Literal[
    "workspace_admin", "workspace_developer", "workspace_restricted_developer", "workspace_user"
]

# Rules the API lets an OAuth caller manage (docs/admin-api.md §5.9); anything else is
# Console-managed and never changed by fedctl.
MANAGEABLE_SCOPES = frozenset({"workspace:inference", "workspace:developer"})

# How the configuration language names the default workspace: every service account is a
# member of it, and a rule or reference may name it without a declaration.
DEFAULT_WORKSPACE = "default"
DEFAULT_TOKEN_LIFETIME_SECONDS = 3600
DEFAULT_MAX_JWT_LIFETIME_SECONDS = 3600


class Kind(StrEnum):
    SERVICE_ACCOUNT = "service_account"
    ISSUER = "issuer"
    RULE = "rule"
    # A static API key: never created or archived by fedctl, only deactivated.
    API_KEY = "api_key"


# The kinds the configuration declares by name (API keys are governed by a policy instead).
DECLARED_KINDS = (Kind.SERVICE_ACCOUNT, Kind.ISSUER, Kind.RULE)


def scope_is_manageable(oauth_scope: str) -> bool:
    """True when every scope token is one an OAuth caller may set (docs/admin-api.md §5.9)."""
    tokens = oauth_scope.split()
    return bool(tokens) and all(token in MANAGEABLE_SCOPES for token in tokens)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ServiceAccountSpec(_Frozen):
    name: str
    description: str = ""
    organization_role: OrganizationRole = "developer"
    # workspace ID -> role; explicit memberships only.
    memberships: dict[str, WorkspaceRole] = Field(default_factory=dict)


class IssuerSpec(_Frozen):
    name: str
    issuer_url: str
    # The API's JWKS union, every key of the variant present: {"type": "discovery",
    # "discovery_base": None, "ca_cert_pem": None}, {"type": "explicit_url", "url": ...,
    # "ca_cert_pem": None} or {"type": "inline", "keys": [...public JWKs...]}.
    jwks: dict[str, Any]
    max_jwt_lifetime_seconds: int = DEFAULT_MAX_JWT_LIFETIME_SECONDS
    check_jti: bool = True
    # Anthropic paused fetching this issuer's keys after repeated failures (live
    # `jwks_polling_disabled_at`, docs/admin-api.md §3.2); a configuration can only ask for
    # polling on, so a pause is drift that apply undoes (§2.5.4).
    jwks_polling_disabled: bool = False


class RuleMatchSpec(_Frozen):
    subject_prefix: str | None = None
    audience: str | None = None
    claims: dict[str, str] | None = None
    condition: str | None = None

    @classmethod
    def normalised(cls, matcher: Callable[[str], Any]) -> RuleMatchSpec:
        """From any source's matchers, read by key: unset, "" and {} all become None
        (a matcher added here reaches the configuration, live and import readers)."""
        values = {key: matcher(key) for key in cls.model_fields}
        return cls(
            **{
                key: (dict(value) if isinstance(value, dict) else value) or None
                for key, value in values.items()
            }
        )

    def body(self) -> dict[str, Any]:
        """As the configuration and the API write it: unset keys left out, claims sorted."""
        return {
            key: dict(sorted(value.items())) if isinstance(value, dict) else value
            for key, value in self.model_dump().items()
            if value is not None
        }


class RuleSpec(_Frozen):
    name: str
    issuer_name: str
    service_account_name: str
    description: str = ""
    match: RuleMatchSpec
    oauth_scope: str
    # Workspace IDs of the explicit enablements.
    workspace_ids: frozenset[str] = frozenset()
    applies_to_all_workspaces: bool = False
    token_lifetime_seconds: int = DEFAULT_TOKEN_LIFETIME_SECONDS
    attributes: dict[str, str] | None = None

    @property
    def console_managed(self) -> bool:
        return not scope_is_manageable(self.oauth_scope)


Spec = ServiceAccountSpec | IssuerSpec | RuleSpec


class Workspace(_Frozen):
    id: str
    name: str
    archived: bool = False
    is_default: bool = False


class Organization(_Frozen):
    id: str
    name: str


class LiveMeta(_Frozen):
    """What the server knows about a live resource beyond its spec."""

    id: str
    created_at: str | None = None
    updated_at: str | None = None
    created_by_actor_id: str | None = None
    updated_by_actor_id: str | None = None
    archived_at: str | None = None
    archived_by_actor_id: str | None = None
    # Why fedctl cannot represent this resource exactly (a key or value the contract does
    # not describe); such a resource is shown, never changed. None: fully understood.
    unmanageable: str | None = None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class LiveServiceAccount(_Frozen):
    spec: ServiceAccountSpec
    meta: LiveMeta


class LiveIssuer(_Frozen):
    spec: IssuerSpec
    meta: LiveMeta


class LiveRule(_Frozen):
    spec: RuleSpec
    meta: LiveMeta
    issuer_id: str
    service_account_id: str
    # A legacy single-workspace binding (docs/admin-api.md §5.8), kept apart from workspace_ids.
    legacy_workspace_id: str | None = None


class LiveApiKey(_Frozen):
    """A static API key as fedctl needs it (docs/admin-api.md §9.2); the hint, never the key."""

    id: str
    name: str
    # active, inactive, archived or expired.
    status: str
    # None: the organization's default workspace.
    workspace_id: str | None = None
    partial_key_hint: str | None = None
    created_at: str | None = None
    expires_at: str | None = None


class ApiKeyPolicySpec(_Frozen):
    """`api_keys`: with `manage`, every active key not allowed here is deactivated."""

    manage: bool = False
    # name or apikey_ ID -> the reason it may stay active.
    allowed_names: dict[str, str] = Field(default_factory=dict)
    allowed_ids: dict[str, str] = Field(default_factory=dict)

    def allows(self, key: LiveApiKey) -> bool:
        return key.id in self.allowed_ids or key.name in self.allowed_names


class DesiredState(_Frozen):
    """What the configuration declares, normalised; keyed by name within each kind."""

    organization_id: str | None = None
    service_accounts: dict[str, ServiceAccountSpec] = Field(default_factory=dict)
    issuers: dict[str, IssuerSpec] = Field(default_factory=dict)
    rules: dict[str, RuleSpec] = Field(default_factory=dict)
    # Renames: current name -> names it had before (config `previous_names`).
    previous_names: dict[tuple[Kind, str], tuple[str, ...]] = Field(default_factory=dict)
    # The configuration's default is prune (config Settings.prune); a DesiredState built
    # by hand (library use, tests) stays additive unless it says otherwise.
    prune: bool = False
    protect: frozenset[str] = frozenset()
    # settings.unmanaged: `kind/name` globs, bare names or live IDs left to another team.
    unmanaged: frozenset[str] = frozenset()
    # True when the files do not set settings.prune and it is on by default: the plan
    # then says where its archives come from (a migration aid, issue 30).
    prune_by_default: bool = False
    api_keys: ApiKeyPolicySpec | None = None


class LiveState(_Frozen):
    """What the organization holds. Active resources keyed by name; archived ones kept apart.

    Archived resources matter for names the API may keep reserved and for telling a user
    who revoked a declared resource; the planner never changes them.
    """

    organization: Organization
    workspaces: tuple[Workspace, ...] = ()
    service_accounts: dict[str, LiveServiceAccount] = Field(default_factory=dict)
    issuers: dict[str, LiveIssuer] = Field(default_factory=dict)
    rules: dict[str, LiveRule] = Field(default_factory=dict)
    archived_service_accounts: tuple[LiveServiceAccount, ...] = ()
    archived_issuers: tuple[LiveIssuer, ...] = ()
    archived_rules: tuple[LiveRule, ...] = ()
    # None: not read (no configuration manages keys), never "no keys".
    api_keys: tuple[LiveApiKey, ...] | None = None

    def unmanageable(self) -> list[tuple[Kind, str, LiveMeta]]:
        """Active resources fedctl cannot represent exactly, by kind then name."""
        metas: list[tuple[Kind, str, LiveMeta]] = [
            *((Kind.SERVICE_ACCOUNT, name, a.meta) for name, a in self.service_accounts.items()),
            *((Kind.ISSUER, name, i.meta) for name, i in self.issuers.items()),
            *((Kind.RULE, name, r.meta) for name, r in self.rules.items()),
        ]
        # Service accounts, issuers, rules (as the metas list them), each by name.
        order = [Kind.SERVICE_ACCOUNT, Kind.ISSUER, Kind.RULE]
        return sorted(
            (entry for entry in metas if entry[2].unmanageable),
            key=lambda entry: (order.index(entry[0]), entry[1]),
        )
