"""What the access diff needs to know of a plan's changes (renames: `fedctl.core.pairing`).

The access diff reads a plan's changes through `PlanChange` rather than the planner's own
model, so that the planner can attach the access diff to every plan without the two
packages importing each other.
"""

from __future__ import annotations

from typing import Protocol

from fedctl.core.state import Kind


class PlanChange(Protocol):
    """One planned change, as the access diff reads it (the planner's `Change` is one)."""

    @property
    def kind(self) -> Kind: ...

    @property
    def name(self) -> str: ...

    @property
    def action(self) -> str: ...
