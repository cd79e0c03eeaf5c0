"""The token cache for federation from environment variables: one exchange per identity
token across processes, as profiles already have (issue 30 item 4).

The SDKs keep no disk cache for env-var federation (docs/admin-api.md §7.5), so with a
single-use (`jti`) identity token `fedctl whoami` then `fedctl plan` fails: the second
process exchanges the same token again. fedctl keeps the minted token in the user's cache
directory, in the profile cache's file format (`fedctl.api.tokencache`: mode 0600 in a
0700 folder, written atomically, symlinks and loose modes refused), under a name derived
from everything the exchange depends on:

    sha256(identity-token digest, rule, service account, organization, workspace, base URL)

The identity token itself is never written; only its SHA-256 goes into the name. A new
identity token (a new CI job, a rotated file) is a new entry, so a cached token is never
served to a workload that did not present the JWT it was minted for.

Where: `$FEDCTL_CACHE_DIR`, else `$XDG_CACHE_HOME/fedctl`, else `~/.cache/fedctl`
(`%LOCALAPPDATA%\\fedctl` on Windows), in `tokens/`. `FEDCTL_TOKEN_CACHE=off` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from fedctl.api.credentials import FederationSettings
from fedctl.api.tokencache import CredentialsCache
from fedctl.core.errors import AuthError

CACHE_SWITCH = "FEDCTL_TOKEN_CACHE"
OFF_VALUES = frozenset({"0", "off", "false", "no"})


def user_cache_dir(environ: Mapping[str, str]) -> Path:
    """fedctl's folder in the user's cache directory."""
    if configured := environ.get("FEDCTL_CACHE_DIR"):
        return Path(configured)
    if configured := environ.get("XDG_CACHE_HOME"):
        return Path(configured) / "fedctl"
    if os.name == "nt" and environ.get("LOCALAPPDATA"):
        return Path(environ["LOCALAPPDATA"]) / "fedctl"
    return Path(environ.get("HOME") or Path.home()) / ".cache" / "fedctl"


def env_token_cache(
    settings: FederationSettings, *, base_url: str, environ: Mapping[str, str]
) -> CredentialsCache | None:
    """The cache entry for this exchange, or None when turned off or the identity token
    cannot be read yet (the exchange then reports that, with its usual hint)."""
    if environ.get(CACHE_SWITCH, "").strip().lower() in OFF_VALUES:
        return None
    try:
        identity_token = settings.identity_token.read(environ)
    except AuthError:
        return None
    key = cache_key(settings, identity_token=identity_token, base_url=base_url)
    return CredentialsCache(user_cache_dir(environ) / "tokens" / f"env-{key}.json")


def cache_key(settings: FederationSettings, *, identity_token: str, base_url: str) -> str:
    """What the minted token depends on, hashed; the identity token only as its digest."""
    parts = [
        hashlib.sha256(identity_token.encode()).hexdigest(),
        settings.rule_id,
        settings.service_account_id or "",
        settings.organization_id,
        settings.workspace_id or "",
        base_url.rstrip("/"),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:40]
