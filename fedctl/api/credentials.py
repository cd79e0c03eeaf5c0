"""The credential chain: flags, environment and profile files -> one `Credential`.

Resolution follows the official SDKs (docs/admin-api.md §7.6-§7.8), first match wins:

1. `--auth-token`, then `ANTHROPIC_AUTH_TOKEN`: a static org:admin bearer token.
2. `ANTHROPIC_PROFILE`: `<config_dir>/configs/<name>.json`; every failure is raised.
3. The federation variables (`ANTHROPIC_FEDERATION_RULE_ID` ...): all of rule,
   organization, service account and an identity token are required (the docs' reading;
   SDK 2.10.0 would leave the service account out).
4. The active profile (`<config_dir>/active_config`, else `default`). Federation
   variables too few to turn step 3 on fill its empty fields; with no active profile,
   the error names the missing ones.

`ANTHROPIC_API_KEY` is never used: these endpoints refuse API keys, so finding only one
is an AuthError that says how to get an org:admin token. The exchange itself lives in
`fedctl.api.auth`; this module only reads files and the environment.

    credential = resolve_credential(auth_token=None, environ=os.environ)
    credential.source  # e.g. "ANTHROPIC_AUTH_TOKEN"
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fedctl.api.secret import SecretStr
from fedctl.api.tokencache import CredentialsCache
from fedctl.api.useroauth import UserLogin, read_login
from fedctl.core.errors import AuthError

# §7.1/§7.6: the service account ID is optional (sent when set), as in the SDK.
FEDERATION_VARS = ("ANTHROPIC_FEDERATION_RULE_ID", "ANTHROPIC_ORGANIZATION_ID")
TOKEN_VARS = ("ANTHROPIC_IDENTITY_TOKEN_FILE", "ANTHROPIC_IDENTITY_TOKEN")
REFUSED_PREFIXES = ("sk-ant-admin", "sk-ant-api")

HOW_TO_GET_A_TOKEN = (
    "the service-account, issuer and rule endpoints accept only org:admin OAuth tokens: "  # noqa: S105 - advice, not a secret
    'run `ant auth login --scope "org:admin"` and set ANTHROPIC_AUTH_TOKEN, or in CI use '
    "a federation rule with oauth_scope org:admin made in the Console (set "
    "ANTHROPIC_FEDERATION_RULE_ID, ANTHROPIC_ORGANIZATION_ID, ANTHROPIC_SERVICE_ACCOUNT_ID "
    "and ANTHROPIC_IDENTITY_TOKEN_FILE, or use a profile)"
)


@dataclass(frozen=True)
class IdentityTokenSource:
    """Where the workload's JWT is read from, again before every exchange (§7.5)."""

    path: str | None = None
    env_var: str | None = None

    def describe(self) -> str:
        return f"file {self.path}" if self.path else f"${self.env_var}"

    def read(self, environ: Mapping[str, str]) -> str:
        if self.path is not None:
            try:
                text = Path(self.path).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise AuthError(
                    message=f"cannot read the identity token file {self.path}: {exc.strerror}",
                    hint="point ANTHROPIC_IDENTITY_TOKEN_FILE at the JWT your CI provides",
                ) from None
            if not text:
                raise AuthError(
                    message=f"the identity token file {self.path} is empty",
                    hint="the CI job must write its OIDC token there before fedctl runs",
                )
            return text
        value = environ.get(self.env_var or "", "").strip()
        if not value:
            raise AuthError(message=f"{self.env_var} is empty; it must hold the identity JWT")
        return value


@dataclass(frozen=True)
class FederationSettings:
    """What one token exchange sends (§7.1), minus the assertion itself."""

    rule_id: str
    organization_id: str
    service_account_id: str | None
    identity_token: IdentityTokenSource
    workspace_id: str | None = None


@dataclass(frozen=True)
class Credential:
    """The credential fedctl chose and where it came from; `repr` never shows a token."""

    source: str
    kind: Literal["token", "federation"]
    token: SecretStr | None = None
    federation: FederationSettings | None = None
    base_url: str | None = None
    cache: CredentialsCache | None = None
    login: UserLogin | None = None

    @property
    def rule_id(self) -> str | None:
        return self.federation.rule_id if self.federation else None

    @property
    def service_account_id(self) -> str | None:
        return self.federation.service_account_id if self.federation else None

    def hint(self, status: int) -> str:
        """Why the API may have said 401/403 to this credential, in its own terms."""
        if self.federation is not None:
            minted = (
                f"the token minted through {self.source} (rule {self.federation.rule_id}, "
                f"service account {self.federation.service_account_id or 'of the rule'})"
            )
            if status == 401:
                return f"{minted} was refused even after a fresh exchange"
            return (
                f"{minted} lacks permission: the rule's oauth_scope must be org:admin and its "
                "service account must have organization_role admin; federated tokens also "
                "cannot manage org:admin rules or admin service accounts (Console only)"
            )
        if status == 401:
            return (
                f"the token from {self.source} was refused: it may have expired (interactive "
                'tokens are short-lived: run `ant auth login --scope "org:admin"` again) or '
                "belong to another base URL"
            )
        return (
            f"the token from {self.source} does not carry the org:admin scope these endpoints need"
        )


def default_config_dir(environ: Mapping[str, str]) -> Path:
    if configured := environ.get("ANTHROPIC_CONFIG_DIR"):
        return Path(configured)
    if os.name == "nt" and environ.get("APPDATA"):
        return Path(environ["APPDATA"]) / "Anthropic"
    return Path(environ.get("HOME") or Path.home()) / ".config" / "anthropic"


def resolve_credential(*, auth_token: str | None, environ: Mapping[str, str]) -> Credential:
    """Walk the chain and return the first credential found; AuthError when none fits."""
    if auth_token:
        return _static_token(auth_token, "--auth-token")
    # Empty variables count as unset, as SDK 2.10.0 does (§7.6); the docs differ.
    if environ.get("ANTHROPIC_AUTH_TOKEN"):
        return _static_token(environ["ANTHROPIC_AUTH_TOKEN"], "ANTHROPIC_AUTH_TOKEN")
    config_dir = default_config_dir(environ)
    if profile := environ.get("ANTHROPIC_PROFILE"):
        return load_profile(config_dir, profile, environ)
    partial_federation: AuthError | None = None
    if any(environ.get(name) for name in (*FEDERATION_VARS, *TOKEN_VARS)):
        # ANTHROPIC_SERVICE_ACCOUNT_ID alone does not start this path (nor does it in the SDK).
        try:
            return _federation_from_env(environ)
        except AuthError as incomplete:
            # An incomplete set does not turn the env-var path on: the chain goes on to
            # the active profile, whose empty fields these variables fill (§7.7, §7.8).
            partial_federation = incomplete
    active = _active_profile(config_dir, environ)
    if active is not None:
        return active
    if partial_federation is not None:
        raise partial_federation
    if environ.get("ANTHROPIC_API_KEY"):
        raise AuthError(message=f"ANTHROPIC_API_KEY cannot be used: {HOW_TO_GET_A_TOKEN}")
    raise AuthError(message=f"no credential found; {HOW_TO_GET_A_TOKEN}")


def _static_token(value: str, source: str) -> Credential:
    if value.strip().startswith(REFUSED_PREFIXES):
        raise AuthError(
            message=f"the value of {source} is an API key, not an OAuth token; {HOW_TO_GET_A_TOKEN}"
        )
    return Credential(source=source, kind="token", token=SecretStr(value.strip()))


def _federation_from_env(environ: Mapping[str, str]) -> Credential:
    missing = [name for name in FEDERATION_VARS if not environ.get(name)]
    if not any(environ.get(name) for name in TOKEN_VARS):
        missing.append("ANTHROPIC_IDENTITY_TOKEN_FILE (or ANTHROPIC_IDENTITY_TOKEN)")
    if missing:
        raise AuthError(
            message=f"federation from environment variables needs {', '.join(missing)}",
            hint="set all of them, or unset the federation variables to use another credential",
        )
    settings = FederationSettings(
        rule_id=environ["ANTHROPIC_FEDERATION_RULE_ID"],
        organization_id=environ["ANTHROPIC_ORGANIZATION_ID"],
        service_account_id=environ.get("ANTHROPIC_SERVICE_ACCOUNT_ID") or None,
        identity_token=_token_source_from_env(environ),
        workspace_id=environ.get("ANTHROPIC_WORKSPACE_ID") or None,
    )
    source = f"federation env vars ({_describe(settings)})"
    return Credential(source=source, kind="federation", federation=settings)


def _describe(settings: FederationSettings) -> str:
    account = settings.service_account_id
    return f"rule {settings.rule_id}" + (f", service account {account}" if account else "")


def _token_source_from_env(environ: Mapping[str, str]) -> IdentityTokenSource:
    # `_FILE` wins when both are set (§7.6).
    if path := environ.get("ANTHROPIC_IDENTITY_TOKEN_FILE"):
        return IdentityTokenSource(path=path)
    return IdentityTokenSource(env_var="ANTHROPIC_IDENTITY_TOKEN")


def _active_profile(config_dir: Path, environ: Mapping[str, str]) -> Credential | None:
    """The active profile, or None when there is none to find.

    NOTE: the SDK raises failures when ANTHROPIC_CONFIG_DIR is set or active_config
    exists. fedctl raises them too, except that an absent `default` profile that nothing
    names is simply "no profile" (else every run with ANTHROPIC_CONFIG_DIR set and no
    profile would fail with a confusing missing-file error instead of "no credential").
    """
    marker = config_dir / "active_config"
    if marker.is_file():
        try:
            name = marker.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise AuthError(
                message=f"cannot read {marker}: {reason}",
                hint="it names the active profile: write a profile name into it, or delete it",
            ) from None
        return load_profile(config_dir, name, environ)
    if not (config_dir / "configs" / "default.json").exists():
        return None
    try:
        return load_profile(config_dir, "default", environ)
    except AuthError:
        if environ.get("ANTHROPIC_CONFIG_DIR"):
            raise
        return None


def check_profile_name(name: str) -> None:
    if (
        not name
        or name != name.strip()
        or name.startswith(".")
        or any(bad in name for bad in ("/", "\\", "\0"))
    ):
        raise AuthError(
            message=f"invalid profile name {name!r}",
            hint="a profile name is not empty or padded, does not start with '.', has no / or \\",
        )


def load_profile(config_dir: Path, name: str, environ: Mapping[str, str]) -> Credential:
    """`<config_dir>/configs/<name>.json` as a federation Credential (§7.8)."""
    check_profile_name(name)
    path = config_dir / "configs" / f"{name}.json"
    document = _read_profile_file(path, name)
    auth = document.get("authentication")
    if not isinstance(auth, dict):
        raise _profile_error(path, "has no 'authentication' object")
    auth_type = auth.get("type")
    cache = CredentialsCache(
        Path(
            _optional_str(auth, "credentials_path", path)
            or (config_dir / "credentials" / f"{name}.json")
        )
    )
    base_url = _optional_str(document, "base_url", path)
    source = f"profile '{name}' ({path})"
    if auth_type == "user_oauth":
        client_id = _optional_str(auth, "client_id", path)
        login = read_login(cache.path, client_id=client_id)
        return Credential(source=source, kind="token", base_url=base_url, login=login)
    if auth_type != "oidc_federation":
        raise _profile_error(
            path, f"authentication.type {auth_type!r} is not oidc_federation or user_oauth"
        )
    # Environment variables fill only what the profile leaves empty (§7.7).
    settings = FederationSettings(
        rule_id=_field(auth, "federation_rule_id", environ, "ANTHROPIC_FEDERATION_RULE_ID", path),
        organization_id=_field(
            document, "organization_id", environ, "ANTHROPIC_ORGANIZATION_ID", path
        ),
        service_account_id=_optional_str(auth, "service_account_id", path)
        or environ.get("ANTHROPIC_SERVICE_ACCOUNT_ID")
        or None,
        identity_token=_profile_token_source(auth, environ, path),
        workspace_id=_optional_str(document, "workspace_id", path)
        or environ.get("ANTHROPIC_WORKSPACE_ID")
        or None,
    )
    return Credential(
        source=source, kind="federation", federation=settings, base_url=base_url, cache=cache
    )


def _read_profile_file(path: Path, name: str) -> dict[str, Any]:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AuthError(message=f"profile '{name}' not found: {path} does not exist") from None
    except OSError as exc:
        raise AuthError(message=f"cannot read profile {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise AuthError(message=f"cannot read profile {path}: not UTF-8 text") from None
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise _profile_error(path, "is writable by group or others; run chmod go-w on it")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _profile_error(path, f"is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(document, dict):
        raise _profile_error(path, "must hold a JSON object")
    # §7.8: the SDK never validates `version`, so neither does fedctl.
    return document


def _profile_token_source(
    auth: dict[str, Any], environ: Mapping[str, str], path: Path
) -> IdentityTokenSource:
    token = auth.get("identity_token")
    if token is None:
        # The docs' reading: fall back to either variable (SDK 2.10.0 reads only _FILE).
        if any(environ.get(name) for name in TOKEN_VARS):
            return _token_source_from_env(environ)
        raise _profile_error(
            path, "has no authentication.identity_token and ANTHROPIC_IDENTITY_TOKEN_FILE is unset"
        )
    if not isinstance(token, dict) or token.get("source") != "file":
        raise _profile_error(
            path, 'authentication.identity_token must be {"source": "file", "path": ...}'
        )
    token_path = token.get("path")
    if not isinstance(token_path, str) or not token_path:
        raise _profile_error(path, "authentication.identity_token.path must be a non-empty string")
    return IdentityTokenSource(path=token_path)


def _field(
    container: dict[str, Any], key: str, environ: Mapping[str, str], env_var: str, path: Path
) -> str:
    value = _optional_str(container, key, path) or environ.get(env_var)
    if not value:
        raise _profile_error(path, f"needs {key} (or {env_var} in the environment)")
    return value


def _optional_str(container: dict[str, Any], key: str, path: Path) -> str | None:
    value = container.get(key)
    if value is not None and not isinstance(value, str):
        raise _profile_error(path, f"{key} must be a string")
    return value or None


def _profile_error(path: Path, problem: str) -> AuthError:
    return AuthError(message=f"profile {path} {problem}")
