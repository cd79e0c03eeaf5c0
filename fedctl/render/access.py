"""AccessDiff -> the section that heads every plan output (text, Markdown, JSON-ready dict).

Plan renderers call these first, before the field-level changes, so a reviewer reads who
gains or loses the power to mint which tokens before anything else.
"""

from __future__ import annotations

from typing import Any

from fedctl.access.model import AccessChange, AccessDiff, Effect, rule_workspace_labels
from fedctl.core.escape import code_span, escape_markdown, escape_terminal
from fedctl.core.resolved import ResolvedRule

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
    if diff.proven_broadening:
        verdict = "BROADENS ACCESS"
    elif diff.broadens:
        # NOTE: only a token the solver found (and the evaluator checked) proves a
        # broadening; a verdict fedctl could not decide says so, with the reason.
        verdict = f"MAY broaden access (fedctl could not decide: {'; '.join(diff.undecided)})"
    else:
        verdict = "does not broaden access"
    return f"{', '.join(parts)}; this plan {verdict}"


def _headline(diff: AccessDiff) -> str:
    return f"{TITLE}: {_verdict(diff)}"


# Red widens who can mint tokens, green narrows it, yellow is both or unknown; the
# headline is bold red when anything broadens, as it is the line a reviewer must not miss.
_COLOURS = {
    Effect.NEUTRAL: "",
    Effect.NARROWING: "\033[32m",
    Effect.BROADENING: "\033[31m",
    Effect.POSSIBLY_BROADENING: "\033[33m",
    Effect.MIXED: "\033[33m",
}
_ALARM = "\033[1;31m"
_RESET = "\033[0m"


def render_access_text(diff: AccessDiff, *, color: bool = False) -> str:
    """Lines like `+ broadening rule/deploy: subject_prefix widened ...`, or one 'none' line."""

    def paint(text: str, colour: str) -> str:
        return f"{colour}{text}{_RESET}" if color and colour else text

    if not diff.changes:
        return f"{TITLE}: none."
    lines = [paint(_headline(diff) + ".", _ALARM if diff.broadens else "")]
    for change in diff.changes:
        # NOTE: addresses and reasons quote configuration values (claims, conditions).
        address, reason = escape_terminal(change.address), escape_terminal(change.reason)
        line = f"  {change.effect.symbol} {change.effect.value} {address}: {reason}"
        lines.append(paint(line, _COLOURS.get(change.effect, "")))
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
        lines.append(f"| {effect} | {code_span(change.address, in_table=True)} | {_cell(why)} |")
    return "\n".join(lines)


def access_json(diff: AccessDiff) -> dict[str, Any]:
    return {
        "effect": diff.effect.value,
        "broadens": diff.broadens,
        "proven_broadening": diff.proven_broadening,
        "counts": {effect.value: count for effect, count in diff.counts().items()},
        "changes": [_change_json(change) for change in diff.changes],
    }


def _change_json(change: AccessChange) -> dict[str, Any]:
    return {
        "resource": change.address,
        "effect": change.effect.value,
        "broadens": change.effect.broadens,
        "reason": change.reason,
        "findings": [finding.model_dump(mode="json") for finding in change.findings],
        "before": _side_json(change.before) if change.before else None,
        "after": _side_json(change.after) if change.after else None,
        "affected_rules": list(change.affected_rules),
        "witnesses": list(change.witnesses),
        "undecided": list(change.undecided),
    }


def _side_json(rule: ResolvedRule) -> dict[str, Any]:
    """One side of a rule: which tokens can mint what, as whom, where, for how long."""
    return {
        "issuer_name": rule.issuer_name,
        "issuer_url": rule.issuer_url,
        "subject_prefix": rule.subject_prefix,
        "audience": rule.audience,
        "claims": dict(rule.claims) or None,
        "condition": rule.condition,
        "service_account_name": rule.service_account_name,
        "oauth_scope": rule.oauth_scope,
        "workspaces": list(rule_workspace_labels(rule)),
        "applies_to_all_workspaces": rule.applies_to_all_workspaces,
        "token_lifetime_seconds": rule.token_lifetime_seconds,
    }


def _cell(text: str) -> str:
    return escape_markdown(text)


STILL_GRANTING_TITLE = "Live rules no file declares (they keep minting tokens):"


def render_still_granting_text(lines: tuple[str, ...]) -> list[str]:
    """The access section's list of undeclared live rules that stay (plan.still_granting)."""
    if not lines:
        return []
    return [STILL_GRANTING_TITLE, *(f"  ! {escape_terminal(line)}" for line in lines)]


def render_still_granting_markdown(lines: tuple[str, ...]) -> str:
    if not lines:
        return ""
    items = "\n".join(f"- {_cell(line)}" for line in lines)
    return f"\n\n**{STILL_GRANTING_TITLE}**\n\n{items}"
