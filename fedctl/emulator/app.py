"""The emulator's HTTP surface: Starlette routes over the Store, auth, errors, faults.

Request flow: `EmulatorASGI` (request-id, request log, latency, injected faults) ->
Starlette routing -> `_endpoint` wrapper (credential check, JSON body, ApiFailure ->
error body) -> one Store method.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fedctl.emulator.api_keys import ApiKeys
from fedctl.emulator.db import ADMIN_USER_ID, BASE62, Actor
from fedctl.emulator.exchange import TokenExchange
from fedctl.emulator.faults import RETRY_AFTER_SECONDS, STATUS_FAULTS, FaultConfig, FaultPlan
from fedctl.emulator.logins import LOGIN_RULE_ID
from fedctl.emulator.store import MINTED_TOKEN_PREFIX, Store
from fedctl.emulator.validation import ApiFailure, bad_request, forbidden, unauthorized

ADMIN_API_KEY_PREFIX = "sk-ant-admin01-"
# The emulator's one Admin API key, accepted only on the API-key endpoints (§9.3).
DEFAULT_ADMIN_API_KEY = "sk-ant-admin01-local-emulator-admin-key"
# Revision 2, §1.3: tokens this emulator minted are refused without this beta name, as
# other APIs refuse OAuth tokens without it; the static admin token is accepted either way.
OAUTH_BETA = "oauth-2025-04-20"
API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EndpointKind = Literal["wif", "org", "keys", "public"]
Handler = Callable[["Call"], Any]


@dataclass
class EmulatorContext:
    """Everything the routes share: the store, the admin token, faults, the request log."""

    store: Store
    admin_token: str = field(repr=False)  # a bearer token: never in a repr
    faults: FaultPlan = field(default_factory=lambda: FaultPlan(FaultConfig()))
    drop_connection: Callable[[Scope], None] | None = None
    request_log: list[tuple[str, str]] = field(default_factory=list)
    log_lock: threading.Lock = field(default_factory=threading.Lock)

    api_keys: ApiKeys = field(default_factory=ApiKeys)
    # "refuse": the API-key endpoints take only the Admin API key (the other reading, §9.3).
    api_keys_bearer: Literal["accept", "refuse"] = "accept"
    admin_api_key: str = field(default=DEFAULT_ADMIN_API_KEY, repr=False)

    def __post_init__(self) -> None:
        self.exchange = TokenExchange(self.store)

    def set_faults(self, config: FaultConfig) -> None:
        self.faults = FaultPlan(config)
        self.store.read_lag_seconds = config.read_lag_ms / 1000


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


def new_request_id() -> str:
    return "req_01" + "".join(secrets.choice(BASE62) for _ in range(22))


def error_response(failure: ApiFailure, request_id: str) -> JSONResponse:
    headers = {"request-id": request_id}
    if failure.should_retry is not None:
        headers["x-should-retry"] = "true" if failure.should_retry else "false"
    if failure.status == 429:
        headers["retry-after"] = RETRY_AFTER_SECONDS
    body = {
        "type": "error",
        "error": {"type": failure.error_type, "message": failure.message},
        "request_id": request_id,
    }
    return JSONResponse(body, status_code=failure.status, headers=headers)


def _request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id") or new_request_id())


def _endpoint(
    context: EmulatorContext, kind: EndpointKind, handler: Handler
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        request_id = _request_id(request)
        try:
            version = request.headers.get("anthropic-version")
            if version is not None and not API_VERSION.match(version):
                raise bad_request("anthropic-version: expected a version date such as 2023-06-01")
            actor = authenticate(context, request, kind)
            body = await _json_body(request)
            stale = bool(request.scope.get("state", {}).get("stale"))
            result = handler(Call(request, actor, body, stale))
        except ApiFailure as failure:
            return error_response(failure, request_id)
        return JSONResponse(
            result,
            headers={
                "request-id": request_id,
                "anthropic-organization-id": context.store.organization_id,
            },
        )

    return endpoint


async def _json_body(request: Request) -> Any:
    if request.method not in ("POST", "DELETE"):
        return None
    raw = await request.body()
    if not raw.strip():
        return {}  # archive and DELETE carry an empty body; treat it as {}
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise bad_request("body: not valid JSON") from None


def authenticate(context: EmulatorContext, request: Request, kind: EndpointKind) -> Actor:
    """Map a credential to an actor (§1.2, §5.9, §8.1 item 1)."""
    if kind == "public":
        return Actor("anonymous", "user")
    api_key = request.headers.get("x-api-key")
    authorization = request.headers.get("authorization", "")
    bearer = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
    credential = api_key if api_key is not None else bearer
    if not credential:
        raise unauthorized("Missing credential: send 'Authorization: Bearer <org:admin token>'.")
    if kind == "keys":
        return _authenticate_keys(
            context, credential, from_header=api_key is not None, request=request
        )
    if credential.startswith(ADMIN_API_KEY_PREFIX):
        if kind == "wif":
            raise forbidden(
                "Admin API keys are not accepted on service account, federation "
                "issuer and federation rule endpoints; use an org:admin OAuth token."
            )
        raise unauthorized("invalid x-api-key (the local emulator has no Admin API keys)")
    if api_key is not None:
        raise unauthorized("invalid x-api-key")
    if secrets.compare_digest(credential.encode(), context.admin_token.encode()):
        return Actor(ADMIN_USER_ID, "user")
    if credential.startswith(MINTED_TOKEN_PREFIX):
        binding = context.store.lookup_token(credential)
        if binding is not None:
            if not _has_oauth_beta(request):
                raise unauthorized(
                    "OAuth authentication is currently not supported without the "
                    f"'anthropic-beta: {OAUTH_BETA}' header."
                )
            if binding.rule_id == LOGIN_RULE_ID:
                return Actor(ADMIN_USER_ID, "user")
            if "org:admin" not in binding.scopes:
                raise forbidden(
                    f"This token's scope ({binding.scope}) does not cover the "
                    "Admin API; it needs org:admin."
                )
            # The effective permission is the scope intersected with the role (§5.7).
            if context.store.service_account_role(binding.service_account_id) != "admin":
                raise forbidden(
                    "This token's service account is no longer an active admin service account."
                )
            return Actor(binding.service_account_id, "service_account")
    raise unauthorized("Invalid bearer token.")


def _authenticate_keys(
    context: EmulatorContext, credential: str, *, from_header: bool, request: Request
) -> Actor:
    """The API-key endpoints (§9.3): the Admin API key always; bearers unless refused."""
    if secrets.compare_digest(credential.encode(), context.admin_api_key.encode()):
        return Actor(ADMIN_USER_ID, "user")
    if from_header or credential.startswith(ADMIN_API_KEY_PREFIX):
        raise unauthorized("invalid x-api-key")
    if context.api_keys_bearer == "refuse":
        raise unauthorized("These endpoints take an Admin API key in x-api-key.")
    return authenticate(context, request, "org")


def _has_oauth_beta(request: Request) -> bool:
    names = request.headers.get("anthropic-beta", "").split(",")
    return OAUTH_BETA in (name.strip() for name in names)


def build_app(context: EmulatorContext) -> ASGIApp:
    """The full ASGI app: fault/log middleware around the Starlette router."""
    from fedctl.emulator.routes import route_table

    routes = [
        Route(path, _endpoint(context, kind, handler), methods=[method])
        for method, path, kind, handler in route_table(context)
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        error_type = {404: "not_found_error", 405: "invalid_request_error"}.get(status, "api_error")
        message = "Not found." if status == 404 else f"HTTP {status}"
        return error_response(ApiFailure(status, error_type, message), _request_id(request))

    router = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    return EmulatorASGI(router, context)


class EmulatorASGI:
    """Request-id, request log, latency and injected faults around the router."""

    def __init__(self, app: ASGIApp, context: EmulatorContext) -> None:
        self._app = app
        self._context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        with self._context.log_lock:
            self._context.request_log.append((method, path))
        request_id = new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        faults = self._context.faults
        fault = faults.draw(method) if path.startswith("/v1/") else None
        if faults.config.latency_ms:
            await asyncio.sleep(faults.config.latency_ms / 1000)
        if fault == "reset":
            await self._drop(scope, receive)
            return
        if fault in STATUS_FAULTS:
            status, error_type, message = STATUS_FAULTS[fault]
            response = error_response(ApiFailure(status, error_type, message), request_id)
            await response(scope, receive, send)
            return
        if fault == "stale-read":
            scope["state"]["stale"] = True
        if fault == "lost-response":
            await self._app(scope, receive, _swallow)  # the write commits; the answer is lost
            await self._drop(scope, receive)
            return
        await self._app(scope, receive, send)

    async def _drop(self, scope: Scope, receive: Receive) -> None:
        """Close the connection without a response, then wait for the server to notice."""
        if self._context.drop_connection is None:
            raise ConnectionAbortedError("injected fault: connection dropped")
        self._context.drop_connection(scope)
        try:
            async with asyncio.timeout(5):
                while (await receive())["type"] != "http.disconnect":
                    pass
        except TimeoutError:
            pass


async def _swallow(message: Message) -> None:
    return None
