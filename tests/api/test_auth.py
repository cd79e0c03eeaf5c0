"""FederationAuth's token lifecycle with a fake exchanger and a fake clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import SecretStr

from fedctl.api.auth import FederationAuth, TokenExchanger
from fedctl.api.tokencache import CachedToken, CredentialsCache
from fedctl.errors import AuthError


class FakeExchanger:
    """Mints `token-1`, `token-2`, ... living `lifetime` seconds; can be told to fail."""

    def __init__(self, clock: list[float], lifetime: int = 600) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.exchanges = 0
        self.fail = False

    def exchange(self) -> CachedToken:
        self.exchanges += 1
        if self.fail:
            raise AuthError(message="token exchange refused: Authentication failed")
        return CachedToken(
            access_token=SecretStr(f"token-{self.exchanges}"),
            expires_at=int(self.clock[0]) + self.lifetime,
        )


def make_auth(
    clock: list[float], cache: CredentialsCache | None = None
) -> tuple[FederationAuth, FakeExchanger]:
    exchanger = FakeExchanger(clock)
    auth = FederationAuth(cast(TokenExchanger, exchanger), cache=cache, clock=lambda: clock[0])
    return auth, exchanger


def secret(value: Any) -> str:
    return cast(SecretStr, value).get_secret_value()


def test_one_exchange_serves_until_the_advisory_window() -> None:
    clock = [1000.0]
    auth, exchanger = make_auth(clock)
    assert secret(auth.current_token()) == "token-1"
    clock[0] = 1000 + 600 - 121
    assert secret(auth.current_token()) == "token-1"
    assert exchanger.exchanges == 1


def test_advisory_failure_keeps_the_token_and_waits_five_seconds() -> None:
    clock = [1000.0]
    auth, exchanger = make_auth(clock)
    auth.current_token()
    exchanger.fail = True
    clock[0] = 1000 + 600 - 100  # inside the advisory window
    assert secret(auth.current_token()) == "token-1"
    assert secret(auth.current_token()) == "token-1"
    assert exchanger.exchanges == 2  # the second call is within the 5 s pause
    clock[0] += 5
    auth.current_token()
    assert exchanger.exchanges == 3


def test_mandatory_window_failure_raises() -> None:
    clock = [1000.0]
    auth, exchanger = make_auth(clock)
    auth.current_token()
    exchanger.fail = True
    clock[0] = 1000 + 600 - 30
    with pytest.raises(AuthError, match="Authentication failed"):
        auth.current_token()


def test_cached_token_on_disk_avoids_the_exchange(tmp_path: Path) -> None:
    clock = [1000.0]
    cache = CredentialsCache(tmp_path / "ci.json")
    cache.store(CachedToken(access_token=SecretStr("from-disk"), expires_at=2000))
    auth, exchanger = make_auth(clock, cache)
    assert secret(auth.current_token()) == "from-disk"
    assert exchanger.exchanges == 0


def test_fresh_exchange_is_written_to_the_cache(tmp_path: Path) -> None:
    clock = [1000.0]
    cache = CredentialsCache(tmp_path / "ci.json")
    cache.store(CachedToken(access_token=SecretStr("stale"), expires_at=1020))
    auth, exchanger = make_auth(clock, cache)
    assert secret(auth.current_token()) == "token-1"
    assert exchanger.exchanges == 1
    loaded = cache.load()
    assert loaded is not None
    assert (secret(loaded.access_token), loaded.expires_at) == ("token-1", 1600)


def test_repr_names_the_rule_never_a_token() -> None:
    auth, _ = make_auth([0.0])
    auth.current_token()
    assert "token-1" not in repr(auth)
