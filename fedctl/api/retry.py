"""How long fedctl keeps trying a call: backoff, server hints, the budget of one call.

policy = RetryPolicy(max_total_seconds=120)
delay = policy.delay(retries_made, response.headers, random.Random())
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass
from typing import Protocol

import httpx

# `--timeout`: no API call, retries and backoff included, takes longer than this.
DEFAULT_TIMEOUT_SECONDS = 120.0
# Plus every status >= 500 (§6.4); see `should_retry`.
RETRYABLE_STATUSES = frozenset({408, 429})
CONFLICT = 409


class Sleeper(Protocol):
    """The clock seam: tests pass a fake that records sleeps instead of waiting."""

    def sleep(self, seconds: float) -> None: ...

    def monotonic(self) -> float: ...


class SystemSleeper:
    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def monotonic(self) -> float:
        return time.monotonic()


@dataclass(frozen=True)
class RetryPolicy:
    """How long fedctl keeps trying: `min(base * 2**n, cap)` times jitter in [0.75, 1.0]."""

    max_retries: int = 8
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_total_seconds: float = DEFAULT_TIMEOUT_SECONDS
    # A retry-after longer than this is not waited for: the run fails with the 429 instead.
    max_retry_after: float = 60.0

    def backoff(self, retries_made: int, rng: random.Random) -> float:
        return min(self.base_delay * float(2**retries_made), self.max_delay) * rng.uniform(
            0.75, 1.0
        )

    def delay(self, retries_made: int, headers: httpx.Headers | None, rng: random.Random) -> float:
        hinted = retry_after_seconds(headers) if headers is not None else None
        return hinted if hinted is not None else self.backoff(retries_made, rng)


def retry_after_seconds(headers: httpx.Headers, *, now: float | None = None) -> float | None:
    """The server's requested wait: retry-after-ms, then retry-after as seconds or HTTP date."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            if (ms := float(raw_ms)) > 0:
                return ms / 1000
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        seconds = float(raw)
        return seconds if seconds > 0 else None
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw).timestamp()
    except (TypeError, ValueError):
        return None
    wait = when - (time.time() if now is None else now)
    return wait if wait > 0 else None


def clip_timeout(timeout: httpx.Timeout, budget: float) -> httpx.Timeout:
    """`timeout` with every phase cut to what is left of the call's budget (at least 0.1 s)."""
    left = max(budget, 0.1)

    def clip(phase: float | None) -> float:
        return left if phase is None else min(phase, left)

    return httpx.Timeout(
        connect=clip(timeout.connect),
        read=clip(timeout.read),
        write=clip(timeout.write),
        pool=clip(timeout.pool),
    )


def should_retry(response: httpx.Response, *, retry_conflict: bool = False) -> bool:
    override = response.headers.get("x-should-retry")
    if override == "true":
        return True
    if override == "false":
        return False
    status = response.status_code
    return status in RETRYABLE_STATUSES or status >= 500 or (retry_conflict and status == CONFLICT)
