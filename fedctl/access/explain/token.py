"""Reads the identity token `fedctl explain` reasons about, WITHOUT verifying it.

The token is only decoded: explain answers "would a rule accept these claims", and a
signature can only be checked by the exchange against the issuer's keys. The raw token
string is never kept (only its decoded header and claims), so no message, repr or output
can echo it or its signature.

Usage:
    token = decode_token(jwt_text)        # or read_token_file(path) / read_claims_file(path)
    token.claims["sub"]
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fedctl.core.errors import UsageError

# The exchange refuses larger assertions (docs/admin-api.md §7.3); explain only warns about it.
MAX_ASSERTION_BYTES = 16 * 1024


@dataclass(frozen=True)
class DecodedToken:
    """The decoded header and claims of an identity token; never the token itself.

    `source` says where it came from ("--token", "--token-file", "--claims"); `size` is
    the byte length of the token (None for a claims file).
    """

    claims: dict[str, Any]
    header: dict[str, Any] = field(default_factory=dict)
    source: str = "--claims"
    size: int | None = None


def decode_token(token: str, *, source: str = "--token") -> DecodedToken:
    """Decode a compact JWS without checking its signature (explain never verifies)."""
    text = token.strip()
    parts = text.split(".")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise UsageError(
            f"{source}: not a JWT: expected three base64url parts separated by '.', "
            f"found {len(parts)} part(s) (the token is not shown)"
        )
    header = _decode_part(parts[0], source=source, what="header")
    claims = _decode_part(parts[1], source=source, what="payload")
    return DecodedToken(claims=claims, header=header, source=source, size=len(text.encode()))


def read_token_file(path: str | Path) -> DecodedToken:
    """Read a JWT from a file, stripped of surrounding whitespace (as the SDK does)."""
    return decode_token(_read_text(path, "--token-file"), source="--token-file")


def read_claims_file(path: str | Path) -> DecodedToken:
    """Read a decoded claim set (a JSON object), e.g. a provider's documented example."""
    text = _read_text(path, "--claims")
    try:
        claims = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"--claims {path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); "
            "give the decoded payload as a JSON object"
        ) from exc
    except RecursionError:
        raise UsageError(
            f"--claims {path}: JSON nested too deeply; give the decoded payload as a JSON object"
        ) from None
    if not isinstance(claims, dict):
        raise UsageError(
            f"--claims {path}: expected a JSON object of claims, found {type(claims).__name__}"
        )
    return DecodedToken(claims=claims, source="--claims")


def _read_text(path: str | Path, option: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"{option} {path}: cannot read the file: {reason}") from exc
    if not text.strip():
        raise UsageError(f"{option} {path}: the file is empty")
    return text


def _decode_part(part: str, *, source: str, what: str) -> dict[str, Any]:
    # Messages name the part but never quote it: a payload fragment is still the token.
    # The cause is dropped (`from None`) because its message may quote decoded bytes.
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        raise UsageError(
            f"{source}: not a JWT: the {what} is not base64url-encoded JSON "
            "(the token is not shown)"
        ) from None
    if not isinstance(value, dict):
        raise UsageError(f"{source}: not a JWT: the {what} is not a JSON object")
    return value
