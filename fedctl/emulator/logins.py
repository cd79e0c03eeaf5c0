"""Interactive logins (`user_oauth`) and their `refresh_token` grant at `POST /v1/oauth/token`.

The real service issues these through the browser login of `ant auth login`; the emulator
has no browser, so `UserLogins.issue` stands in for it (tests and local use). A refresh
follows the SDK's request (docs/admin-api.md §7.8): `{"grant_type":
"refresh_token", "refresh_token": ..., "client_id": ...}`. Strict choices where the
contract is open: refresh tokens rotate on every use (the old one is refused after), a
refresh token is bound to the client_id it was issued to, and every failure is 400
`invalid_grant` in the OAuth shape. Minted access tokens act as the organization's admin
user with the org:admin scope, for one hour.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

from fedctl.emulator.db import ADMIN_USER_ID
from fedctl.emulator.store import Store
from fedctl.emulator.tokens import MintedToken
from fedctl.emulator.validation import ApiFailure

REFRESH_GRANT = "refresh_token"
REFRESH_TOKEN_PREFIX = "sk-ant-ort01-"  # noqa: S105 - a prefix, not a secret
LOGIN_LIFETIME_SECONDS = 3600
# A minted token's rule_id for a login: no rule is involved.
LOGIN_RULE_ID = "interactive-login"


class UserLogins:
    """Refresh tokens by value -> the client_id they belong to."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._refresh_tokens: dict[str, str] = {}

    def issue(self, client_id: str, *, lifetime: int = LOGIN_LIFETIME_SECONDS) -> tuple[str, str]:
        """A fresh (access_token, refresh_token) pair, as a completed browser login gives."""
        refresh = REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._lock:
            self._refresh_tokens[refresh] = client_id
        return self._mint(lifetime), refresh

    def refresh(self, body: dict[str, Any]) -> dict[str, Any]:
        refresh, client_id = body.get("refresh_token"), body.get("client_id")
        if not isinstance(refresh, str) or not isinstance(client_id, str) or not client_id:
            raise _invalid_grant("refresh_token and client_id are required")
        with self._lock:
            owner = self._refresh_tokens.pop(refresh, None)
            if owner != client_id:
                if owner is not None:  # a wrong client_id does not burn the token
                    self._refresh_tokens[refresh] = owner
                raise _invalid_grant("the refresh token is invalid, used or not this client's")
            rotated = REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32)
            self._refresh_tokens[rotated] = client_id
        return {
            "access_token": self._mint(LOGIN_LIFETIME_SECONDS),
            "token_type": "Bearer",
            "expires_in": LOGIN_LIFETIME_SECONDS,
            "refresh_token": rotated,
            "scope": "org:admin",
        }

    def _mint(self, lifetime: int) -> str:
        binding = MintedToken(LOGIN_RULE_ID, ADMIN_USER_ID, "org:admin", "", time.time() + lifetime)
        return self._store.mint_token(binding)


def _invalid_grant(description: str) -> ApiFailure:
    return ApiFailure(400, "invalid_grant", description)
