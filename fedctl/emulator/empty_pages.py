"""`--empty-pages`: an empty page carrying a cursor before every page of an opaque list.

Both official SDKs keep paging while `next_page` is set, even when `data` is empty
(docs/admin-api.md §4.1); a client that stops there truncates the list. The real
service is not known to do this often, so the emulator does it on request, to let tests
see a client that stops early. Every opaque-cursor list (§4.1) is affected; the rule
workspace list (never paginated, §4.2) and the ID-cursor lists are not.

The first request of a listing gets `{"data": [], "next_page": "empty_<wrapped>"}`; the
request that comes back with that cursor is served the real page it stands for.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EMPTY_CURSOR_PREFIX = "empty_"
OPAQUE_LISTS = re.compile(
    r"^/v1/organizations/(?:service_accounts|federation_issuers|federation_rules"
    r"|service_accounts/[^/]+/workspaces|workspaces/[^/]+/service_accounts)$"
)


def applies(scope: Scope) -> bool:
    return scope["method"] == "GET" and OPAQUE_LISTS.match(scope["path"]) is not None


async def serve_with_empty_pages(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Serve an empty page with a cursor first, then (on that cursor) the real page."""
    params = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    page = dict(params).get("page")
    if page is not None and page.startswith(EMPTY_CURSOR_PREFIX):
        real_page = _unwrap(page[len(EMPTY_CURSOR_PREFIX) :])
        query = [(name, value) for name, value in params if name != "page"]
        if real_page:
            query.append(("page", real_page))
        await app({**scope, "query_string": urlencode(query).encode()}, receive, send)
        return
    captured: list[Message] = []

    async def capture(message: Message) -> None:
        captured.append(message)

    await app(scope, receive, capture)
    empty = _empty_page_instead(captured, page or "")
    if empty is None:
        for message in captured:
            await send(message)
        return
    await empty(scope, receive, send)


def _empty_page_instead(captured: list[Message], page: str) -> JSONResponse | None:
    """The empty page to serve in place of a successful, non-empty list page, else None."""
    start = next((m for m in captured if m["type"] == "http.response.start"), None)
    if start is None or start["status"] != 200:
        return None
    body = b"".join(m.get("body", b"") for m in captured if m["type"] == "http.response.body")
    try:
        payload: Any = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or "next_page" not in payload or not payload.get("data"):
        return None
    headers = {
        key.decode("latin-1"): value.decode("latin-1")
        for key, value in start.get("headers", [])
        if key.lower() in (b"request-id", b"anthropic-organization-id")
    }
    cursor = EMPTY_CURSOR_PREFIX + base64.urlsafe_b64encode(page.encode()).decode()
    return JSONResponse({"data": [], "next_page": cursor}, headers=headers)


def _unwrap(wrapped: str) -> str:
    try:
        return base64.b64decode(wrapped.encode(), altchars=b"-_", validate=True).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return "\x00invalid"  # the list answers 400 for a cursor it never gave
