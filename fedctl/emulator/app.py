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
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fedctl.emulator import empty_pages
from fedctl.emulator.calls import DEFAULT_ADMIN_API_KEY as DEFAULT_ADMIN_API_KEY
from fedctl.emulator.calls import Call, EmulatorContext, EndpointKind, Handler
from fedctl.emulator.db import ADMIN_USER_ID, BASE62, Actor
from fedctl.emulator.faults import RETRY_AFTER_SECONDS, STATUS_FAULTS
from fedctl.emulator.logins import LOGIN_RULE_ID
from fedctl.emulator.routes import route_table
from fedctl.emulator.tokens import MINTED_TOKEN_PREFIX
from fedctl.emulator.validation import ApiFailure, bad_request, forbidden, unauthorized

ADMIN_API_KEY_PREFIX = "sk-ant-admin01-"
# §1.3: tokens this emulator minted are refused without this beta name, as
# other APIs refuse OAuth tokens without it; the static admin token is accepted either way.
OAUTH_BETA = "oauth-2025-04-20"
API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def new_request_id() -> str:
    return "req_01" + "".join(secrets.choice(BASE62) for _ in range(22))


def error_response(failure: ApiFailure, request_id: str) -> JSONResponse:
    headers = {"request-id": request_id}
    if failure.should_retry is not None:
        headers["x-should-retry"] = "true" if failure.should_retry else "false"
    if failure.status == 429:
        headers["retry-after"] = RETRY_AFTER_SECONDS
    error: dict[str, Any] = {"type": failure.error_type, "message": failure.message}
    if failure.details is not None:
        error["details"] = dict(failure.details)
    body = {"type": "error", "error": error, "request_id": request_id}
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
    """Map a credential to an actor (§1.2, §5.9, §8 item 1).

    Every 401 names the header the credential came in (`x-api-key` or `Authorization`),
    so a user sees which of their two settings is wrong.
    """
    if kind == "public":
        return Actor("anonymous", "user")
    api_key = request.headers.get("x-api-key")
    authorization = request.headers.get("authorization", "")
    bearer = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
    header = "x-api-key" if api_key is not None else "Authorization"
    credential = api_key if api_key is not None else bearer
    if not credential:
        raise unauthorized(
            f"Missing credential (the {header} header is empty or absent): send "
            "'Authorization: Bearer <org:admin token>'."
        )
    if kind == "keys":
        return _authenticate_keys(context, credential, header=header, request=request)
    if credential.startswith(ADMIN_API_KEY_PREFIX):
        if kind == "wif":
            raise forbidden(
                "Admin API keys are not accepted on service account, federation "
                "issuer and federation rule endpoints; use an org:admin OAuth token."
            )
        # /v1/organizations/me and the workspace endpoints take Admin API keys (§1.2).
        if _is_admin_api_key(context, credential):
            return Actor(ADMIN_USER_ID, "user")
        raise unauthorized(f"Invalid Admin API key in the {header} header.")
    if api_key is not None:
        raise unauthorized(
            "Invalid x-api-key header: it takes an Admin API key (sk-ant-admin01-...); "
            "send OAuth tokens as 'Authorization: Bearer <token>'."
        )
    return _authenticate_bearer(context, credential, request)


def _authenticate_bearer(context: EmulatorContext, credential: str, request: Request) -> Actor:
    admin_token = context.admin_token
    if admin_token is not None and secrets.compare_digest(
        credential.encode(), admin_token.encode()
    ):
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
    raise unauthorized("Invalid bearer token in the Authorization header.")


def _is_admin_api_key(context: EmulatorContext, credential: str) -> bool:
    expected = context.admin_api_key
    return expected is not None and secrets.compare_digest(credential.encode(), expected.encode())


def _authenticate_keys(
    context: EmulatorContext, credential: str, *, header: str, request: Request
) -> Actor:
    """The API-key endpoints (§9.3): the Admin API key always; bearers unless refused."""
    if _is_admin_api_key(context, credential):
        return Actor(ADMIN_USER_ID, "user")
    if header == "x-api-key" or credential.startswith(ADMIN_API_KEY_PREFIX):
        raise unauthorized(f"Invalid Admin API key in the {header} header.")
    if context.api_keys_bearer == "refuse":
        raise unauthorized(
            "These endpoints take an Admin API key in x-api-key; the Authorization "
            "header's bearer token is refused here."
        )
    return authenticate(context, request, "org")


def _has_oauth_beta(request: Request) -> bool:
    names = request.headers.get("anthropic-beta", "").split(",")
    return OAUTH_BETA in (name.strip() for name in names)


def build_app(context: EmulatorContext) -> ASGIApp:
    """The full ASGI app: fault/log middleware around the Starlette router."""
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
        if self._context.empty_pages and empty_pages.applies(scope):
            await empty_pages.serve_with_empty_pages(self._app, scope, receive, send)
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
