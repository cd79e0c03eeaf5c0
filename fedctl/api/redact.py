"""Server text is hostile: what fedctl shows of an error message it did not write.

A server (or a proxy in front of it) may echo the request into its error message: the
Authorization header, the identity token of an exchange, a key. Before such a message
becomes part of an ApiError it loses bearer tokens, Anthropic keys and tokens, JWTs, PEM
blocks and private JWK members, its control characters are shown escaped (one line), and
it is cut to 256 characters, as the SDK cuts what it shows of a body.

    redact_server_message("bad Authorization: Bearer sk-ant-oat01-abc")
    # 'bad Authorization: Bearer [redacted]'
"""

from __future__ import annotations

import re

import httpx

from fedctl.core.escape import escape_terminal

MAX_MESSAGE_CHARS = 256

_PATTERNS = (
    (
        re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(?:-----END [A-Z0-9 ]+-----|$)", re.DOTALL),
        "[redacted key material]",
    ),
    (re.compile(r"(?i)\b(bearer|basic)\s+[^\s,;\"']+"), r"\1 [redacted]"),
    (re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?"), "[redacted JWT]"),
    (re.compile(r"sk-ant-[A-Za-z0-9_-]+"), "[redacted]"),
    # Private JWK members, as they appear in echoed JSON ("d": "...").
    (
        re.compile(r"([\"'](?:d|p|q|dp|dq|qi|k|oth)[\"']\s*:\s*)(?:[\"'][^\"']*[\"']|\[[^\]]*\])"),
        r"\1[redacted]",
    ),
)


def redact_server_message(text: str) -> str:
    """The message with secrets replaced, escaped to one line and cut to 256 characters."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    text = escape_terminal(text)
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    return text


def read_error_body(response: httpx.Response) -> tuple[str | None, str, str | None]:
    try:
        body = response.json()
    except ValueError:
        return None, _phrase(response), None
    if not isinstance(body, dict):
        return None, _phrase(response), None
    error = body.get("error")
    if isinstance(error, dict):
        error_type = error.get("type") if isinstance(error.get("type"), str) else None
        message = error.get("message") if isinstance(error.get("message"), str) else None
    else:  # OAuth-style body from an older exchange revision (§7.4)
        error_type = error if isinstance(error, str) else None
        message = (
            body.get("error_description")
            if isinstance(body.get("error_description"), str)
            else None
        )
    request_id = body.get("request_id") if isinstance(body.get("request_id"), str) else None
    return (
        error_type,
        redact_server_message(message or response.reason_phrase or f"HTTP {response.status_code}"),
        request_id,
    )


def _phrase(response: httpx.Response) -> str:
    return redact_server_message(response.reason_phrase or f"HTTP {response.status_code}")
