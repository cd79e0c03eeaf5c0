"""Settling a write whose outcome is unknown: compare what was sent with what is stored,
read back patiently (reads may lag writes), resend only what is known not done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from fedctl.api import wire
from fedctl.api.client import AdminClient, OutcomeUnknown
from fedctl.core.errors import ApiError

Found = TypeVar("Found")
Sent = TypeVar("Sent")

# Sleeps between read-backs: 1.2 s in all, beyond the ~1 s by which reads may lag writes.
READ_BACK_DELAYS: Final = (0.0, 0.2, 0.4, 0.6)
MAX_SENDS: Final = 3


def _normal(key: str, value: Any) -> Any:
    """A sent or stored value in the shape in which two equal meanings compare equal."""
    if key in {"description", "attributes"} and not value:
        return None
    if isinstance(value, wire.WireModel):
        value = value.model_dump()
    if key == "target" and isinstance(value, dict):
        return value.get("service_account_id")
    if isinstance(value, dict):
        return {k: _normal(k, v) for k, v in value.items() if v not in (None, "", {})}
    return value


def differences(stored: wire.WireModel, sent: Mapping[str, Any]) -> list[str]:
    """The sent fields the stored object does not reflect (names only, never values)."""
    changed = []
    for key, value in sent.items():
        if key in {"issuer_id", "jwks_polling_disabled"}:
            continue
        if value is None and key not in {"description", "attributes"}:
            continue  # null means "unchanged" for every other field (§5.11)
        if key == "workspace_id":
            if (
                value is not None
                and value not in getattr(stored, "workspace_ids", [])
                and value != getattr(stored, "workspace_id", None)
            ):
                changed.append(key)
            continue
        if _normal(key, value) != _normal(key, getattr(stored, key, None)):
            changed.append(key)
    return changed


def read_back(
    client: AdminClient, read: Callable[[], Found], accept: Callable[[Found], bool]
) -> tuple[Found, bool]:
    """Read until `accept` holds, waiting out read lag before concluding that it does not.

    Patient even for idempotent writes: a quick resend would be harmless, but a stale
    read after it looks the same as the first one, and the tries would run out.
    """
    found = read()
    for delay in READ_BACK_DELAYS[1:]:
        if accept(found):
            return found, True
        client.sleeper.sleep(delay)
        found = read()
    return found, accept(found)


def resend_until_known(
    client: AdminClient,
    send: Callable[[], Sent],
    read: Callable[[], Sent | None],
    accept: Callable[[Sent], bool],
    *,
    resource: str,
    action: str,
) -> Sent:
    """Send; on an unknown outcome read back until a found object passes `accept`.

    For writes that may be resent once a read shows them not done (update, archive and
    the workspace-scoped upserts); a create needs its own duplicate check (`_create`).
    """
    for _ in range(MAX_SENDS):
        try:
            return send()
        except OutcomeUnknown:
            pass
        found, done = read_back(client, read, lambda obj: obj is not None and accept(obj))
        if done and found is not None:
            return found
    raise still_unknown(resource, action)


def still_unknown(resource: str, action: str) -> ApiError:
    return ApiError(
        message=f"the {action} did not get a definite answer after {MAX_SENDS} tries",
        resource=resource,
        hint="run plan again to see the live state",
    )
