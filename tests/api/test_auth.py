"""FederationAuth's token lifecycle with a fake exchanger and a fake clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import SecretStr

from fedctl.api.auth import FederationAuth, TokenExchanger
from fedctl.api.tokencache import CachedToken, CredentialsCache
from fedctl.core.errors import AuthError


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


def _exchanger_answering(
    tmp_path: Path, status: int, body: dict[str, Any]
) -> tuple[TokenExchanger, list[dict[str, Any]]]:
    """An exchanger whose server answers `body`: shapes the emulator never sends (§7.2, §7.4)."""
    import json

    import httpx

    from fedctl.api.credentials import FederationSettings, IdentityTokenSource

    sent: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(status, json=body)

    token_file = tmp_path / "jwt"
    token_file.write_text("header.payload.sig\n")
    settings = FederationSettings(
        rule_id="fdrl_01",
        organization_id="00000000-0000-0000-0000-000000000001",
        service_account_id="svac_01",
        identity_token=IdentityTokenSource(path=str(token_file)),
        workspace_id="default",
    )
    http = httpx.Client(transport=httpx.MockTransport(answer))
    exchanger = TokenExchanger(
        base_url="https://api.example.com",
        settings=settings,
        http=http,
        environ={},
        clock=lambda: 1000.0,
    )
    return exchanger, sent


@pytest.mark.parametrize("token_type", ["Bearer", "bearer", "BEARER", None, "absent"])
def test_exchange_accepts_any_case_of_bearer_or_none(
    tmp_path: Path, token_type: str | None
) -> None:
    body: dict[str, Any] = {"access_token": "sk-ant-oat01-x", "expires_in": "600"}
    if token_type != "absent":
        body["token_type"] = token_type  # §7.2: if present, bearer in any case
    exchanger, sent = _exchanger_answering(tmp_path, 200, body)
    token = exchanger.exchange()
    assert token.expires_at == 1600
    assert sent == [
        {
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": "header.payload.sig",
            "federation_rule_id": "fdrl_01",
            "organization_id": "00000000-0000-0000-0000-000000000001",
            "service_account_id": "svac_01",
            "workspace_id": "default",
        }
    ]


def test_exchange_refuses_another_token_type(tmp_path: Path) -> None:
    exchanger, _ = _exchanger_answering(
        tmp_path, 200, {"access_token": "t", "expires_in": 600, "token_type": "mac"}
    )
    with pytest.raises(AuthError, match="token_type is not Bearer"):
        exchanger.exchange()


def test_exchange_denial_in_the_older_oauth_shape_is_explained(tmp_path: Path) -> None:
    # §7.4: the older revision denies with 400 {"error": "invalid_grant", ...}.
    exchanger, _ = _exchanger_answering(
        tmp_path, 400, {"error": "invalid_grant", "error_description": "denied"}
    )
    with pytest.raises(AuthError) as caught:
        exchanger.exchange()
    assert (caught.value.status, caught.value.error_type) == (400, "invalid_grant")
    assert "token exchange refused: denied" in caught.value.render()
    assert "does not say which check failed" in caught.value.render()


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (None, "oauth-2025-04-20"),
        ("files-api-2025-04-14", "files-api-2025-04-14,oauth-2025-04-20"),
        ("oauth-2025-04-20, files-api-2025-04-14", "oauth-2025-04-20,files-api-2025-04-14"),
    ],
)
def test_static_token_requests_carry_the_oauth_beta_merged_with_others(
    sent: str | None, expected: str
) -> None:
    import httpx

    from fedctl.api.auth import StaticTokenAuth

    headers = {"anthropic-beta": sent} if sent is not None else {}
    request = httpx.Request("GET", "https://api.example.test/v1/x", headers=headers)
    flow = StaticTokenAuth(SecretStr("sk-ant-oat01-static")).auth_flow(request)
    sent_request = next(flow)
    assert sent_request.headers["anthropic-beta"] == expected
    assert sent_request.headers["authorization"] == "Bearer sk-ant-oat01-static"


def test_federated_requests_carry_the_oauth_beta() -> None:
    import httpx

    auth = FederationAuth(cast(TokenExchanger, FakeExchanger([1000.0])), clock=lambda: 1000.0)
    request = httpx.Request("GET", "https://api.example.test/v1/x")
    sent_request = next(auth.auth_flow(request))
    assert sent_request.headers["anthropic-beta"] == "oauth-2025-04-20"
