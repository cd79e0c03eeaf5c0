"""Deterministic fault injection: which /v1 request gets which fault.

Every /v1 request (the token exchange included) draws from one `random.Random(seed)` in
arrival order, so the same request sequence meets the same faults. A request fails with
probability `rate`; its kind is drawn among the configured kinds that apply to it:
`lost-response` and `409` only to writes (POST, DELETE), `stale-read` only to GETs, the
rest to all. `409` is a concurrent-modification conflict (docs/admin-api.md §6.2: `conflict_error`
also means "a concurrent modification"): refused before processing, with no
`x-should-retry`, unlike the deterministic duplicate-name 409.

    faults = FaultConfig(rate=0.2, kinds=("429", "reset"), seed=7)
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

FAULT_KINDS = ("429", "409", "500", "503", "529", "reset", "lost-response", "stale-read")
STATUS_FAULTS = {
    "429": (429, "rate_limit_error", "Rate limited (injected fault)."),
    "409": (409, "conflict_error", "Concurrent modification; retry (injected fault)."),
    "500": (500, "api_error", "Internal server error (injected fault)."),
    "503": (503, "api_error", "Service unavailable (injected fault)."),
    "529": (529, "overloaded_error", "Overloaded (injected fault)."),
}
RETRY_AFTER_SECONDS = "1"


@dataclass
class FaultConfig:
    """Fault injection settings; the defaults inject nothing."""

    rate: float = 0.0
    kinds: tuple[str, ...] = ()
    seed: int = 0
    read_lag_ms: int = 1000
    latency_ms: int = 0

    def __post_init__(self) -> None:
        unknown = [kind for kind in self.kinds if kind not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kind {unknown[0]!r}; known: {', '.join(FAULT_KINDS)}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, got {self.rate}")
        if self.read_lag_ms < 0 or self.latency_ms < 0:
            raise ValueError("read lag and latency must not be negative")


def parse_kinds(text: str) -> tuple[str, ...]:
    """`--fault-kinds 429,reset` -> ("429", "reset"); raises ValueError on unknown kinds."""
    kinds = tuple(kind.strip() for kind in text.split(",") if kind.strip())
    FaultConfig(kinds=kinds)
    return kinds


class FaultPlan:
    """Draws the fault (or None) for each request, in arrival order."""

    def __init__(self, config: FaultConfig) -> None:
        self._lock = threading.Lock()
        self.config = config
        self._random = random.Random(config.seed)  # noqa: S311 - reproducibility, not secrecy

    def draw(self, method: str) -> str | None:
        applicable = [kind for kind in self.config.kinds if _applies(kind, method)]
        with self._lock:
            if self.config.rate <= 0.0:
                return None
            roll = self._random.random()
            if not applicable or roll >= self.config.rate:
                return None
            return self._random.choice(applicable)


def _applies(kind: str, method: str) -> bool:
    if kind in ("lost-response", "409"):
        return method in ("POST", "DELETE")
    if kind == "stale-read":
        return method == "GET"
    return True
