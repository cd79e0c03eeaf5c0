"""PlanOptions: the command-line options that shape a plan.

Its own module because the CLI builds it before `plan`'s first Admin API request, and
fedctl.plan.plan imports the whole planner; plan.py re-exports it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PlanOptions(BaseModel):
    """The options that shape a plan: built once from the command line, passed down, and
    recorded in the plan so apply can make the same plan again from scratch."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # None follows the configuration's settings.prune.
    prune: bool | None = None
    targets: tuple[str, ...] = ()
    recreate_archived: bool = False
    allow_self_lockout: bool = False

    @property
    def given(self) -> bool:
        """Whether any option differs from its default."""
        return self != PlanOptions()
