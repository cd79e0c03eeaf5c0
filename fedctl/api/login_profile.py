"""`fedctl login`: write an SDK federation profile for any identity provider.

A profile (docs/admin-api.md §7.8) is what lets several processes share one exchange of a
single-use identity token: the SDKs and fedctl cache the minted token in
`<config_dir>/credentials/<profile>.json`. `scripts/github_wif_profile.py` writes one for
GitHub Actions only; this writes one for any issuer, from values given as options or
read from the usual ANTHROPIC_* variables.

The identity token: a file is referenced by path (the SDK re-reads it before every
exchange, so a rotating projected token keeps working). A token given only in an
environment variable is copied into `<config_dir>/identity-tokens/<profile>.jwt`
(0600), because a profile can only point at a file; it is never printed.

Files are written atomically and never through a symlink; the profile is 0644 (the SDK
refuses one that group or others can write), and a credentials cache left by an earlier
profile of the same name is removed: it may hold a token minted for another rule.

    written = write_login_profile(LoginRequest(...), config_dir=Path(...))
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from fedctl.api.base_url import check_base_url
from fedctl.api.credentials import check_profile_name
from fedctl.core.errors import UsageError

RULE_ID = re.compile(r"^fdrl_[A-Za-z0-9]{1,64}$")
SERVICE_ACCOUNT_ID = re.compile(r"^svac_[A-Za-z0-9]{1,64}$")
WORKSPACE_ID = re.compile(r"^(wrkspc_[A-Za-z0-9]{1,64}|default)$")
ORGANIZATION_ID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
MAX_IDENTITY_TOKEN_BYTES = 16 * 1024


@dataclass(frozen=True)
class LoginRequest:
    profile: str
    rule_id: str
    organization_id: str
    service_account_id: str | None = None
    workspace_id: str | None = None
    base_url: str | None = None
    identity_token_file: str | None = None
    # The JWT itself, when it came from an environment variable (never printed).
    identity_token_value: str | None = None


@dataclass(frozen=True)
class WrittenProfile:
    profile_path: Path
    token_path: Path
    token_copied: bool
    removed_cache: bool


def check_request(request: LoginRequest) -> None:
    """Every value the profile will hold, checked before anything is written."""
    check_profile_name(request.profile)
    _check(RULE_ID, request.rule_id, "--rule-id", "a federation rule ID (fdrl_...)")
    _check(ORGANIZATION_ID, request.organization_id, "--organization-id", "an organization UUID")
    if request.service_account_id is not None:
        _check(SERVICE_ACCOUNT_ID, request.service_account_id, "--service-account-id", "svac_...")
    if request.workspace_id is not None:
        _check(WORKSPACE_ID, request.workspace_id, "--workspace-id", "wrkspc_... or default")
    if request.base_url is not None:
        check_base_url(request.base_url)
    if (request.identity_token_file is None) == (request.identity_token_value is None):
        raise UsageError(
            "give the identity token as --identity-token-file PATH (or "
            "ANTHROPIC_IDENTITY_TOKEN_FILE), or in ANTHROPIC_IDENTITY_TOKEN"
        )
    if request.identity_token_file is not None:
        _check_token_file(Path(request.identity_token_file))
    elif len((request.identity_token_value or "").strip().encode()) > MAX_IDENTITY_TOKEN_BYTES:
        raise UsageError(f"the identity token is longer than {MAX_IDENTITY_TOKEN_BYTES} bytes")
    elif not (request.identity_token_value or "").strip():
        raise UsageError("the identity token variable is empty")


def _check(pattern: re.Pattern[str], value: str, option: str, expected: str) -> None:
    if not pattern.fullmatch(value):
        raise UsageError(f"{option}: expected {expected}, got {value!r}")


def _check_token_file(path: Path) -> None:
    if not path.is_absolute():
        raise UsageError(
            f"--identity-token-file {path}: give an absolute path (the profile is read from "
            "other working directories)"
        )
    if not path.is_file():
        raise UsageError(f"--identity-token-file {path}: no such file")


def write_login_profile(request: LoginRequest, *, config_dir: Path) -> WrittenProfile:
    """Write `<config_dir>/configs/<profile>.json` (and the copied token, if any)."""
    check_request(request)
    token_path, copied = _token_path(request, config_dir)
    authentication: dict[str, object] = {
        "type": "oidc_federation",
        "federation_rule_id": request.rule_id,
        "identity_token": {"source": "file", "path": str(token_path)},
    }
    if request.service_account_id:
        authentication["service_account_id"] = request.service_account_id
    document: dict[str, object] = {
        "version": "1.0",
        "authentication": authentication,
        "organization_id": request.organization_id,
    }
    if request.workspace_id:
        document["workspace_id"] = request.workspace_id
    if request.base_url:
        document["base_url"] = check_base_url(request.base_url)
    profile_path = config_dir / "configs" / f"{request.profile}.json"
    _write_atomic(profile_path, json.dumps(document, indent=2) + "\n", mode=0o644)
    cache = config_dir / "credentials" / f"{request.profile}.json"
    removed = _remove(cache)
    return WrittenProfile(profile_path, token_path, copied, removed)


def activate_profile(config_dir: Path, profile: str) -> None:
    """`<config_dir>/active_config` names the profile (read when ANTHROPIC_PROFILE is unset)."""
    check_profile_name(profile)
    _write_atomic(config_dir / "active_config", profile + "\n", mode=0o644)


def _token_path(request: LoginRequest, config_dir: Path) -> tuple[Path, bool]:
    if request.identity_token_file is not None:
        return Path(request.identity_token_file), False
    path = config_dir / "identity-tokens" / f"{request.profile}.jwt"
    value = (request.identity_token_value or "").strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write_atomic(path, value, mode=0o600)
    return path, True


def _write_atomic(path: Path, text: str, *, mode: int) -> None:
    """A new file beside the target, renamed over it (fedctl.core.safe_write): a symlink there
    is replaced, never followed."""
    from fedctl.core.safe_write import write_file

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_file(path, text, mode=mode)


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
