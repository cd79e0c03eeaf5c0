"""One httpx.Client to the Admin API: base URL, headers, retries, errors; below resources.py.

Every request fedctl makes goes through `AdminClient.request`, so the retry rules and the
error shape live in one place:

- 408, 429, every status >= 500 and connection errors are retried with exponential
  backoff and jitter, honouring `retry-after-ms` / `retry-after` and `x-should-retry`
  (docs/admin-api.md §6.4), within a bounded number of attempts and total time.
- Every other 4xx fails at once. 409 is retried only for writes that set no name
  (`retry_conflict=True`): there it can only be a concurrent modification (§6.2), which
  the server refused unprocessed. Elsewhere it may be a duplicate name, which is
  deterministic, so the SDK's blanket 409 retry is not copied.
- A write that may have reached the server (5xx, dropped connection, timeout) is never
  resent here: it raises `OutcomeUnknown`, and `fedctl.api.writes` re-reads to decide.

    with AdminClient(base_url="http://127.0.0.1:8080", auth=StaticTokenAuth(token)) as c:
        org = c.request("GET", "/v1/organizations/me")
"""

from __future__ import annotations

import random
import ssl
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from fedctl import __version__
from fedctl.api.base_url import check_base_url, is_loopback_host
from fedctl.api.error_codes import explain, read_error_code
from fedctl.api.redact import read_error_body
from fedctl.api.retry import (
    CONFLICT,
    DEFAULT_TIMEOUT_SECONDS,
    RetryPolicy,
    Sleeper,
    SystemSleeper,
    clip_timeout,
    retry_after_seconds,
    should_retry,
)
from fedctl.core.errors import ApiError, AuthError

if TYPE_CHECKING:
    from fedctl.api.credentials import Credential

DEFAULT_BASE_URL = "https://api.anthropic.com"
# Each attempt within that budget: 5 s to connect, 30 s per read or write.
ATTEMPT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
API_VERSION = "2023-06-01"
QueryValue = str | int | bool | list[str]

Item = TypeVar("Item")
Result = TypeVar("Result")


class OutcomeUnknown(Exception):
    """A write may or may not have taken effect; only a read can tell (internal signal)."""

    def __init__(self, method: str, path: str, cause: str) -> None:
        super().__init__(f"{method} {path}: outcome unknown after {cause}")
        self.method = method
        self.path = path
        self.cause = cause


@dataclass(frozen=True)
class Reply:
    """Which call a successful JSON body answered, to locate a body we cannot read."""

    method: str
    path: str
    request_id: str | None


@dataclass(frozen=True)
class _Retryable:
    error: ApiError
    headers: httpx.Headers | None


class ReadOnlyViolation(ApiError):
    """A write was attempted on a client opened read-only (a fedctl bug, never user input)."""


class AdminClient:
    """The Admin API over one connection pool, with a bounded worker pool for `map`."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: httpx.Auth,
        parallelism: int = 8,
        read_only: bool = False,
        credential: Credential | None = None,
        retry: RetryPolicy | None = None,
        sleeper: Sleeper | None = None,
        timeout: httpx.Timeout | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.parallelism = parallelism
        self.read_only = read_only
        self.retry = retry or RetryPolicy()
        self.sleeper: Sleeper = sleeper or SystemSleeper()
        self.credential = credential
        self._rng = random.Random()  # noqa: S311 - jitter, not cryptography
        self._timeout = timeout or ATTEMPT_TIMEOUT
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=auth,
            headers={"anthropic-version": API_VERSION, "user-agent": f"fedctl/{__version__}"},
            timeout=self._timeout,
            limits=httpx.Limits(
                max_connections=parallelism + 2, max_keepalive_connections=parallelism
            ),
            follow_redirects=False,
            # None: httpx's default (certifi's CA bundle, SSL_CERT_FILE/SSL_CERT_DIR honoured).
            verify=True if tls is None else tls,
        )
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        # Set by close(): requests not yet sent fail at once and retry waits end, so a
        # background read (fedctl.pipeline) never holds up closing for its retries.
        self._closing = threading.Event()
        self._replies = threading.local()  # per thread: `map` runs calls in parallel

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"AdminClient(base_url={self.base_url!r}, read_only={self.read_only})"

    def close(self) -> None:
        self._closing.set()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._http.close()

    def submit(self, fn: Callable[[], Result]) -> Future[Result]:
        """Run `fn` on the client's worker pool (the same `parallelism` bound as `map`)."""
        return self._executor().submit(fn)

    def map(self, fn: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
        """Run `fn` over `items` at most `parallelism` at a time; results in input order."""
        futures: list[Future[Result]] = [self._executor().submit(fn, item) for item in items]
        try:
            return [future.result() for future in futures]
        finally:
            for future in futures:
                future.cancel()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        json: Any = None,
        resource: str | None = None,
        resend_safe: bool = False,
        retry_conflict: bool = False,
    ) -> Any:
        """Send one call and return its JSON body, retrying what is safe to retry.

        GET is always safe to resend; a write is resent only when `resend_safe` says the
        contract makes it idempotent. Any other write whose outcome is unknown raises
        `OutcomeUnknown` for the caller to resolve by reading. `retry_conflict` says a 409
        can only be a concurrent modification (the write sets no unique name), so it is
        retried like a 429 unless the server says `x-should-retry: false`.
        """
        self._refuse_writes_if_read_only(method, path)
        may_resend = method == "GET" or resend_safe
        started = self.sleeper.monotonic()
        retries = 0
        while True:
            if self._closing.is_set():
                raise ApiError(
                    message="not sent: the client is closing", method=method, url_path=path
                )
            budget = self.retry.max_total_seconds - (self.sleeper.monotonic() - started)
            outcome = self._attempt(
                method,
                path,
                params,
                json,
                resource,
                may_resend,
                clip_timeout(self._timeout, budget),
                retry_conflict=retry_conflict,
            )
            if not isinstance(outcome, _Retryable):
                return outcome
            self._sleep(self._delay_or_give_up(outcome, retries, started))
            retries += 1

    def _refuse_writes_if_read_only(self, method: str, path: str) -> None:
        if self.read_only and method != "GET":
            raise ReadOnlyViolation(
                message=f"internal error: refused to send {method} on a read-only client",
                method=method,
                url_path=path,
                hint="this command never writes; please report this as a fedctl bug",
            )

    def _delay_or_give_up(self, outcome: _Retryable, retries: int, started: float) -> float:
        """The wait before the next try; raises the last error once the policy is spent."""
        delay = self.retry.delay(retries, outcome.headers, self._rng)
        elapsed = self.sleeper.monotonic() - started
        if (
            retries >= self.retry.max_retries
            or delay > self.retry.max_retry_after
            or elapsed + delay > self.retry.max_total_seconds
        ):
            raise outcome.error
        return delay

    def _sleep(self, seconds: float) -> None:
        if isinstance(self.sleeper, SystemSleeper):
            self._closing.wait(seconds)  # the same wait, but close() ends it
        else:
            self.sleeper.sleep(seconds)

    def _attempt(
        self,
        method: str,
        path: str,
        params: Mapping[str, QueryValue] | None,
        json: Any,
        resource: str | None,
        may_resend: bool,
        timeout: httpx.Timeout,
        *,
        retry_conflict: bool = False,
    ) -> Any:
        """One try: the JSON body, or a `_Retryable`; raises what must not be retried."""
        content_kwargs: dict[str, Any] = {} if json is None else {"json": json}
        try:
            response = self._http.request(
                method, path, params=_encode_params(params), timeout=timeout, **content_kwargs
            )
        except httpx.TransportError as exc:
            if not may_resend and not _never_sent(exc):
                raise OutcomeUnknown(method, path, type(exc).__name__) from exc
            return _Retryable(self._transport_error(method, path, resource, exc), None)
        if response.is_success:
            return self._json(response, method, path, resource)
        error = self.error_from_response(response, method=method, path=path, resource=resource)
        if not should_retry(response, retry_conflict=retry_conflict):
            raise error
        # 429 and a conflict 409 mean the server refused without doing anything, so even
        # a write that is not idempotent may be resent.
        refused = response.status_code == 429 or (
            retry_conflict and response.status_code == CONFLICT
        )
        if not may_resend and not refused:
            raise OutcomeUnknown(method, path, f"HTTP {response.status_code}") from error
        return _Retryable(error, response.headers)

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self.parallelism, thread_name_prefix="fedctl-api"
                )
            return self._pool

    def last_reply(self) -> Reply | None:
        """The call whose JSON body this thread received last."""
        reply: Reply | None = getattr(self._replies, "last", None)
        return reply

    def _json(self, response: httpx.Response, method: str, path: str, resource: str | None) -> Any:
        self._replies.last = Reply(method, path, response.headers.get("request-id"))
        try:
            return response.json()
        except ValueError:
            raise ApiError(
                message="the response body is not JSON",
                status=response.status_code,
                request_id=response.headers.get("request-id"),
                resource=resource,
                method=method,
                url_path=path,
            ) from None

    def _transport_error(
        self, method: str, path: str, resource: str | None, exc: httpx.TransportError
    ) -> ApiError:
        name = type(exc).__name__
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
            message, hint = (
                f"could not connect ({name})",
                f"check that {self.base_url} is reachable",
            )
        elif isinstance(exc, httpx.TimeoutException):
            message = f"no answer within the {self.retry.max_total_seconds:g} s timeout ({name})"
            hint = f"check that {self.base_url} is up and answering, or raise --timeout"
        else:
            message = f"the connection failed before an answer ({name})"
            hint = f"check that {self.base_url} is reachable, then run the command again"
        return ApiError(message=message, resource=resource, method=method, url_path=path, hint=hint)

    def error_from_response(
        self, response: httpx.Response, *, method: str, path: str, resource: str | None
    ) -> ApiError:
        """The response's error body as an ApiError (AuthError for 401/403), never a token."""
        error_type, message, body_request_id = read_error_body(response)
        status = response.status_code
        error_class = AuthError if status in (401, 403) else ApiError
        hint = None
        if status in (401, 403) and self.credential is not None:
            hint = self.credential.hint(status)
        known = explain(read_error_code(response))
        if known is not None:
            message, hint = f"{known.explanation} (the server said: {message})", known.hint
        return error_class(
            message=message,
            status=status,
            error_type=error_type,
            request_id=response.headers.get("request-id") or body_request_id,
            resource=resource,
            method=method,
            url_path=path,
            hint=hint,
        )


def _never_sent(exc: httpx.TransportError) -> bool:
    """Errors raised before any byte of the request left: a resend cannot duplicate it."""
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def _encode_params(params: Mapping[str, QueryValue] | None) -> httpx.QueryParams | None:
    """Booleans lower case, arrays as `name[]=a&name[]=b` (docs/admin-api.md §1.5)."""
    if params is None:
        return None
    encoded: list[tuple[str, str | int | float | bool | None]] = []
    for name, value in params.items():
        if isinstance(value, bool):
            encoded.append((name, "true" if value else "false"))
        elif isinstance(value, list):
            encoded.extend((f"{name}[]", item) for item in value)
        else:
            encoded.append((name, str(value)))
    return httpx.QueryParams(encoded)


# Names other modules and tests read from here, where they lived first.
__all__ = [
    "API_VERSION",
    "ATTEMPT_TIMEOUT",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT_SECONDS",
    "AdminClient",
    "OutcomeUnknown",
    "QueryValue",
    "ReadOnlyViolation",
    "Reply",
    "RetryPolicy",
    "Sleeper",
    "SystemSleeper",
    "check_base_url",
    "clip_timeout",
    "is_loopback_host",
    "retry_after_seconds",
]
_should_retry = should_retry
