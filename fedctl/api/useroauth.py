"""Interactive-login (`user_oauth`) profiles: read the credentials file, refresh when due.

Same file and grant as the official SDK (docs/admin-api.md §7.8):
`<config_dir>/credentials/<profile>.json` holds `access_token`, `expires_at` (Unix seconds
as anything `int()` accepts, or null for "never expires") and, for a login made with a
`client_id`, a `refresh_token`. With a `client_id` in the profile, an expiring token is
renewed through `POST /v1/oauth/token` with `grant_type: refresh_token` and the file is
rewritten (0600, atomically, keeping the rotated refresh token). Without a `client_id`
the file is rotated by someone else, and an expired token is an error.

    login = read_login(cache_path, client_id="...")
    token = login.current_token(http=client, base_url=url)
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from fedctl import __version__
from fedctl.api.redact import read_error_body
from fedctl.api.secret import SecretStr
from fedctl.api.tokencache import REUSE_MARGIN_SECONDS, check_secret_file, write_secret_json
from fedctl.core.errors import AuthError

TOKEN_PATH = "/v1/oauth/token"  # noqa: S105 - a URL path, not a secret
REFRESH_GRANT = "refresh_token"
# Only the OAuth beta: the SDK does not send the federation beta with this grant.
OAUTH_BETA = "oauth-2025-04-20"
DEFAULT_EXPIRES_IN = 3600
LOGIN_AGAIN = 'run `ant auth login --scope "org:admin"` again'


@dataclass(frozen=True)
class UserLogin:
    """One interactive login's tokens; `repr` shows neither token."""

    path: Path
    access_token: SecretStr
    expires_at: int | None
    refresh_token: SecretStr | None
    client_id: str | None

    def __repr__(self) -> str:
        return f"UserLogin(path={str(self.path)!r}, expires_at={self.expires_at})"

    def due(self, now: float | None = None) -> bool:
        """True when the token is expired or within the SDK's mandatory margin of expiry."""
        if self.expires_at is None:
            return False
        return (time.time() if now is None else now) >= self.expires_at - REUSE_MARGIN_SECONDS

    def current_token(self, *, http: httpx.Client, base_url: str) -> SecretStr:
        """The token to send: the stored one while valid, else a refreshed one."""
        if not self.due():
            return self.access_token
        if self.client_id is None or self.refresh_token is None:
            raise AuthError(message=f"the login token in {self.path} has expired", hint=LOGIN_AGAIN)
        return self._refresh(http=http, base_url=base_url.rstrip("/"))

    def _refresh(self, *, http: httpx.Client, base_url: str) -> SecretStr:
        assert self.refresh_token is not None and self.client_id is not None
        body = {
            "grant_type": REFRESH_GRANT,
            "refresh_token": self.refresh_token.get_secret_value(),
            "client_id": self.client_id,
        }
        headers = {"anthropic-beta": OAUTH_BETA, "user-agent": f"fedctl/{__version__}"}
        try:
            response = http.post(f"{base_url}{TOKEN_PATH}", json=body, headers=headers)
        except httpx.TransportError as exc:
            raise AuthError(
                message=f"could not reach {base_url}{TOKEN_PATH} to refresh the login "
                f"({type(exc).__name__})"
            ) from None
        if response.status_code != 200:
            error_type, message, request_id = read_error_body(response)
            raise AuthError(
                message=f"refreshing the login token was refused: {message}",
                status=response.status_code,
                error_type=error_type,
                request_id=request_id or response.headers.get("request-id"),
                hint=LOGIN_AGAIN,
            )
        return self._store_refreshed(_json_object(response))

    def _store_refreshed(self, payload: dict[str, Any]) -> SecretStr:
        access = payload.get("access_token")
        if not isinstance(access, str) or not access:
            raise AuthError(message="the refresh response has no access_token")
        try:
            expires_in = int(payload.get("expires_in", DEFAULT_EXPIRES_IN))
        except (TypeError, ValueError, OverflowError):
            raise AuthError(message="the refresh response has no integer expires_in") from None
        rotated = payload.get("refresh_token")
        refresh = rotated if isinstance(rotated, str) and rotated else None
        assert self.refresh_token is not None
        # NOTE: a failed write is raised, not ignored: the server may have rotated the
        # refresh token, and losing the new one would end the login (the SDK does the same).
        write_secret_json(
            self.path,
            {
                "version": "1.0",
                "type": "oauth_token",
                "access_token": access,
                "expires_at": int(time.time()) + expires_in,
                "refresh_token": refresh or self.refresh_token.get_secret_value(),
            },
        )
        return SecretStr(access)


def read_login(path: Path, *, client_id: str | None) -> UserLogin:
    """The credentials file of a `user_oauth` profile; AuthError when it cannot be used."""
    check_secret_file(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuthError(
            message=f"no login token: {path} does not exist", hint=LOGIN_AGAIN
        ) from None
    except (OSError, UnicodeDecodeError, ValueError):
        raise AuthError(
            message=f"cannot read the login token in {path}", hint=LOGIN_AGAIN
        ) from None
    if not isinstance(document, dict):
        raise AuthError(message=f"{path} must hold a JSON object", hint=LOGIN_AGAIN)
    access = document.get("access_token")
    if not isinstance(access, str) or not access:
        raise AuthError(message=f"{path} has no access_token", hint=LOGIN_AGAIN)
    refresh = document.get("refresh_token")
    if client_id is not None and (not isinstance(refresh, str) or not refresh):
        raise AuthError(
            message=f"{path} has no refresh_token, which a profile with a client_id needs",
            hint=LOGIN_AGAIN,
        )
    return UserLogin(
        path=path,
        access_token=SecretStr(access),
        expires_at=_expires_at(document.get("expires_at"), path),
        refresh_token=SecretStr(refresh) if isinstance(refresh, str) and refresh else None,
        client_id=client_id,
    )


def _expires_at(value: object, path: Path) -> int | None:
    """As the SDK's `_coerce_expires_at`: null is "no expiry", else anything int() takes."""
    if value is None:
        return None
    try:
        return int(value)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError, OverflowError):
        raise AuthError(
            message=f"{path} has an expires_at that is not Unix seconds",
            hint="write an integer timestamp (ISO 8601 dates are not read), or log in again",
        ) from None


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise AuthError(message="the refresh response is not a JSON object")
    return payload
