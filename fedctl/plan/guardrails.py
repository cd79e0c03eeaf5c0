"""What a plan says about its guardrails: which sources they came from, and how the
change under review would move them (a record only; `fedctl.guards` fills it in).

    GuardrailChange(guard="settings.max_archives", effect="weakens",
                    detail="raised from 1 to 1000")
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Where the guards enforced by a plan came from, when only the configuration gave them.
CONFIGURATION_ONLY = "configuration"


class GuardrailChange(BaseModel):
    """One difference between the trusted side's guard and the configuration's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    guard: str = Field(max_length=200)
    # `weakens`: the change loosens a check (removed, raised, edited); `strengthens`: adds one.
    effect: Literal["weakens", "strengthens"]
    detail: str = Field(max_length=4000)

    def line(self) -> str:
        """`weakens settings.max_archives: raised from 1 to 1000`, as the text plan shows it."""
        return f"{self.effect} {self.guard}: {self.detail}"
