"""Name -> ID resolution during apply: live IDs first, then the IDs creates return.

Steps reference resources by name (a create's ID only exists once it has run). The map
starts from the live state apply read and learns from every create and rename in this
run; steps run on several threads, so every access holds a lock.

Usage:
    ids = ResourceIds.from_live(live)
    ids.record(Kind.ISSUER, "gha", "fdis_01...")
    issuer_id = ids.require(Kind.ISSUER, "gha")
"""

from __future__ import annotations

import threading

from fedctl.core.errors import ApplyError
from fedctl.core.state import Kind, LiveState


class ResourceIds:
    """A thread-safe (kind, name) -> ID map."""

    def __init__(self, ids: dict[tuple[Kind, str], str] | None = None) -> None:
        self._ids = dict(ids or {})
        self._lock = threading.Lock()

    @classmethod
    def from_live(cls, live: LiveState) -> ResourceIds:
        ids: dict[tuple[Kind, str], str] = {}
        ids.update({(Kind.SERVICE_ACCOUNT, n): r.meta.id for n, r in live.service_accounts.items()})
        ids.update({(Kind.ISSUER, n): r.meta.id for n, r in live.issuers.items()})
        ids.update({(Kind.RULE, n): r.meta.id for n, r in live.rules.items()})
        return cls(ids)

    def record(self, kind: Kind, name: str, resource_id: str) -> None:
        with self._lock:
            self._ids[(kind, name)] = resource_id

    def rename(self, kind: Kind, old_name: str, new_name: str, resource_id: str) -> None:
        with self._lock:
            if self._ids.get((kind, old_name)) == resource_id:
                del self._ids[(kind, old_name)]
            self._ids[(kind, new_name)] = resource_id

    def get(self, kind: Kind, name: str) -> str | None:
        with self._lock:
            return self._ids.get((kind, name))

    def require(self, kind: Kind, name: str) -> str:
        """The ID, or an ApplyError: a planner/executor bug, never a user's typo."""
        resource_id = self.get(kind, name)
        if resource_id is None:
            raise ApplyError(
                f"{kind.value}/{name}: no ID known for this name (neither live nor created "
                "in this run); run `fedctl plan` again"
            )
        return resource_id
