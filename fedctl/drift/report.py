"""DesiredState + LiveState -> DriftReport: live differences that did not come from fedctl.

How fedctl tells (documented in the README): a difference is *drift* when the live
resource was last written by an actor that is not one of fedctl's own actors, the
identities fedctl's apply runs as (`--fedctl-actor`, plus the service account of a
federated credential). Concretely:

- a declared resource whose fields differ: attributed to `updated_by_actor_id`;
- a declared resource archived live: attributed to `archived_by_actor_id`;
- a live resource no file declares: attributed to `created_by_actor_id` (except those
  `settings.unmanaged` leaves to another team, which are not reported);
- membership and workspace-enablement rows carry no actor in the API, so a difference
  there is attributed to nobody and always counts as drift (conservative);
- a declared resource that never existed is a pending create, never drift.

Differences written by fedctl's actors are *pending* (the configuration changed and was
not applied yet) and listed apart; they do not make `fedctl drift` exit 2.

Usage:
    report = compute_drift(desired, live, fedctl_actors={"svac_01..."})
    report.has_drift
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from fedctl.access.model import Effect
from fedctl.core.address import Address
from fedctl.core.pairing import live_name_of, pending_renames, previous_names_of
from fedctl.core.patterns import is_unmanaged
from fedctl.core.state import (
    DesiredState,
    Kind,
    LiveIssuer,
    LiveMeta,
    LiveRule,
    LiveServiceAccount,
    LiveState,
)

LiveResource = LiveServiceAccount | LiveIssuer | LiveRule

# Fields held by rows without their own actor record (docs/admin-api.md §3.7, §3.8).
_ROW_FIELDS = {Kind.SERVICE_ACCOUNT: "memberships", Kind.RULE: "workspace_ids"}


class DriftKind(StrEnum):
    CHANGED = "changed"
    ARCHIVED = "archived"
    UNMANAGED = "unmanaged"
    NOT_CREATED = "not_created"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldDifference(_Frozen):
    field: str
    configured: Any = None
    live: Any = None


class DriftItem(_Frozen):
    """One difference, who made it and when; `drift` is False when fedctl made it."""

    address: Address
    kind: DriftKind
    fields: tuple[FieldDifference, ...] = ()
    actor_id: str | None = None
    at: str | None = None
    drift: bool
    # How the change from the configured to the live state moves access, as the access
    # diff classes it (fedctl.drift.access); None when it touches no access.
    effect: Effect | None = None
    access: str = ""

    def summary(self) -> str:
        actor = self.actor_id or "an unrecorded actor"
        when = f" at {self.at}" if self.at else ""
        if self.kind is DriftKind.CHANGED:
            names = ", ".join(difference.field for difference in self.fields)
            if self.actor_id is None:
                return f"{self.address}: {names} differ (rows carry no actor)"
            return f"{self.address}: {names} changed by {actor}{when}"
        if self.kind is DriftKind.ARCHIVED:
            return f"{self.address}: archived by {actor}{when}"
        if self.kind is DriftKind.UNMANAGED:
            return f"{self.address}: created by {actor}{when}, declared in no file"
        return f"{self.address}: declared but not created yet"


class DriftReport(_Frozen):
    fedctl_actors: tuple[str, ...]
    items: tuple[DriftItem, ...] = ()

    @property
    def drift(self) -> tuple[DriftItem, ...]:
        return tuple(item for item in self.items if item.drift)

    @property
    def pending(self) -> tuple[DriftItem, ...]:
        return tuple(item for item in self.items if not item.drift)

    @property
    def has_drift(self) -> bool:
        return bool(self.drift)

    @property
    def broadens(self) -> bool:
        """Whether any drift (not pending) item may admit a grant the files do not."""
        return any(item.effect is not None and item.effect.broadens for item in self.drift)

    def to_json(self) -> dict[str, Any]:
        return {
            "has_drift": self.has_drift,
            "broadens": self.broadens,
            "fedctl_actors": list(self.fedctl_actors),
            "drift": [item.model_dump(mode="json") for item in self.drift],
            "pending": [item.model_dump(mode="json") for item in self.pending],
        }


def compute_drift(
    desired: DesiredState, live: LiveState, *, fedctl_actors: Collection[str]
) -> DriftReport:
    actors = frozenset(fedctl_actors)
    items: list[DriftItem] = []
    kinds: list[tuple[Kind, Mapping[str, Any], Mapping[str, Any], tuple[Any, ...]]] = [
        (Kind.SERVICE_ACCOUNT, desired.service_accounts, live.service_accounts,
         live.archived_service_accounts),
        (Kind.ISSUER, desired.issuers, live.issuers, live.archived_issuers),
        (Kind.RULE, desired.rules, live.rules, live.archived_rules),
    ]  # fmt: skip
    issuer_renames = pending_renames(desired, Kind.ISSUER, live.issuers)
    account_renames = pending_renames(desired, Kind.SERVICE_ACCOUNT, live.service_accounts)
    for kind, declared, active, archived in kinds:
        claimed: set[str] = set()
        for name, spec in sorted(declared.items()):
            live_name = live_name_of(desired, kind, name, active)
            if live_name is not None:
                claimed.add(live_name)
                resource = active[live_name]
                live_spec = _comparable(resource, issuer_renames, account_renames)
                items.extend(
                    _changed(kind, name, spec.model_dump(), live_spec, resource.meta, actors)
                )
                continue
            items.append(_missing(kind, name, desired, archived, actors))
        for live_name in sorted(set(active) - claimed):
            meta = active[live_name].meta
            if is_unmanaged(kind, live_name, meta.id, desired.unmanaged):
                continue  # another team's (settings.unmanaged): not this configuration's drift
            items.append(
                DriftItem(
                    address=Address(kind, live_name),
                    kind=DriftKind.UNMANAGED,
                    actor_id=meta.created_by_actor_id,
                    at=meta.created_at,
                    drift=meta.created_by_actor_id not in actors,
                )
            )
    return DriftReport(fedctl_actors=tuple(sorted(actors)), items=tuple(items))


def _comparable(
    resource: LiveResource, issuer_renames: dict[str, str], account_renames: dict[str, str]
) -> dict[str, Any]:
    """The live spec as the configuration would spell it (pending renames applied)."""
    spec = resource.spec.model_dump()
    if isinstance(resource, LiveRule):
        spec["issuer_name"] = issuer_renames.get(spec["issuer_name"], spec["issuer_name"])
        name = spec["service_account_name"]
        spec["service_account_name"] = account_renames.get(name, name)
        if resource.legacy_workspace_id:
            spec["workspace_ids"] = spec["workspace_ids"] | {resource.legacy_workspace_id}
    return spec


def _changed(
    kind: Kind,
    name: str,
    configured: dict[str, Any],
    live: dict[str, Any],
    meta: LiveMeta,
    actors: frozenset[str],
) -> list[DriftItem]:
    address = Address(kind, name)
    # A name difference is a pending rename (previous_names), which fedctl makes.
    fields = [
        FieldDifference(field=key, configured=_plain(configured[key]), live=_plain(live[key]))
        for key in configured
        if key != "name" and configured[key] != live.get(key)
    ]
    row_field = _ROW_FIELDS.get(kind)
    rows = [difference for difference in fields if difference.field == row_field]
    attributed = [difference for difference in fields if difference.field != row_field]
    items = []
    if attributed:
        items.append(
            DriftItem(
                address=address,
                kind=DriftKind.CHANGED,
                fields=tuple(attributed),
                actor_id=meta.updated_by_actor_id,
                at=meta.updated_at,
                drift=meta.updated_by_actor_id not in actors,
            )
        )
    if rows:
        items.append(
            DriftItem(address=address, kind=DriftKind.CHANGED, fields=tuple(rows), drift=True)
        )
    return items


def _missing(
    kind: Kind,
    name: str,
    desired: DesiredState,
    archived: tuple[LiveResource, ...],
    actors: frozenset[str],
) -> DriftItem:
    names = {name, *previous_names_of(desired, kind, name)}
    gone = [resource for resource in archived if resource.spec.name in names]
    address = Address(kind, name)
    if not gone:
        return DriftItem(address=address, kind=DriftKind.NOT_CREATED, drift=False)
    latest = max(gone, key=lambda resource: resource.meta.archived_at or "")
    return DriftItem(
        address=address,
        kind=DriftKind.ARCHIVED,
        actor_id=latest.meta.archived_by_actor_id,
        at=latest.meta.archived_at,
        drift=latest.meta.archived_by_actor_id not in actors,
    )


def _plain(value: Any) -> Any:
    """JSON-friendly values: sets sorted (their order would otherwise vary per process)."""
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
