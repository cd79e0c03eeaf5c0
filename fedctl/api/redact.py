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

from fedctl.render.escape import escape_terminal

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
