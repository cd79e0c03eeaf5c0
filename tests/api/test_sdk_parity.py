"""Credential parity with the official SDK, with the SDK's own resolution code as the oracle.

Each row sets up environment variables and files (profiles, `active_config`, credentials)
in a fresh home, then asks both sides what they would authenticate with: fedctl through
`resolve_credential`, the SDK through `anthropic.lib.credentials.default_credentials`
(and, for a profile, its own `CredentialsFile` config loading and workload delegate, or
its first token read for a login). Nothing here copies SDK logic: the SDK code runs.

Compared, normalised: the kind of credential (`token`, `federation`, `api_key`, or
`refused` when there is none usable), the rule, organization, service account and
workspace IDs, where the identity token comes from, and the API base URL.

Where fedctl differs on purpose, the row says so in `deliberate` (also listed in the
README): the expected outcome for fedctl is then given separately, so the test still
fails if either side changes.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fedctl.api.client import DEFAULT_BASE_URL
from fedctl.api.credentials import resolve_credential
from fedctl.core.errors import AuthError

RULE = "fdrl_01AAAAAAAAAAAAAAAAAAAAAA"
RULE2 = "fdrl_01BBBBBBBBBBBBBBBBBBBBBB"
SA = "svac_01AAAAAAAAAAAAAAAAAAAAAA"
SA2 = "svac_01BBBBBBBBBBBBBBBBBBBBBB"
ORG = "00000000-0000-0000-0000-000000000001"
ORG2 = "00000000-0000-0000-0000-000000000002"
WS = "wrkspc_01AAAAAAAAAAAAAAAAAAAAAA"
WS2 = "wrkspc_01BBBBBBBBBBBBBBBBBBBBBB"
PROFILE_URL = "https://profile.example.com"
ENV_URL = "https://env.example.com"


@dataclass(frozen=True)
class Outcome:
    kind: str
    rule: str | None = None
    organization: str | None = None
    service_account: str | None = None
    workspace: str | None = None
    token_from: str | None = None
    base_url: str = DEFAULT_BASE_URL


REFUSED = Outcome("refused")


@dataclass
class Home:
    """A fresh home: `config_dir` is where profiles live (default or ANTHROPIC_CONFIG_DIR)."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def config_dir(self) -> Path:
        configured = self.env.get("ANTHROPIC_CONFIG_DIR")
        return Path(configured) if configured else self.root / ".config" / "anthropic"

    def jwt_file(self, name: str = "jwt") -> str:
        path = self.root / name
        path.write_text("header.payload.signature\n")
        return str(path)

    def profile(self, name: str, document: dict[str, Any], *, mode: int = 0o644) -> None:
        path = self.config_dir / "configs" / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document))
        path.chmod(mode)

    def credentials(self, name: str, document: dict[str, Any]) -> None:
        path = self.config_dir / "credentials" / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document))
        path.chmod(0o600)

    def active(self, name: str) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "active_config").write_text(name + "\n")


def federation_profile(home: Home, **auth: Any) -> dict[str, Any]:
    top = {
        key: auth.pop(key) for key in ("organization_id", "workspace_id", "base_url") if key in auth
    }
    body: dict[str, Any] = {
        "type": "oidc_federation",
        "federation_rule_id": RULE,
        "service_account_id": SA,
        "identity_token": {"source": "file", "path": home.jwt_file("profile-jwt")},
    }
    body.update(auth)
    return {"version": "1.0", "authentication": body, "organization_id": ORG, **top}


def env_federation(home: Home, **extra: str) -> None:
    home.env.update(
        {
            "ANTHROPIC_FEDERATION_RULE_ID": RULE,
            "ANTHROPIC_ORGANIZATION_ID": ORG,
            "ANTHROPIC_SERVICE_ACCOUNT_ID": SA,
            "ANTHROPIC_IDENTITY_TOKEN_FILE": home.jwt_file(),
        }
    )
    home.env.update(extra)


def login(home: Home, name: str, expires_at: Any, **auth: Any) -> None:
    home.profile(name, {"authentication": {"type": "user_oauth", **auth}})
    home.credentials(name, {"access_token": "sk-ant-oat01-login", "expires_at": expires_at})


@dataclass(frozen=True)
class Row:
    name: str
    setup: Callable[[Home], None]
    expected: Outcome
    # Set where fedctl differs from the SDK on purpose: (fedctl's outcome, why).
    deliberate: tuple[Outcome, str] | None = None


def fed(token_from: str = "file:jwt", **fields: Any) -> Outcome:
    values: dict[str, Any] = {"rule": RULE, "organization": ORG, "service_account": SA}
    values.update(fields)
    return Outcome("federation", token_from=token_from, **values)


def _set(**env: str) -> Callable[[Home], None]:
    return lambda home: home.env.update(env)


def _profile_named(name: str, **auth: Any) -> Callable[[Home], None]:
    def setup(home: Home) -> None:
        home.profile(name, federation_profile(home, **auth))
        home.env["ANTHROPIC_PROFILE"] = name

    return setup


def _both(*steps: Callable[[Home], None]) -> Callable[[Home], None]:
    def setup(home: Home) -> None:
        for step in steps:
            step(home)

    return setup


def _config_dir(home: Home) -> None:
    home.env["ANTHROPIC_CONFIG_DIR"] = str(home.root / "elsewhere")


def _default_profile(home: Home) -> None:
    home.profile("default", federation_profile(home))


def _active_ci(home: Home) -> None:
    home.profile("ci", federation_profile(home, federation_rule_id=RULE2))
    home.active("ci")


ROWS = [
    Row("nothing at all", lambda home: None, REFUSED),
    Row("static auth token", _set(ANTHROPIC_AUTH_TOKEN="sk-ant-oat01-x"), Outcome("token")),
    Row("empty auth token is unset", _set(ANTHROPIC_AUTH_TOKEN=""), REFUSED),
    Row(
        "api key alone",
        _set(ANTHROPIC_API_KEY="sk-ant-api03-x"),
        Outcome("api_key"),
        deliberate=(REFUSED, "the Admin API's WIF endpoints accept only org:admin OAuth tokens"),
    ),
    Row(
        "api key and auth token together",
        _set(ANTHROPIC_API_KEY="sk-ant-api03-x", ANTHROPIC_AUTH_TOKEN="sk-ant-oat01-x"),
        Outcome("api_key"),
        deliberate=(Outcome("token"), "an API key is never used, so the token is"),
    ),
    Row("federation env vars", lambda home: env_federation(home), fed()),
    Row(
        "federation env vars without a service account",
        lambda home: env_federation(home, ANTHROPIC_SERVICE_ACCOUNT_ID=""),
        fed(service_account=None),
    ),
    Row(
        "federation env vars with a workspace",
        lambda home: env_federation(home, ANTHROPIC_WORKSPACE_ID=WS),
        fed(workspace=WS),
    ),
    Row(
        "federation env vars with an empty workspace",
        lambda home: env_federation(home, ANTHROPIC_WORKSPACE_ID=""),
        fed(),
    ),
    Row(
        "identity token literal instead of a file",
        lambda home: env_federation(
            home, ANTHROPIC_IDENTITY_TOKEN_FILE="", ANTHROPIC_IDENTITY_TOKEN="a.b.c"
        ),
        fed(token_from="env:ANTHROPIC_IDENTITY_TOKEN"),
    ),
    Row(
        "token file wins over the literal token",
        lambda home: env_federation(home, ANTHROPIC_IDENTITY_TOKEN="a.b.c"),
        fed(),
    ),
    Row(
        "incomplete federation: no organization",
        lambda home: env_federation(home, ANTHROPIC_ORGANIZATION_ID=""),
        REFUSED,
    ),
    Row(
        "incomplete federation: no identity token",
        lambda home: env_federation(home, ANTHROPIC_IDENTITY_TOKEN_FILE=""),
        REFUSED,
    ),
    Row(
        "incomplete federation falls through to the default profile",
        _both(lambda home: env_federation(home, ANTHROPIC_ORGANIZATION_ID=""), _default_profile),
        fed(token_from="file:profile-jwt"),
    ),
    Row(
        "auth token wins over federation env vars",
        _both(lambda home: env_federation(home), _set(ANTHROPIC_AUTH_TOKEN="sk-ant-oat01-x")),
        Outcome("token"),
    ),
    Row(
        "named profile",
        _profile_named("ci"),
        fed(token_from="file:profile-jwt"),
    ),
    Row(
        "named profile wins over federation env vars",
        _both(lambda home: env_federation(home), _profile_named("ci", federation_rule_id=RULE2)),
        fed(token_from="file:profile-jwt", rule=RULE2),
    ),
    Row(
        "federation env vars win over the default profile",
        _both(
            lambda home: env_federation(home, ANTHROPIC_FEDERATION_RULE_ID=RULE2), _default_profile
        ),
        fed(rule=RULE2),
    ),
    Row("default profile", _default_profile, fed(token_from="file:profile-jwt")),
    Row(
        "active_config names the profile",
        _both(_default_profile, _active_ci),
        fed(token_from="file:profile-jwt", rule=RULE2),
    ),
    Row(
        "ANTHROPIC_CONFIG_DIR moves the profiles",
        _both(_config_dir, _default_profile),
        fed(token_from="file:profile-jwt"),
    ),
    Row("ANTHROPIC_CONFIG_DIR with no profile", _config_dir, REFUSED),
    Row("named profile that does not exist", _set(ANTHROPIC_PROFILE="nope"), REFUSED),
    Row(
        "invalid profile name",
        _set(ANTHROPIC_PROFILE="../etc/passwd"),
        REFUSED,
    ),
    Row(
        "profile writable by others is refused",
        lambda home: (
            home.profile("ci", federation_profile(home), mode=0o666),
            home.env.update(ANTHROPIC_PROFILE="ci"),
        ),
        REFUSED,
    ),
    Row(
        "profile fields win over environment variables",
        _both(
            _set(ANTHROPIC_SERVICE_ACCOUNT_ID=SA2, ANTHROPIC_WORKSPACE_ID=WS2),
            _profile_named("ci", workspace_id=WS),
        ),
        fed(token_from="file:profile-jwt", workspace=WS),
    ),
    Row(
        "environment fills what the profile leaves empty",
        _both(
            _set(ANTHROPIC_SERVICE_ACCOUNT_ID=SA2, ANTHROPIC_WORKSPACE_ID=WS2),
            _profile_named("ci", service_account_id=""),
        ),
        fed(token_from="file:profile-jwt", service_account=SA2, workspace=WS2),
    ),
    Row(
        "profile without identity_token uses ANTHROPIC_IDENTITY_TOKEN_FILE",
        lambda home: (
            home.profile(
                "ci",
                {
                    **federation_profile(home),
                    "authentication": {
                        "type": "oidc_federation",
                        "federation_rule_id": RULE,
                        "service_account_id": SA,
                    },
                },
            ),
            home.env.update(ANTHROPIC_PROFILE="ci", ANTHROPIC_IDENTITY_TOKEN_FILE=home.jwt_file()),
        ),
        fed(),
    ),
    Row(
        "profile without identity_token and only the literal token",
        lambda home: (
            home.profile(
                "ci",
                {
                    **federation_profile(home),
                    "authentication": {
                        "type": "oidc_federation",
                        "federation_rule_id": RULE,
                        "service_account_id": SA,
                    },
                },
            ),
            home.env.update(ANTHROPIC_PROFILE="ci", ANTHROPIC_IDENTITY_TOKEN="a.b.c"),
        ),
        REFUSED,
        deliberate=(
            fed(token_from="env:ANTHROPIC_IDENTITY_TOKEN"),
            "the docs' reading (either variable); SDK 2.10.0 reads only the _FILE one",
        ),
    ),
    Row(
        "profile base_url",
        _profile_named("ci", base_url=PROFILE_URL),
        fed(token_from="file:profile-jwt", base_url=PROFILE_URL),
    ),
    Row(
        "ANTHROPIC_BASE_URL wins over the profile's for API calls",
        _both(_set(ANTHROPIC_BASE_URL=ENV_URL), _profile_named("ci", base_url=PROFILE_URL)),
        fed(token_from="file:profile-jwt", base_url=ENV_URL),
    ),
    Row(
        "profile without organization_id takes the environment's",
        _both(
            _set(ANTHROPIC_ORGANIZATION_ID=ORG2),
            lambda home: (
                home.profile(
                    "ci",
                    {k: v for k, v in federation_profile(home).items() if k != "organization_id"},
                ),
                home.env.update(ANTHROPIC_PROFILE="ci"),
            ),
        ),
        fed(token_from="file:profile-jwt", organization=ORG2),
    ),
    Row(
        "profile version is not checked",
        lambda home: (
            home.profile("ci", {**federation_profile(home), "version": "9.9"}),
            home.env.update(ANTHROPIC_PROFILE="ci"),
        ),
        fed(token_from="file:profile-jwt"),
    ),
    Row(
        "user_oauth login with no expiry",
        lambda home: (login(home, "me", None), home.env.update(ANTHROPIC_PROFILE="me")),
        Outcome("token"),
    ),
    Row(
        "user_oauth login with a numeric-string expiry",
        lambda home: (
            login(home, "me", str(int(time.time()) + 3600)),
            home.env.update(ANTHROPIC_PROFILE="me"),
        ),
        Outcome("token"),
    ),
    Row(
        "user_oauth login with an ISO 8601 expiry",
        lambda home: (
            login(home, "me", "2030-01-01T00:00:00Z"),
            home.env.update(ANTHROPIC_PROFILE="me"),
        ),
        REFUSED,
    ),
    Row(
        "unknown authentication type",
        lambda home: (
            home.profile("ci", {"authentication": {"type": "password"}}),
            home.env.update(ANTHROPIC_PROFILE="ci"),
        ),
        REFUSED,
    ),
]


def _clean_environ(monkeypatch: pytest.MonkeyPatch, home: Home) -> dict[str, str]:
    for name in list(os.environ):
        if name.startswith("ANTHROPIC_"):
            monkeypatch.delenv(name)
    env = {"HOME": str(home.root), **home.env}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def _token_from(path: Path | None, literal: bool) -> str | None:
    if path is not None:
        return f"file:{path.name}"
    return "env:ANTHROPIC_IDENTITY_TOKEN" if literal else None


def sdk_outcome() -> Outcome:
    """What the installed SDK resolves, by its own code."""
    from anthropic import AnthropicError
    from anthropic.lib.credentials import default_credentials
    from anthropic.lib.credentials._providers import CredentialsFile, StaticToken
    from anthropic.lib.credentials._workload import WorkloadIdentityCredentials

    try:
        result = default_credentials(base_url=DEFAULT_BASE_URL)
    except AnthropicError:
        return REFUSED
    if result is None:
        return Outcome("api_key") if os.environ.get("ANTHROPIC_API_KEY") else REFUSED
    base_url = os.environ.get("ANTHROPIC_BASE_URL") or result.base_url or DEFAULT_BASE_URL
    provider = result.provider
    if isinstance(provider, StaticToken):
        return Outcome("token", base_url=base_url)
    if isinstance(provider, CredentialsFile):
        try:
            return _sdk_profile(provider, base_url)
        except AnthropicError:
            return REFUSED
        finally:
            provider.close()
    assert isinstance(provider, WorkloadIdentityCredentials)
    return _sdk_workload(provider, base_url)


def _sdk_profile(provider: Any, base_url: str) -> Outcome:
    config = provider._load_config()
    auth = config["authentication"]
    if auth.get("type") == "user_oauth":
        provider()  # reads the credentials file: no network without a due refresh
        return Outcome("token", base_url=base_url)
    if auth.get("type") != "oidc_federation":
        return REFUSED
    return _sdk_workload(provider._build_workload_delegate(auth), base_url)


def _sdk_workload(delegate: Any, base_url: str) -> Outcome:
    source = delegate._identity_token_provider
    path = getattr(source, "path", None)
    return Outcome(
        "federation",
        rule=delegate._federation_rule_id,
        organization=delegate._organization_id,
        service_account=delegate._service_account_id or None,
        workspace=delegate._workspace_id or None,
        token_from=_token_from(path, literal=path is None),
        base_url=base_url,
    )


def fedctl_outcome(env: dict[str, str]) -> Outcome:
    try:
        credential = resolve_credential(auth_token=None, environ=env)
    except AuthError:
        return REFUSED
    base_url = env.get("ANTHROPIC_BASE_URL") or credential.base_url or DEFAULT_BASE_URL
    federation = credential.federation
    if federation is None:
        return Outcome("token", base_url=base_url)
    token = federation.identity_token
    return Outcome(
        "federation",
        rule=federation.rule_id,
        organization=federation.organization_id,
        service_account=federation.service_account_id,
        workspace=federation.workspace_id,
        token_from=_token_from(Path(token.path) if token.path else None, literal=not token.path),
        base_url=base_url.rstrip("/"),
    )


def test_the_table_has_at_least_25_rows() -> None:
    assert len(ROWS) >= 25
    assert len({row.name for row in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_fedctl_resolves_what_the_sdk_resolves(
    row: Row, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = Home(tmp_path)
    row.setup(home)
    env = _clean_environ(monkeypatch, home)
    assert sdk_outcome() == row.expected, "the SDK changed: re-read this row"
    fedctl_expected = row.deliberate[0] if row.deliberate else row.expected
    assert fedctl_outcome(env) == fedctl_expected
