"""`error.details.error_code` (docs/admin-api.md §6.1, §9): known codes read for people.

The server's message wording may change (§6.1), so the explanation comes from the code,
and an unknown code is ignored (the bare `error.type` stands, as the SDKs do).
"""

from __future__ import annotations

from typing import NamedTuple

import httpx


class KnownCode(NamedTuple):
    explanation: str
    hint: str


KNOWN_CODES = {
    "org_api_key_limit_exceeded": KnownCode(
        "the organization has reached its limit of active API keys",
        "deactivate or archive API keys the organization no longer uses, then try again "
        "(the limit is set by Anthropic; the Console shows the keys)",
    ),
    "workspace_api_key_limit_exceeded": KnownCode(
        "the key's workspace has reached its limit of active API keys",
        "deactivate or archive API keys of that workspace, then try again",
    ),
    "sandbox_egress_restricted": KnownCode(
        "the request was refused by a sandbox egress restriction",
        "run fedctl from a network allowed to reach the Admin API",
    ),
}


def read_error_code(response: httpx.Response) -> str | None:
    """`error.details.error_code` when it is a string, else None (never raises)."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    code = details.get("error_code") if isinstance(details, dict) else None
    return code if isinstance(code, str) else None


def explain(code: str | None) -> KnownCode | None:
    return KNOWN_CODES.get(code) if code is not None else None
