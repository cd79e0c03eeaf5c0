"""What the routes share: the emulator's context and one call as a handler sees it.

app.py (auth, errors, the ASGI wrapper) and routes.py (the endpoint catalogue) both
build on these types, and neither imports the other's internals.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.requests import Request
from starlette.types import Scope

from fedctl.emulator.api_keys import ApiKeys
from fedctl.emulator.db import Actor
from fedctl.emulator.exchange import TokenExchange
from fedctl.emulator.faults import FaultConfig, FaultPlan
from fedctl.emulator.store import Store
from fedctl.emulator.validation import bad_request

# The emulator's one Admin API key, accepted only on the API-key endpoints (§9.3).
DEFAULT_ADMIN_API_KEY = "sk-ant-admin01-local-emulator-admin-key"
EndpointKind = Literal["wif", "org", "keys", "public"]
Handler = Callable[["Call"], Any]


@dataclass
class EmulatorContext:
    """Everything the routes share: the store, the admin token, faults, the request log."""

    store: Store
    # A bearer token (never in a repr); None: no static admin token is accepted.
    admin_token: str | None = field(repr=False)
    faults: FaultPlan = field(default_factory=lambda: FaultPlan(FaultConfig()))
    drop_connection: Callable[[Scope], None] | None = None
    request_log: list[tuple[str, str]] = field(default_factory=list)
    log_lock: threading.Lock = field(default_factory=threading.Lock)

    api_keys: ApiKeys = field(default_factory=ApiKeys)
    # "refuse": the API-key endpoints take only the Admin API key (the other reading, §9.3).
    api_keys_bearer: Literal["accept", "refuse"] = "accept"
    # None: no Admin API key is accepted (an explicit --admin-token replaced the default).
    admin_api_key: str | None = field(default=DEFAULT_ADMIN_API_KEY, repr=False)
    # Serve an empty page carrying a cursor before every opaque-cursor page (§4.1, rev. 3).
    empty_pages: bool = False

    def __post_init__(self) -> None:
        self.exchange = TokenExchange(self.store)

    def set_faults(self, config: FaultConfig) -> None:
        self.faults = FaultPlan(config)
        self.store.db.read_lag_seconds = config.read_lag_ms / 1000


@dataclass
class Call:
    """One authenticated API call as a handler sees it."""

    request: Request
    actor: Actor
    body: Any
    stale: bool

    def path(self, name: str) -> str:
        return str(self.request.path_params[name])

    def query_limit(self, *, high: int = 100) -> int:
        raw = self.request.query_params.get("limit")
        if raw is None:
            return 20
        if not re.fullmatch(r"\d+", raw) or not 1 <= int(raw) <= high:
            raise bad_request(f"limit: must be an integer between 1 and {high}")
        return int(raw)

    def query_bool(self, name: str) -> bool:
        raw = self.request.query_params.get(name)
        if raw is None:
            return False
        if raw not in ("true", "false"):
            raise bad_request(f"{name}: must be true or false")
        return raw == "true"

    def query_str(self, name: str) -> str | None:
        return self.request.query_params.get(name)
