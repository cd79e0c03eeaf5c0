"""Pure parts of the client: backoff timing, retry-after parsing, base URL rules."""

from __future__ import annotations

import random
import threading

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from fedctl.api.auth import StaticTokenAuth
from fedctl.api.client import (
    AdminClient,
    ReadOnlyViolation,
    RetryPolicy,
    check_base_url,
    retry_after_seconds,
)
from fedctl.core.errors import ApiError, UsageError


class FakeSleeper:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


@settings(max_examples=50, deadline=None)
@given(retries=st.integers(min_value=0, max_value=20), seed=st.integers())
def test_backoff_doubles_from_half_a_second_caps_at_eight_and_jitters_down(
    retries: int, seed: int
) -> None:
    delay = RetryPolicy().backoff(retries, random.Random(seed))
    nominal = min(0.5 * 2**retries, 8.0)
    assert 0.75 * nominal <= delay <= nominal


def test_retry_after_ms_wins_over_retry_after() -> None:
    headers = httpx.Headers({"retry-after-ms": "250", "retry-after": "3"})
    assert retry_after_seconds(headers) == 0.25


def test_retry_after_seconds_and_http_date() -> None:
    assert retry_after_seconds(httpx.Headers({"retry-after": "1.5"})) == 1.5
    date = httpx.Headers({"retry-after": "Thu, 01 Jan 2026 00:00:10 GMT"})
    assert retry_after_seconds(date, now=1767225600.0) == 10.0


@pytest.mark.parametrize("value", ["0", "-1", "soon", ""])
def test_unusable_retry_after_falls_back_to_backoff(value: str) -> None:
    headers = httpx.Headers({"retry-after": value})
    assert retry_after_seconds(headers) is None
    policy = RetryPolicy()
    assert 0.375 <= policy.delay(0, headers, random.Random(1)) <= 0.5


@pytest.mark.parametrize(
    "url",
    [
        "https://api.anthropic.com",
        "http://127.0.0.1:8080",
        "http://127.3.4.5:1",
        "http://localhost:9000/",
        "http://[::1]:8080",
    ],
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    assert check_base_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://api.anthropic.com", "plain http"),
        ("http://10.0.0.1:8080", "plain http"),
        ("http://localhost.example.com", "plain http"),
        ("ftp://api.anthropic.com", "must be an https:// URL"),
        ("https://user:pw@api.anthropic.com", "user name or password"),
    ],
)
def test_other_base_urls_are_refused(url: str, problem: str) -> None:
    with pytest.raises(UsageError, match=problem):
        check_base_url(url)


def test_an_unparsable_base_url_is_refused_without_its_password() -> None:
    with pytest.raises(UsageError) as caught:
        check_base_url("https://user:s3cret@[::1")
    assert "s3cret" not in caught.value.render()
    assert caught.value.render() == (
        "base URL 'https://***@[::1' is not a URL (Invalid port: ':1'); give one like "
        "https://api.anthropic.com"
    )


def test_read_only_client_refuses_writes_before_sending() -> None:
    # Port 9 on loopback: nothing is listening, so any request actually sent would fail
    # with a connection error rather than the read-only refusal.
    client = AdminClient(
        base_url="http://127.0.0.1:9", auth=StaticTokenAuth(SecretStr("t")), read_only=True
    )
    with client, pytest.raises(ReadOnlyViolation) as caught:
        client.request("POST", "/v1/organizations/service_accounts", json={"name": "x"})
    assert caught.value.render() == (
        "POST /v1/organizations/service_accounts failed: internal error: refused to send POST "
        "on a read-only client; this command never writes; please report this as a fedctl bug"
    )


def test_connection_errors_are_retried_within_the_budget_then_reported() -> None:
    sleeper = FakeSleeper()
    policy = RetryPolicy(max_retries=3)
    client = AdminClient(
        base_url="http://127.0.0.1:9",
        auth=StaticTokenAuth(SecretStr("t")),
        retry=policy,
        sleeper=sleeper,
    )
    with client, pytest.raises(Exception) as caught:
        client.request("GET", "/v1/organizations/me")
    assert len(sleeper.sleeps) == 3
    assert "GET /v1/organizations/me failed: could not connect (ConnectError)" in (
        caught.value.render()  # type: ignore[attr-defined]
    )


def test_repr_never_shows_the_token() -> None:
    auth = StaticTokenAuth(SecretStr("sk-ant-oat01-secret"))
    assert "secret" not in repr(auth)


def test_a_closed_client_sends_nothing_more() -> None:
    client = AdminClient(base_url="http://127.0.0.1:9", auth=StaticTokenAuth(SecretStr("t")))
    client.close()
    with pytest.raises(ApiError) as caught:
        client.request("GET", "/v1/organizations/me")
    assert caught.value.render() == (
        "GET /v1/organizations/me failed: not sent: the client is closing"
    )


def test_close_ends_a_retry_wait_in_another_thread() -> None:
    # The default policy would keep retrying the refused connection for ~35 s; close()
    # from another thread ends the wait, so the request fails instead of sleeping on.
    client = AdminClient(base_url="http://127.0.0.1:9", auth=StaticTokenAuth(SecretStr("t")))
    errors: list[BaseException] = []
    sleeping = threading.Event()

    def read() -> None:
        try:
            client.request("GET", "/v1/organizations/me")
        except ApiError as exc:
            errors.append(exc)

    original_sleep = client._closing.wait

    def wait(timeout: float | None = None) -> bool:
        sleeping.set()
        return original_sleep(timeout)

    client._closing.wait = wait  # type: ignore[method-assign]
    reader = threading.Thread(target=read)
    reader.start()
    sleeping.wait()
    client.close()
    reader.join()
    assert [type(error) for error in errors] == [ApiError]
    assert "not sent: the client is closing" in errors[0].render()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("status", "headers", "retry_conflict", "expected"),
    [
        (408, {}, False, True),
        (429, {}, False, True),
        (500, {}, False, True),
        (501, {}, False, True),  # every status >= 500 (§6.4), not a hand-picked list
        (520, {}, False, True),
        (529, {}, False, True),
        (409, {}, False, False),  # may be a duplicate name: deterministic
        (409, {}, True, True),  # a write that sets no name: only a concurrent change
        (409, {"x-should-retry": "false"}, True, False),
        (400, {"x-should-retry": "true"}, False, True),
        (503, {"x-should-retry": "false"}, False, False),
        (404, {}, False, False),
    ],
)
def test_which_statuses_are_retried(
    status: int, headers: dict[str, str], retry_conflict: bool, expected: bool
) -> None:
    from fedctl.api.client import _should_retry

    response = httpx.Response(status, headers=headers)
    assert _should_retry(response, retry_conflict=retry_conflict) is expected
