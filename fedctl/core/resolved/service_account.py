"""The resolved read model of a service account: memberships by workspace ID, names beside.

Usage:
    account = ResolvedServiceAccount.from_spec(spec, workspace_names={"wrkspc_01": "prod"})
    account.memberships  # (("wrkspc_01", "workspace_developer"),): sorted, hashable
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fedctl.core.fields import SERVICE_ACCOUNT_FIELDS
from fedctl.core.state import LiveServiceAccount, ServiceAccountSpec

# Fields this model holds in another form: memberships as sorted pairs.
_FLATTENED = frozenset({"memberships"})


@dataclass(frozen=True)
class ResolvedServiceAccount:
    name: str
    description: str
    organization_role: str
    # (workspace ID, role), sorted; read from a configuration alone, the references as
    # written, in file order.
    memberships: tuple[tuple[str, str], ...]
    workspace_names: tuple[tuple[str, str], ...] = ()
    service_account_id: str | None = None

    @classmethod
    def from_spec(
        cls,
        spec: ServiceAccountSpec,
        *,
        workspace_names: Mapping[str, str] | None = None,
        service_account_id: str | None = None,
    ) -> ResolvedServiceAccount:
        values: dict[str, Any] = {
            info.name: getattr(spec, info.name)
            for info in SERVICE_ACCOUNT_FIELDS
            if info.name not in _FLATTENED
        }
        names = workspace_names or {}
        memberships = tuple(sorted(spec.memberships.items()))
        return cls(
            **values,
            memberships=memberships,
            workspace_names=tuple((wid, names[wid]) for wid, _ in memberships if wid in names),
            service_account_id=service_account_id,
        )

    @classmethod
    def from_live(
        cls, account: LiveServiceAccount, *, workspace_names: Mapping[str, str]
    ) -> ResolvedServiceAccount:
        return cls.from_spec(
            account.spec, workspace_names=workspace_names, service_account_id=account.meta.id
        )

    @property
    def workspace_ids(self) -> tuple[str, ...]:
        """The member workspaces, in the order of `memberships`."""
        return tuple(workspace_id for workspace_id, _role in self.memberships)
