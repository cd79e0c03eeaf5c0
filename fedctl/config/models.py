"""The configuration language, version 1, as strict pydantic models (plain data -> models).

Unknown keys are errors (`extra="forbid"`) and types are strict (`"3600"` is not an
integer, `yes` is not a string). Single-field rules are field constraints or validators,
so their errors point at the field; rules spanning fields are documented
`model_validator`s. Cross-file rules (duplicates, references) live in `checks.py`.

    rule = Rule.model_validate({"name": "deploy", "issuer": "gha", ...})
    ConfigFile.model_json_schema()   # what `fedctl schema` writes
Shared helpers are in `fedctl.config.base`, the JWKS models in `fedctl.config.jwks`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator
from pydantic.config import JsonDict

from fedctl.config.base import Strict as _Strict
from fedctl.config.base import fail as _fail
from fedctl.config.base import quoted as _q

# DiscoveryJwks and InlineJwks are also read from here.
from fedctl.config.jwks import DiscoveryJwks as DiscoveryJwks
from fedctl.config.jwks import InlineJwks as InlineJwks
from fedctl.config.jwks import Jwks
from fedctl.config.patterns import ProtectPattern, UnmanagedPattern
from fedctl.config.urls import dialled_url_problem
from fedctl.core.fields import ISSUER_FIELDS, RULE_FIELDS, FieldInfo
from fedctl.core.state import DEFAULT_MAX_JWT_LIFETIME_SECONDS, DEFAULT_TOKEN_LIFETIME_SECONDS

NAME_PATTERN = r"^[a-z0-9-]+$"
UUID_PATTERN = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
KNOWN_SCOPES = (
    "workspace:inference",
    "workspace:developer",
    "workspace:manage_tunnels",
    "org:admin",
)

# Inclusive ranges, by field name (docs/admin-api.md §5.4, from the field tables); the
# translator quotes them.
RANGES: dict[str, tuple[int, int]] = {
    **ISSUER_FIELDS.bounds(),
    **RULE_FIELDS.bounds(),
    "max_archives": (0, 1000),
    "max_changes_percent": (0, 100),
    "max_key_deactivations": (0, 1000),
}


def bounded(field: FieldInfo) -> Any:
    """An integer field's bounds from its row in the field tables."""
    assert field.bounds is not None
    low, high = field.bounds
    return Field(ge=low, le=high)


Name = Annotated[str, Field(min_length=1, max_length=255, pattern=NAME_PATTERN)]
Description = Annotated[str, Field(max_length=2000)]
WorkspaceRef = Annotated[
    str,
    Field(
        min_length=1,
        description='A workspace name, a "wrkspc_" ID, or "default" (the default workspace).',
    ),
]
AssignableWorkspaceRole = Literal[
    "workspace_admin", "workspace_developer", "workspace_restricted_developer", "workspace_user"
]


class Membership(_Strict):
    """One explicit workspace membership of a service account."""

    workspace: WorkspaceRef
    role: AssignableWorkspaceRole


class LintSilence(_Strict):
    """`lint: {ignore: [FED001], reason: ...}`: findings this resource accepts, and why.

    IDs are not checked here: an unknown ID is a lint finding (FED091), not invalid config.
    """

    ignore: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    reason: str | None = None


# Must list exactly the keys of fedctl.core.presets.PRESETS (a test compares them).
PresetName = Literal[
    "github-actions",
    "gitlab",
    "buildkite",
    "terraform-cloud",
    "google",
    "aws-sts",
    "eks",
    "entra-v2",
    "entra-v1",
    "kubernetes",
    "gke-cluster",
    "aks-cluster",
    "spiffe",
    "okta",
]


class ServiceAccount(_Strict):
    name: Name
    description: Description | None = None
    organization_role: Literal["developer", "admin"] = "developer"
    workspaces: list[Membership] = Field(default_factory=list)
    previous_names: list[Name] = Field(default_factory=list)
    lint: LintSilence | None = None


def _issuer_url_optional_with_preset(schema: JsonDict) -> None:
    # A preset with a fixed URL fills issuer_url, so editors must not demand it.
    required = schema.get("required")
    if isinstance(required, list) and "issuer_url" in required:
        required.remove("issuer_url")


class Issuer(_Strict):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        json_schema_extra=_issuer_url_optional_with_preset,
    )

    name: Name
    # Config-only sugar (fedctl/core/presets.py): fills issuer_url and recommended settings
    # the file leaves out, checks the URL's shape, unlocks provider lint checks. Never sent.
    preset: PresetName | None = None
    issuer_url: Annotated[str, Field(min_length=1)]
    jwks: Jwks = Field(default_factory=lambda: DiscoveryJwks(type="discovery"))
    max_jwt_lifetime_seconds: Annotated[
        int, bounded(ISSUER_FIELDS.field("max_jwt_lifetime_seconds"))
    ] = DEFAULT_MAX_JWT_LIFETIME_SECONDS
    check_jti: bool = True
    # Polling on: the only value the API accepts (docs/admin-api.md §2.5.4), and the
    # default, so plan shows a poller Anthropic paused and apply resumes it.
    jwks_polling_disabled: bool = False
    previous_names: list[Name] = Field(default_factory=list)
    lint: LintSilence | None = None

    @field_validator("jwks_polling_disabled")
    @classmethod
    def _polling_only_resumed(cls, value: bool) -> bool:
        if value:
            raise _fail(
                "only false is accepted: Anthropic pauses polling after repeated key fetch "
                "failures and an update can only resume it (docs/admin-api.md §2.5.4)"
            )
        return value

    @model_validator(mode="before")
    @classmethod
    def _fill_from_preset(cls, data: object) -> object:
        from fedctl.core.presets import PRESETS

        if not isinstance(data, dict) or not isinstance(data.get("preset"), str):
            return data
        preset = PRESETS.get(data["preset"])
        if preset is None:
            return data  # the Literal on `preset` reports the unknown name
        filled = dict(data)
        if "issuer_url" not in filled:
            if preset.issuer_url is None:
                raise _fail(
                    f"preset {_q(preset.name)} needs issuer_url (it is per tenant), "
                    f"e.g. {preset.url_hint}",
                    at="preset",
                )
            filled["issuer_url"] = preset.issuer_url
        if "max_jwt_lifetime_seconds" not in filled and preset.max_jwt_lifetime_seconds:
            filled["max_jwt_lifetime_seconds"] = preset.max_jwt_lifetime_seconds
        return filled

    @model_validator(mode="after")
    def _issuer_url_fits_preset(self) -> Issuer:
        from fedctl.core.presets import PRESETS

        problem = PRESETS[self.preset].url_problem(self.issuer_url) if self.preset else None
        if problem:
            raise _fail(problem, at="issuer_url")
        return self

    @model_validator(mode="after")
    def _issuer_url_dialled_in_plain_discovery(self) -> Issuer:
        # docs/admin-api.md §5.3: issuer_url is dialled only in discovery mode without a
        # discovery_base; otherwise it is a string compared with `iss` and may be internal.
        if isinstance(self.jwks, DiscoveryJwks) and self.jwks.discovery_base is None:
            problem = dialled_url_problem(self.issuer_url)
            if problem:
                raise _fail(problem, at="issuer_url")
        return self


class RuleMatch(_Strict):
    """Which tokens a rule accepts; every populated matcher must pass (docs/admin-api.md §3.5)."""

    subject_prefix: Annotated[str, Field(max_length=1024)] | None = None
    audience: Annotated[str, Field(min_length=1, max_length=1024)] | None = None
    claims: dict[str, str] | None = None
    condition: Annotated[str, Field(max_length=4096)] | None = None

    @field_validator("subject_prefix")
    @classmethod
    def _subject_prefix_constrains(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value == "":
            # docs/admin-api.md §8 item 21 leaves "" open; refusing it keeps one "unset".
            raise _fail("is empty; leave subject_prefix out instead")
        if set(value) == {"*"}:
            raise _fail(
                f"{_q(value)} matches every token of this issuer; pin the workload's subject, "
                'e.g. "repo:acme/app:ref:refs/heads/main" (GitHub Actions) or '
                '"system:serviceaccount:payments:deployer" (Kubernetes)'
            )
        return value

    @field_validator("condition")
    @classmethod
    def _condition_is_acceptable_cel(cls, value: str | None) -> str | None:
        from fedctl.config.cel import check_condition

        problem = check_condition(value) if value is not None else None
        if problem:
            raise _fail(problem)
        return value

    @model_validator(mode="after")
    def _at_least_one_constraint(self) -> RuleMatch:
        # docs/admin-api.md §5.5 rule 1: audience alone (or {}) is refused.
        if self.subject_prefix is None and not self.claims and self.condition is None:
            raise _fail(
                "needs at least one of subject_prefix, claims or condition (audience alone "
                'is not enough), e.g. subject_prefix: "repo:acme/app:ref:refs/heads/main"'
            )
        return self


class Rule(_Strict):
    name: Name
    issuer: Name
    service_account: Name
    description: Description | None = None
    match: RuleMatch
    oauth_scope: str
    workspaces: list[WorkspaceRef] | None = None
    applies_to_all_workspaces: bool = False
    token_lifetime_seconds: Annotated[int, bounded(RULE_FIELDS.field("token_lifetime_seconds"))] = (
        DEFAULT_TOKEN_LIFETIME_SECONDS
    )
    previous_names: list[Name] = Field(default_factory=list)
    lint: LintSilence | None = None

    @model_validator(mode="before")
    @classmethod
    def _attributes_not_accepted_yet(cls, data: object) -> object:
        # The API reads rule attributes but refuses every non-empty value so far (§2.6.1):
        # the language has no such key yet, and says why rather than "unknown key".
        if isinstance(data, dict) and "attributes" in data:
            raise _fail(
                "is not accepted by the Admin API yet (it refuses any non-empty value with "
                "400, §2.6.1); remove attributes",
                at="attributes",
            )
        return data

    @field_validator("oauth_scope")
    @classmethod
    def _known_scopes(cls, value: str) -> str:
        return check_scope(value)

    @field_validator("workspaces")
    @classmethod
    def _distinct_workspaces(cls, value: list[str] | None) -> list[str] | None:
        for index, ref in enumerate(value or []):
            if ref in (value or [])[:index]:
                raise _fail(f"{_q(ref)} is listed twice; list each workspace once", at=index)
        return value

    @model_validator(mode="after")
    def _enabled_somewhere(self) -> Rule:
        # docs/admin-api.md §2.6.1: workspace_id is required unless applies_to_all_workspaces.
        if not self.workspaces and not self.applies_to_all_workspaces:
            raise _fail(
                "needs workspaces (e.g. [production]) or applies_to_all_workspaces: true",
                at="workspaces",
            )
        return self

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(self.oauth_scope.split())


def check_scope(value: str) -> str:
    """Validate a space-separated oauth_scope (strict reading of docs/admin-api.md §8 item 18)."""
    tokens = value.split()
    if not tokens:
        raise _fail("is empty; use workspace:inference or workspace:developer")
    if value != " ".join(tokens):
        raise _fail(f"separate scopes by single spaces, e.g. {' '.join(tokens)!r}")
    for token in tokens:
        if token == "org:manage_tunnels":  # noqa: S105 - a scope name, not a secret
            raise _fail("org:manage_tunnels is the old name; use workspace:manage_tunnels")
        if token not in KNOWN_SCOPES:
            raise _fail(f"{_q(token)} is not a known scope; use one of {', '.join(KNOWN_SCOPES)}")
    if len(set(tokens)) != len(tokens):
        raise _fail("lists a scope twice; list each scope once")
    return value


class LintSettings(_Strict):
    """`settings.lint`: how lint findings weigh on apply for the whole organization."""

    # True: `fedctl apply` refuses while a lint finding of severity error remains
    # (not silenced with a reason); --allow-lint-errors overrides it for one run.
    block_apply: bool = True


class Settings(_Strict):
    """How plan and apply treat what the files do not declare, and their safety limits."""

    # True: the files are the whole truth; live resources no file declares are archived.
    prune: bool = True
    # `name`, `kind/name` or a glob of either (`rule/prod-*`), or a live ID (`fdrl_...`):
    # never archived or replaced, also after a rename through previous_names.
    protect: list[ProtectPattern] = Field(default_factory=list)
    # Live resources another team manages (fedctl.config.patterns): never archived.
    unmanaged: list[UnmanagedPattern] = Field(default_factory=list)
    max_archives: Annotated[int, Field(ge=0, le=1000)] = 10
    max_changes_percent: Annotated[int, Field(ge=0, le=100)] = 30
    # max_changes_percent is judged only when a plan changes more resources than this.
    min_changes_for_percent: Annotated[int, Field(ge=0, le=100000)] = 10
    # API keys one apply may deactivate (api_keys.manage) without --allow-large-changes.
    max_key_deactivations: Annotated[int, Field(ge=0, le=1000)] = 5
    # Organization policy files (fedctl policy, fedctl plan), relative to the configuration.
    policy_files: list[Annotated[str, Field(min_length=1, max_length=1024)]] = Field(
        default_factory=list
    )
    lint: LintSettings = Field(default_factory=LintSettings)


class ApiKeyAllowance(_Strict):
    """A key that may stay active under `api_keys.manage`: by name or ID, with the reason."""

    name: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    id: Annotated[str, Field(pattern=r"^apikey_[A-Za-z0-9]+$", max_length=255)] | None = None
    reason: Annotated[str, Field(min_length=1, max_length=2000)]

    @model_validator(mode="after")
    def _name_or_id(self) -> ApiKeyAllowance:
        if (self.name is None) == (self.id is None):
            raise _fail("give exactly one of name or id (an apikey_ ID)", at="name")
        if not self.reason.strip():
            raise _fail("is blank; say why this key may stay active", at="reason")
        return self

    @property
    def label(self) -> str:
        return self.id if self.id is not None else f"name {_q(self.name)}"


class ApiKeysPolicy(_Strict):
    """Static API keys next to federation: reported always, deactivated only with manage."""

    # False: fedctl reports keys but never changes them.
    manage: bool = False
    allow_active: list[ApiKeyAllowance] = Field(default_factory=list)


class ConfigFile(_Strict):
    """One configuration file; a folder's files are merged section by section."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        title="fedctl configuration",
    )

    version: Literal[1] = 1
    organization_id: str | None = None
    settings: Settings | None = None
    api_keys: ApiKeysPolicy | None = None
    service_accounts: list[ServiceAccount] = Field(default_factory=list)
    issuers: list[Issuer] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)

    @field_validator("organization_id")
    @classmethod
    def _is_uuid(cls, value: str | None) -> str | None:
        if value is not None and not UUID_PATTERN.match(value):
            raise _fail(
                f"{_q(value)} is not a UUID; use the organization's ID from `fedctl whoami`, "
                'e.g. "00000000-0000-0000-0000-000000000000"'
            )
        return value


SECTIONS: dict[str, type[ServiceAccount] | type[Issuer] | type[Rule]] = {
    "service_accounts": ServiceAccount,
    "issuers": Issuer,
    "rules": Rule,
}
