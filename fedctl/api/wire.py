"""Tolerant models of Admin API responses: the first typed step from JSON to LiveState.

Unknown keys from the server are ignored and optional keys may be missing
(docs/admin-api.md §3: the SDK tolerates both), so a newer server never breaks fedctl.
Only the wire layer touches `Any`; everything above it sees these models or the domain
model in `fedctl.core.state`.

    >>> ServiceAccount.model_validate({"id": "svac_01", "name": "ci", "extra": 1}).name
    'ci'
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fedctl.core.errors import ApiError
from fedctl.core.state import DEFAULT_MAX_JWT_LIFETIME_SECONDS, DEFAULT_TOKEN_LIFETIME_SECONDS


class WireModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Organization(WireModel):
    id: str
    name: str
    type: str = "organization"


class ServiceAccount(WireModel):
    id: str
    name: str
    description: str | None = None
    organization_role: str = "developer"
    created_at: str | None = None
    created_by_actor_id: str | None = None
    updated_at: str | None = None
    updated_by_actor_id: str | None = None
    archived_at: str | None = None
    archived_by_actor_id: str | None = None


class JwksDiscovery(WireModel):
    type: Literal["discovery"]
    discovery_base: str | None = None
    ca_cert_pem: str | None = None


class JwksExplicitUrl(WireModel):
    type: Literal["explicit_url"]
    url: str
    ca_cert_pem: str | None = None


class JwksInline(WireModel):
    type: Literal["inline"]
    keys: list[dict[str, Any]]


class JwksUnknown(WireModel):
    """A `jwks.type` this fedctl does not know: kept whole, so the issuer is unmanageable."""

    model_config = ConfigDict(extra="allow", frozen=True)
    type: str


Jwks = Annotated[JwksDiscovery | JwksExplicitUrl | JwksInline, Field(discriminator="type")]
KNOWN_JWKS_TYPES = frozenset({"discovery", "explicit_url", "inline"})


class FederationIssuer(WireModel):
    id: str
    name: str
    issuer_url: str
    jwks: Jwks | JwksUnknown = JwksDiscovery(type="discovery")
    check_jti: bool = True
    max_jwt_lifetime_seconds: int = DEFAULT_MAX_JWT_LIFETIME_SECONDS
    jwks_polling_disabled_at: str | None = None
    created_at: str | None = None
    created_by_actor_id: str | None = None
    updated_at: str | None = None
    updated_by_actor_id: str | None = None
    archived_at: str | None = None
    archived_by_actor_id: str | None = None

    @field_validator("jwks", mode="before")
    @classmethod
    def _unknown_jwks_type_is_kept(cls, value: Any) -> Any:
        # A newer server may add key-source types; reading one as a known type (or failing
        # the whole list) would both be wrong. It is kept and the issuer left alone.
        kind = value.get("type") if isinstance(value, dict) else None
        if isinstance(kind, str) and kind not in KNOWN_JWKS_TYPES:
            return JwksUnknown.model_validate(value)
        return value


class RuleMatch(WireModel):
    # Extra keys are kept (not ignored): a matcher fedctl does not know makes the rule
    # unmanageable, since sending `match` back without it would silently drop it.
    model_config = ConfigDict(extra="allow", frozen=True)
    subject_prefix: str | None = None
    audience: str | None = None
    claims: dict[str, str] | None = None
    condition: str | None = None


class ServiceAccountTarget(WireModel):
    type: str = "service_account"
    service_account_id: str
    service_account_name: str | None = None


class FederationRule(WireModel):
    id: str
    name: str
    description: str | None = None
    issuer_id: str
    issuer_name: str | None = None
    match: RuleMatch
    target: ServiceAccountTarget
    oauth_scope: str
    token_lifetime_seconds: int = DEFAULT_TOKEN_LIFETIME_SECONDS
    applies_to_all_workspaces: bool = False
    workspace_ids: list[str] = Field(default_factory=list)
    workspace_id: str | None = None
    attributes: Any = None

    @field_validator("applies_to_all_workspaces", "workspace_ids", mode="before")
    @classmethod
    def _archive_may_null_the_targeting(cls, value: Any, info: Any) -> Any:
        # Archive clears a rule's targeting (§2.6.5); whether that resets these keys, and
        # to false/[] or null, is [unspecified] (§8 item 23): read null as the empty value.
        if value is None:
            return [] if info.field_name == "workspace_ids" else False
        return value

    created_at: str | None = None
    created_by_actor_id: str | None = None
    updated_at: str | None = None
    updated_by_actor_id: str | None = None
    archived_at: str | None = None
    archived_by_actor_id: str | None = None


class FederationRuleWorkspace(WireModel):
    federation_rule_id: str
    workspace_id: str
    workspace_name: str | None = None
    created_at: str | None = None
    created_by_actor_id: str | None = None


class ServiceAccountWorkspaceMember(WireModel):
    service_account_id: str
    workspace_id: str
    workspace_role: str
    # None for explicit rows is allowed by docs/admin-api.md §3.8; only True means implicit.
    implicit: bool | None = None
    created_by_actor_id: str | None = None


class Workspace(WireModel):
    id: str
    name: str
    archived_at: str | None = None
    created_at: str | None = None


class ApiKeyActor(WireModel):
    id: str | None = None
    type: str | None = None


class ApiKeyPrincipal(WireModel):
    type: str
    user_id: str | None = None
    service_account_id: str | None = None


class ApiKeyScope(WireModel):
    type: str
    workspace_id: str | None = None


class ApiKey(WireModel):
    """An API key (docs/admin-api.md §9.2); never the key itself, only its hint."""

    id: str
    name: str
    status: str
    created_at: str | None = None
    created_by: ApiKeyActor | None = None
    expires_at: str | None = None
    partial_key_hint: str | None = None
    principal: ApiKeyPrincipal | None = None
    scope: ApiKeyScope | None = None
    # Older doc revisions: a flat workspace_id (null for the default workspace).
    workspace_id: str | None = None

    @property
    def workspace(self) -> str | None:
        return self.scope.workspace_id if self.scope is not None else self.workspace_id


class ErrorDetail(WireModel):
    type: str = "api_error"
    message: str = ""


class ErrorBody(WireModel):
    """`{"type": "error", "error": {...}, "request_id": ...}` (docs/admin-api.md §6.1)."""

    error: ErrorDetail = ErrorDetail()
    request_id: str | None = None


Model = TypeVar("Model", bound=WireModel)


def parse(model: type[Model], data: Any, *, what: str) -> Model:
    """Validate one response object; a shape we cannot read is an ApiError, not a traceback."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(body)"
        raise ApiError(
            message=f"the response is not a valid {what}: {where}: {first['msg']}",
            hint="the server may speak a newer API version; please report this",
        ) from None
