"""A server that echoes secrets in its error message: fedctl prints them redacted, short.

A hostile or broken server (or a proxy) may echo the Authorization header, a JWT or key
material into `error.message`; fedctl shows the message with those redacted, on one line,
cut to 256 characters, as the SDK does.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.cli.test_misbehaving_server import (
    TOKEN,
    Answer,
    assert_one_error_line,
    serve,  # noqa: F401 (the fixture)
    whoami,
)

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvYXBwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
PEM = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----"


def _echo(message: str) -> Callable[[], Answer]:
    body = {"type": "error", "error": {"type": "invalid_request_error", "message": message}}
    return lambda: (400, {"content-type": "application/json"}, json.dumps(body).encode())


def test_an_echoed_bearer_token_jwt_and_key_are_redacted(
    serve: Callable[[Callable[[], Answer]], str],  # noqa: F811
) -> None:
    url = serve(
        _echo(f'bad header Authorization: Bearer {TOKEN}; assertion {JWT}; key {PEM}; "d": "Zm9v"')
    )
    line = assert_one_error_line(whoami(url))
    for secret in (TOKEN, JWT, "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49", "Zm9v"):
        assert secret not in line
    assert "Bearer [redacted]" in line
    assert "[redacted JWT]" in line
    assert "[redacted key material]" in line


def test_a_long_server_message_is_cut_to_256_characters(
    serve: Callable[[Callable[[], Answer]], str],  # noqa: F811
) -> None:
    url = serve(_echo("x" * 5000 + "\r\x1b[2K"))
    line = assert_one_error_line(whoami(url))
    assert "x" * 256 not in line
    assert "x" * 255 + "…" in line
    assert "\x1b" not in line
