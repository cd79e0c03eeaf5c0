"""Every lint check, in ID order, and the catalogue of their IDs (SARIF rule metadata)."""

from __future__ import annotations

from fedctl.lint.checks import (
    Check,
    access,
    hardening,
    incidents,
    issuers,
    probe,
    proofs,
    providers,
    tenancy,
)
from fedctl.lint.findings import CheckInfo, LintSeverity
from fedctl.lint.live import LIVE_CHECKS

SILENCE_WITHOUT_REASON = CheckInfo(
    id="FED090",
    name="silence-without-reason",
    severity=LintSeverity.WARNING,
    summary="lint.ignore without a reason",
    explanation=(
        "A silenced finding is a decision someone took about a security boundary, and "
        "without a reason the next reviewer cannot tell an accepted risk from a forgotten "
        "one. The silence still applies; this finding cannot itself be silenced."
    ),
    fix='Add lint.reason: "why this finding does not apply here".',
)

SILENCE_UNKNOWN_ID = CheckInfo(
    id="FED091",
    name="silence-unknown-id",
    severity=LintSeverity.WARNING,
    summary="lint.ignore names a check ID that does not exist",
    explanation=(
        "An ignore entry that names no check silences nothing; it is usually a typo that "
        "leaves the finding it meant to silence in place, or a stale entry."
    ),
    fix="Use an ID from `fedctl lint --list` (FED001 ...) or remove the entry.",
)

CHECKS: tuple[Check, ...] = tuple(
    sorted(
        (
            *tenancy.CHECKS,
            *issuers.CHECKS,
            *access.CHECKS,
            *probe.CHECKS,
            *providers.CHECKS,
            *incidents.CHECKS,
            *hardening.CHECKS,
            *proofs.CHECKS,
        ),
        key=lambda check: check.info.id,
    )
)

META_CHECKS: tuple[CheckInfo, ...] = (SILENCE_WITHOUT_REASON, SILENCE_UNKNOWN_ID)

CATALOGUE: dict[str, CheckInfo] = {
    info.id: info
    for info in sorted(
        (*(check.info for check in CHECKS), *LIVE_CHECKS, *META_CHECKS), key=lambda i: i.id
    )
}
