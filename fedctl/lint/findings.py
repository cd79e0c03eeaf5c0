"""What a lint check reports: the check's catalogue entry and one located Finding.

A `CheckInfo` is the stable description of a check (ID, default severity, explanation,
generic fix) that SARIF publishes as rule metadata; a `Finding` is one occurrence of it on
one configuration node, with a message and fix specific to that node.

    info = CheckInfo("FED005", "check-jti-disabled", LintSeverity.WARNING, "...", "...", "...")
    Finding(info, Location("issuers.yaml", 4, 5), "issuer/gh", "check_jti", "jti off", "set it")
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fedctl.core.errors import Location


class LintSeverity(StrEnum):
    """SARIF's three result levels, ordered: `note` < `warning` < `error`."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def at_least(self, threshold: LintSeverity) -> bool:
        return self.rank >= threshold.rank


_RANKS = {LintSeverity.NOTE: 0, LintSeverity.WARNING: 1, LintSeverity.ERROR: 2}


@dataclass(frozen=True)
class CheckInfo:
    """One catalogue entry: what the check looks for, why it matters and the usual fix."""

    id: str
    name: str
    severity: LintSeverity
    summary: str
    explanation: str
    fix: str
    # SARIF `precision` (how often a finding is real): "high" where the check evaluates the
    # rule or reads a fact; "medium" where it relies on a heuristic (domain names, say).
    precision: str = "high"


@dataclass(frozen=True)
class Finding:
    """One occurrence of a check on one configuration node.

    `resource` is `kind/name` (`rule/deploy-main`); `field_path` is the path inside that
    resource (`match.subject_prefix`), empty for the resource as a whole.
    """

    check: CheckInfo
    location: Location | None
    resource: str
    field_path: str
    message: str
    fix: str

    @property
    def check_id(self) -> str:
        return self.check.id

    @property
    def severity(self) -> LintSeverity:
        return self.check.severity

    @property
    def explanation(self) -> str:
        return self.check.explanation

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        if loc is None:
            return ("~", 0, 0, self.resource, self.check_id)
        return (loc.file, loc.line, loc.column, self.resource, self.check_id)

    def to_json(self) -> dict[str, object]:
        loc = self.location
        return {
            "id": self.check_id,
            "name": self.check.name,
            "severity": self.severity.value,
            "file": loc.file if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "rendered_template": loc.rendered if loc else False,
            "resource": self.resource,
            "path": self.field_path,
            "message": self.message,
            "explanation": self.explanation,
            "fix": self.fix,
        }
