"""What the gate (`fedctl.apply.gate`) found on a plan, as data the plan carries.

`plan` and `apply` run the same gate, so review shows exactly what apply will refuse:
each `Refusal` names its check, the resources, and the override (if any) that lets it
through; `LintNote` is one lint finding as the plan shows it.

    Refusal(check=Check.SAFETY_LIMITS, message="...", override="--allow-large-changes")
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Check(StrEnum):
    """The checks apply runs before its first write; `plan` runs the same ones."""

    PROTECTION = "protection"
    POLICY = "policy"
    LINT = "lint"
    SAFETY_LIMITS = "safety-limits"


class Overrides(BaseModel):
    """The flags that let a refusal through, given to `plan` and `apply` alike. A saved
    plan records them; apply refuses a plan made with other overrides than its own."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    allow_large_changes: bool = False
    allow_lint_errors: bool = False


class Refusal(BaseModel):
    """One reason apply will not write; `overridden` when the command's flag lets it pass."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    check: Check
    message: str
    resources: tuple[str, ...] = ()
    # The flag that lets this refusal through (None: nothing does).
    override: str | None = None
    overridden: bool = False

    def line(self) -> str:
        """`safety-limits: the plan archives ...` (and the override in effect, if any)."""
        text = f"{self.check.value}: {self.message}"
        if self.overridden:
            text += f" (allowed by {self.override})"
        return text


class LintNote(BaseModel):
    """One lint finding as a plan shows it; `blocks` when apply refuses on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    check_id: str
    severity: str
    resource: str
    message: str
    location: str | None = None
    blocks: bool = False

    def line(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.check_id} {self.severity}: {self.resource}: {self.message}"


def gate_verdict(refusals: tuple[Refusal, ...], *, checked: bool) -> str:
    """`passed`, `passed with overrides`, `refused` (or `not checked`): one word for review."""
    if not checked:
        return "not checked"
    if any(not refusal.overridden for refusal in refusals):
        return "refused"
    return "passed with overrides" if refusals else "passed"
