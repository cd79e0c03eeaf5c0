"""Findings -> text for people and JSON for tools (SARIF lives in sarif.py)."""

from __future__ import annotations

import json

from fedctl.core.escape import escape_terminal
from fedctl.lint.findings import Finding


def render_text(findings: list[Finding]) -> str:
    """`file:line:col: FED001 warning: resource: message`, then the fix, indented."""
    lines: list[str] = []
    for finding in findings:
        lines.append(finding_line(finding))
        lines.append(f"    fix: {escape_terminal(finding.fix)}")
    lines.append(_summary(findings))
    return "\n".join(lines)


def finding_line(finding: Finding) -> str:
    """`file:line:col: FED001 error: rule/deploy-main: message` (what plan and apply print)."""
    # NOTE: locations, resource names and messages quote configuration values.
    where = f"{finding.location}: " if finding.location else ""
    return escape_terminal(
        f"{where}{finding.check_id} {finding.severity.value}: {finding.resource}: {finding.message}"
    )


def _summary(findings: list[Finding]) -> str:
    if not findings:
        return "No lint findings."
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity.value] = counts.get(finding.severity.value, 0) + 1
    parts = [
        f"{counts[level]} {level}" for level in ("error", "warning", "note") if level in counts
    ]
    total = len(findings)
    return f"{total} finding{'s' if total != 1 else ''} ({', '.join(parts)})."


def render_json(findings: list[Finding]) -> str:
    return json.dumps([finding.to_json() for finding in findings], indent=2)
