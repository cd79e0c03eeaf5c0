"""Runs every check on a Config, applies the per-resource silences, sorts the findings.

findings = lint_config(load_config("config/"))
count_findings(config)  # what `fedctl plan` prints
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from fedctl.lint.catalogue import CATALOGUE, CHECKS, SILENCE_UNKNOWN_ID, SILENCE_WITHOUT_REASON
from fedctl.lint.checks import Resource, located
from fedctl.lint.findings import Finding, LintSeverity
from fedctl.lint.view import LintConfig


def lint_view(view: LintConfig) -> list[Finding]:
    """Every finding on the view, silenced ones removed, in file order."""
    silenced = _silenced(view)
    found = [
        finding
        for check in CHECKS
        for finding in check.run(view)
        if finding.check_id not in silenced.get(finding.resource, ())
    ]
    found.extend(_silence_findings(view))
    placed = [
        replace(finding, location=view.locate(finding.resource, finding.field_path))
        for finding in found
    ]
    return sorted(placed, key=Finding.sort_key)


def lint_config(config: object) -> list[Finding]:
    """Lint a loaded `fedctl.config.Config`."""
    from fedctl.lint.adapter import view_of

    return lint_view(view_of(config))


def count_findings(config: object, *, severity: LintSeverity = LintSeverity.NOTE) -> int:
    """How many findings at or above `severity` remain; `fedctl plan` prints this."""
    return sum(1 for f in lint_config(config) if f.severity.at_least(severity))


def _resources(view: LintConfig) -> Iterator[Resource]:
    yield from view.issuers
    yield from view.rules
    yield from view.service_accounts


def _silenced(view: LintConfig) -> dict[str, tuple[str, ...]]:
    return {resource: silence.ignore for resource, silence in view.silences.items()}


def _silence_findings(view: LintConfig) -> Iterator[Finding]:
    for resource in _resources(view):
        silence = view.silence(resource)
        if silence is None:
            continue
        if silence.ignore and not (silence.reason or "").strip():
            ids = ", ".join(silence.ignore)
            message = f"lint.ignore silences {ids} without a reason"
            yield located(SILENCE_WITHOUT_REASON, resource, "lint", message)
        for index, check_id in enumerate(silence.ignore):
            if check_id not in CATALOGUE or check_id in _UNSILENCEABLE:
                message = f"lint.ignore names {check_id!r}, which is no check fedctl can silence"
                yield located(SILENCE_UNKNOWN_ID, resource, f"lint.ignore[{index}]", message)


_UNSILENCEABLE = frozenset({SILENCE_WITHOUT_REASON.id, SILENCE_UNKNOWN_ID.id})
