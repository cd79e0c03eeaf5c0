"""The profile credentials cache: a minted token kept on disk between fedctl processes.

Same file as the official SDK (docs/admin-api.md §7.5, §7.8):
`<config_dir>/credentials/<profile>.json` =
`{"version": "1.0", "type": "oauth_token", "access_token": ..., "expires_at": <unix s>}`.
It lets `fedctl plan` then `fedctl apply` in one CI job share one exchange of a
single-use identity token. The file is secret: mode 0600, written atomically, and a
cache that is a symlink or readable by group/others is refused rather than trusted.
"""

from __future__ import annotations

import json
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from fedctl.api.secret import SecretStr
from fedctl.core.errors import AuthError
from fedctl.core.safe_write import PRIVATE, write_file

# Reuse a cached token only while now < expires_at - 30 (the SDK's mandatory margin).
REUSE_MARGIN_SECONDS = 30


@dataclass(frozen=True)
class CachedToken:
    access_token: SecretStr
    expires_at: int

    def usable(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) < self.expires_at - REUSE_MARGIN_SECONDS


@dataclass(frozen=True)
class CredentialsCache:
    path: Path

    def load(self) -> CachedToken | None:
        """The cached token, None if absent or unreadable as a token; refuses unsafe files."""
        if not check_secret_file(self.path):
            return None
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(document, dict):
            return None
        token = document.get("access_token")
        expires_at = document.get("expires_at")
        # expires_at is integer Unix seconds; anything else (ISO 8601 included) is refused.
        if not isinstance(token, str) or not token or type(expires_at) is not int:
            return None
        return CachedToken(access_token=SecretStr(token), expires_at=expires_at)

    def store(self, token: CachedToken) -> None:
        """Write atomically with mode 0600: a temp file in the same directory, then rename."""
        write_secret_json(
            self.path,
            {
                "version": "1.0",
                "type": "oauth_token",
                "access_token": token.access_token.get_secret_value(),
                "expires_at": token.expires_at,
            },
        )


def check_secret_file(path: Path) -> bool:
    """False when absent; AuthError when it is a symlink or readable by group or others."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(info.st_mode):
        raise AuthError(message=f"credentials file {path} is a symlink; refusing to use it")
    if info.st_mode & 0o077:
        raise AuthError(
            message=f"credentials file {path} is readable by group or others",
            hint=f"run chmod 600 {path} (or delete it and log in or exchange again)",
        )
    return True


def write_secret_json(path: Path, document: dict[str, object]) -> None:
    """Write atomically with mode 0600: a temp file in the same directory, then rename."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_file(path, json.dumps(document), mode=PRIVATE)
