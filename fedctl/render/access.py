"""AccessDiff -> the section that heads every plan output (text, Markdown, JSON-ready dict).

Plan renderers call these first, before the field-level changes, so a reviewer reads who
gains or loses the power to mint which tokens before anything else.
"""

from __future__ import annotations

from typing import Any

from fedctl.access.model import AccessDiff, Effect
from fedctl.render.escape import escape_code_span, escape_markdown, escape_terminal

TITLE = "Access changes (who can mint what, where)"
SEVERITY = (
    Effect.BROADENING,
    Effect.POSSIBLY_BROADENING,
    Effect.MIXED,
    Effect.NARROWING,
    Effect.NEUTRAL,
)


def _verdict(diff: AccessDiff) -> str:
    counts = diff.counts()
    parts = [f"{counts[effect]} {effect.value}" for effect in SEVERITY if counts[effect]]
    verdict = "BROADENS ACCESS" if diff.broadens else "does not broaden access"
    return f"{', '.join(parts)}; this plan {verdict}"


def _headline(diff: AccessDiff) -> str:
    return f"{TITLE}: {_verdict(diff)}"


def render_access_text(diff: AccessDiff) -> str:
    """Lines like `+ broadening rule/deploy: subject_prefix widened ...`, or one 'none' line."""
    if not diff.changes:
        return f"{TITLE}: none."
    lines = [_headline(diff) + "."]
    for change in diff.changes:
        # NOTE: addresses and reasons quote configuration values (claims, conditions).
        address, reason = escape_terminal(change.address), escape_terminal(change.reason)
        lines.append(f"  {change.effect.symbol} {change.effect.value} {address}: {reason}")
        if change.affected_rules:
            affected = escape_terminal(", ".join(change.affected_rules))
            lines.append(f"      affects rules: {affected}")
    return "\n".join(lines)


def render_access_markdown(diff: AccessDiff) -> str:
    """A heading and a table; cell text has `|` escaped so a reason cannot break the table."""
    if not diff.changes:
        return f"**{TITLE}: none.**"
    lines = [
        f"### {TITLE}",
        "",
        f"**{_verdict(diff)}**",
        "",
        "| Effect | Resource | Why |",
        "| --- | --- | --- |",
    ]
    for change in diff.changes:
        why = change.reason
        if change.affected_rules:
            why += f" (affects rules: {', '.join(change.affected_rules)})"
        effect = f"**{change.effect.value}**" if change.effect.broadens else change.effect.value
        lines.append(f"| {effect} | `{escape_code_span(change.address)}` | {_cell(why)} |")
    return "\n".join(lines)


def access_json(diff: AccessDiff) -> dict[str, Any]:
    return diff.to_json()


def _cell(text: str) -> str:
    return escape_markdown(text)
