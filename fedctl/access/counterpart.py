"""What the access diff needs to know of declared names and of a plan's changes.

The access diff reads a plan's changes through `PlanChange` rather than the planner's own
model, so that the planner can attach the access diff to every plan without the two
packages importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypeVar

from fedctl.state import DesiredState, Kind

T = TypeVar("T")


class PlanChange(Protocol):
    """One planned change, as the access diff reads it (the planner's `Change` is one)."""

    @property
    def kind(self) -> Kind: ...

    @property
    def name(self) -> str: ...

    @property
    def action(self) -> str: ...


def live_counterpart(
    desired: DesiredState, kind: Kind, name: str, live_by_name: Mapping[str, T]
) -> T | None:
    """The live resource a declared one corresponds to: same name, or a previous name."""
    if name in live_by_name:
        return live_by_name[name]
    for previous in desired.previous_names.get((kind, name), ()):
        if previous in live_by_name:
            return live_by_name[previous]
    return None
