"""Which live resource a declared one is, through renames: the one declared-to-live pairing.

A declared resource is its live namesake, or else the live resource one of its
`previous_names` names (the first that is live): a rename keeps the live ID. The planner
(`fedctl.plan.match`, which also refuses ambiguous and still-declared previous names),
the access diff, drift, the plan's leftovers and its rename hints all read renames
here, so they agree on which live resource a declaration takes over.

Usage:
    live_name_of(desired, Kind.RULE, "deploy", live.rules)   # "deploy", or its old name
    pending_renames(desired, Kind.ISSUER, live.issuers)       # {"old-name": "new-name"}
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TypeVar

from fedctl.core.state import DesiredState, Kind, LiveState

T = TypeVar("T")


def previous_names_of(desired: DesiredState, kind: Kind, name: str) -> tuple[str, ...]:
    """The names declared resource `kind/name` had before, in the order the file lists them."""
    return desired.previous_names.get((kind, name), ())


def live_name_of(
    desired: DesiredState, kind: Kind, name: str, live_names: Collection[str]
) -> str | None:
    """The live name of declared `kind/name`: its own, else its first live previous name."""
    if name in live_names:
        return name
    for previous in previous_names_of(desired, kind, name):
        if previous in live_names:
            return previous
    return None


def live_counterpart(
    desired: DesiredState, kind: Kind, name: str, live_by_name: Mapping[str, T]
) -> T | None:
    """The live resource declared `kind/name` corresponds to (see `live_name_of`)."""
    live_name = live_name_of(desired, kind, name, live_by_name)
    return None if live_name is None else live_by_name[live_name]


def pending_renames(
    desired: DesiredState, kind: Kind, live_names: Collection[str]
) -> dict[str, str]:
    """Live name -> declared name, for each rename of `kind` not applied yet.

    A declared name that is live already has nothing to rename. When two declarations
    pair with the same live name, the later one is kept here; the planner refuses that.
    """
    paired: dict[str, str] = {}
    listed: dict[str, str] = {}
    for (renamed_kind, name), previous in desired.previous_names.items():
        if renamed_kind is kind and name not in live_names:
            listed.update({old: name for old in previous if old in live_names})
            live_name = live_name_of(desired, kind, name, live_names)
            if live_name is not None:
                paired[live_name] = name
    # The live name a declaration pairs with (the planner's rename) wins over another
    # declaration that merely lists it further down its previous names.
    return listed | paired


def renamed_to(
    desired: DesiredState, kind: Kind, old_name: str, live_names: Collection[str]
) -> str | None:
    """The declared name, live already, whose previous names list `old_name`, or None.

    Such an `old_name` still live is what a rename by create-then-archive left behind.
    """
    for (renamed_kind, name), previous in desired.previous_names.items():
        if renamed_kind is kind and old_name in previous and name in live_names:
            return name
    return None


def claimed_names(desired: DesiredState, kind: Kind, declared: Collection[str]) -> set[str]:
    """Every name of `kind` the configuration claims: `declared` and all previous names."""
    names = set(declared)
    for (renamed_kind, _name), previous in desired.previous_names.items():
        if renamed_kind is kind:
            names.update(previous)
    return names


def live_names_by_id(live: LiveState) -> dict[str, str]:
    """Live ID -> live name, for every active service account, issuer and rule.

    What follows a resource through a rename or a replace that the plan's names hide
    (protection, `fedctl.plan.protection`): the ID stays when the name changes.
    """
    names: dict[str, str] = {}
    for resources in (live.service_accounts, live.issuers, live.rules):
        for name, resource in resources.items():
            names[resource.meta.id] = name
    return names
