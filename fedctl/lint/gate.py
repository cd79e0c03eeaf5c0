"""Lint as a gate on apply: findings of severity error stop it before any write.

Built on `lint_config`, so every check in the catalogue (present and future) takes part,
and a finding silenced with a reason (`lint.ignore`) never blocks.

    check_apply_allowed(lint_config(config), enabled=config.settings.lint.block_apply)
"""

from __future__ import annotations

from fedctl.core.errors import LintBlocksApply
from fedctl.lint.findings import Finding, LintSeverity


def blocking(findings: list[Finding]) -> list[Finding]:
    """The findings that stop an apply: severity error."""
    return [finding for finding in findings if finding.severity is LintSeverity.ERROR]


def check_apply_allowed(findings: list[Finding], *, enabled: bool) -> None:
    """Raise LintBlocksApply naming every error finding, unless the gate is off."""
    errors = blocking(findings)
    if not enabled or not errors:
        return
    named = ", ".join(f"{finding.check_id} on {finding.resource}" for finding in errors)
    count = len(errors)
    if count == 1:
        noun, remedy = "1 lint error", "fix it, silence it with lint.ignore and a reason"
    else:
        noun, remedy = (
            f"{count} lint errors",
            "fix them, silence each with lint.ignore and a reason",
        )
    raise LintBlocksApply(
        f"refusing to apply: {noun} ({named}); nothing was changed; {remedy}, "
        "or pass --allow-lint-errors"
    )
