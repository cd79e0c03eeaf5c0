"""Pairs each declared resource with its live copy: by name, else by `previous_names`.

A same-name active live copy always wins over a previous name, so declaring a rename
whose old copy is already gone is harmless. Archived copies are never matched; they are
remembered so the plan can say who archived a declared resource and refuse to reuse a
name the API may keep reserved (docs/admin-api.md §8 item 4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from fedctl.core.address import Address
from fedctl.core.pairing import previous_names_of
from fedctl.core.state import DesiredState, Kind, LiveMeta
from fedctl.plan.problems import Problem


class _HasName(Protocol):
    @property
    def name(self) -> str: ...


class _LiveResource(Protocol):
    @property
    def spec(self) -> _HasName: ...

    @property
    def meta(self) -> LiveMeta: ...


LiveT = TypeVar("LiveT", bound=_LiveResource)


@dataclass(frozen=True)
class Pairing(Generic[LiveT]):
    """One declared resource and what it corresponds to in the organization."""

    desired_name: str
    live: LiveT | None = None
    renamed_from: str | None = None
    archived: LiveT | None = None


@dataclass
class KindMatching(Generic[LiveT]):
    pairings: dict[str, Pairing[LiveT]] = field(default_factory=dict)
    # Active live resources no declaration claims (by name or previous name).
    unclaimed: dict[str, LiveT] = field(default_factory=dict)
    _index: dict[str, Pairing[LiveT]] = field(default_factory=dict, repr=False, compare=False)
    _index_size: int = field(default=-1, repr=False, compare=False)

    def live_id_of(self, desired_name: str) -> str | None:
        pairing = self.pairings.get(desired_name)
        return pairing.live.meta.id if pairing and pairing.live else None

    def desired_name_of(self, live_id: str) -> str | None:
        """The declared name that takes over live resource `live_id` (renamed or not)."""
        pairing = self._by_live_id().get(live_id)
        return pairing.desired_name if pairing else None

    def kept_name_of(self, live_id: str) -> str | None:
        """The declared name of live resource `live_id` when it is kept, not renamed."""
        pairing = self._by_live_id().get(live_id)
        return pairing.desired_name if pairing and not pairing.renamed_from else None

    def _by_live_id(self) -> dict[str, Pairing[LiveT]]:
        # Rules ask once each: a scan per question made a 5,000-resource plan quadratic.
        # Each live resource is claimed by one pairing at most (match_kind), so the first
        # is the only one. Rebuilt when pairings were added since.
        if self._index_size != len(self.pairings):
            self._index = {}
            for pairing in self.pairings.values():
                if pairing.live is not None:
                    self._index.setdefault(pairing.live.meta.id, pairing)
            self._index_size = len(self.pairings)
        return self._index


def match_kind(
    kind: Kind,
    desired_names: Sequence[str],
    desired: DesiredState,
    live_active: Mapping[str, LiveT],
    live_archived: Sequence[LiveT],
    problems: list[Problem],
) -> KindMatching[LiveT]:
    matching: KindMatching[LiveT] = KindMatching()
    declared = set(desired_names)
    claimed_by: dict[str, str] = {}
    for name in sorted(desired_names):
        if name in live_active:
            matching.pairings[name] = Pairing(name, live=live_active[name])
            claimed_by[name] = name
    for name in sorted(desired_names):
        if name in matching.pairings:
            continue
        old_name = _rename_source(kind, name, desired, declared, live_active, claimed_by, problems)
        if old_name is not None:
            claimed_by[old_name] = name
            matching.pairings[name] = Pairing(
                name,
                live=live_active[old_name],
                renamed_from=old_name,
                archived=_latest_archived(name, live_archived),
            )
            _refuse_reserved_name(kind, matching.pairings[name], problems)
        else:
            matching.pairings[name] = Pairing(name, archived=_latest_archived(name, live_archived))
    matching.unclaimed = {
        name: resource for name, resource in live_active.items() if name not in claimed_by
    }
    return matching


def _refuse_reserved_name(kind: Kind, pairing: Pairing[LiveT], problems: list[Problem]) -> None:
    """A rename (or a service account's replacement) into a name an archived copy holds.

    NOTE: the API may keep archived names reserved (docs/admin-api.md §8 item 4); the strict
    reading is that it does, so the rename would be refused with 409.
    """
    if pairing.archived is None:
        return
    problems.append(
        Problem(
            (Address(kind, pairing.desired_name),),
            f"cannot take over the name from {kind.value}/{pairing.renamed_from}: "
            f"{archived_note(pairing.archived.meta)} and the API may keep its name reserved; "
            "choose another name",
        )
    )


def _rename_source(
    kind: Kind,
    name: str,
    desired: DesiredState,
    declared: set[str],
    live_active: Mapping[str, object],
    claimed_by: dict[str, str],
    problems: list[Problem],
) -> str | None:
    for old_name in previous_names_of(desired, kind, name):
        if old_name in declared:
            problems.append(
                Problem(
                    (Address(kind, name), Address(kind, old_name)),
                    f"previous_names of {kind.value}/{name} lists {old_name}, which is "
                    "still declared; remove one of them",
                )
            )
            return None
        if old_name not in live_active:
            continue
        if old_name in claimed_by:
            problems.append(
                Problem(
                    (Address(kind, claimed_by[old_name]), Address(kind, name)),
                    f"both declare {kind.value}/{old_name} as a previous name; only one "
                    "resource can take it over",
                )
            )
            return None
        return old_name
    return None


def _latest_archived(name: str, archived: Sequence[LiveT]) -> LiveT | None:
    same_name = [resource for resource in archived if resource.spec.name == name]
    same_name.sort(key=lambda resource: resource.meta.archived_at or "")
    return same_name[-1] if same_name else None


def archived_holder(name: str, archived: Sequence[LiveT]) -> LiveT | None:
    """The archived resource holding `name`, if any (the API may keep it reserved)."""
    return _latest_archived(name, archived)


def archived_note(meta: LiveMeta) -> str:
    """`svac_... was archived by user_... at 2026-...`: who revoked it, and when."""
    who = meta.archived_by_actor_id or "an unknown actor"
    when = meta.archived_at or "an unknown time"
    return f"{meta.id} was archived by {who} at {when}"


def describe_archived(kind: Kind, resource: _LiveResource) -> str:
    return f"{kind.value}/{resource.spec.name} ({archived_note(resource.meta)})"
