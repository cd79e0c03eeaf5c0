"""Plan -> the Terraform-like text a reviewer reads in a terminal.

`+` create, `~` update, `-/+` replace, `-` archive; field-level before -> after for
updates; one summary line. Colour only when the caller says so (the CLI decides from
the TTY, NO_COLOR and --no-color).
"""

from __future__ import annotations

from fedctl.core.escape import escape_terminal as safe
from fedctl.plan.actions import Action, Change
from fedctl.plan.plan import Plan
from fedctl.render.access import render_access_text, render_still_granting_text
from fedctl.render.lines import change_lines, header, heading_id
from fedctl.render.records import (
    access_test_change_line,
    held_resource_line,
    policy_failure_line,
)

RESET = "\033[0m"
ACTION_COLOURS = {
    Action.CREATE: "\033[32m",
    Action.UPDATE: "\033[33m",
    Action.REPLACE: "\033[35m",
    Action.ARCHIVE: "\033[31m",
    Action.DEACTIVATE: "\033[31m",
}
DETAIL_COLOURS = {"+": "\033[32m", "-": "\033[31m", "~": "\033[33m", "!": "\033[1;33m"}
DIM = "\033[2m"


def summary_line(plan: Plan) -> str:
    counts = plan.counts()
    line = (
        f"Plan: {counts[Action.CREATE]} to create, {counts[Action.UPDATE]} to update, "
        f"{counts[Action.REPLACE]} to replace, {counts[Action.ARCHIVE]} to archive"
    )
    # Only plans that manage API keys say so: every other summary stays as it was.
    deactivations = counts[Action.DEACTIVATE]
    if deactivations:
        line += f", {deactivations} API key(s) to deactivate"
    return line + "."


def render_text(plan: Plan, *, color: bool = False) -> str:
    def paint(text: str, colour: str) -> str:
        return f"{colour}{text}{RESET}" if color and colour else text

    org = plan.organization
    # NOTE: every string below that a file or the server controls goes through `safe`,
    # so no value can move the cursor or erase a line of the plan (render_access_text
    # escapes its own values).
    out = [f"Organization: {safe(org.name)} ({safe(org.id)})"]
    if plan.snapshot is not None:
        out.append(f"Live state: snapshot {safe(plan.snapshot.label)}, not read from the API")
    # The access diff heads the output: who can mint what, before any field.
    out += ["", render_access_text(plan.access, color=color)]
    out += [*render_still_granting_text(plan.still_granting), ""]
    for change in plan.changes:
        symbol = change.action.symbol
        heading = f"  {symbol:>3} {safe(header(change))}{_live_id(change)}"
        out.append(paint(heading, ACTION_COLOURS[change.action]))
        for line in change_lines(change, plan.workspace_names):
            text = safe(line.text)
            if line.symbol == "#":
                out.append(paint(f"        # {text}", DIM))
            elif line.symbol:
                out.append(paint(f"        {line.symbol} {text}", DETAIL_COLOURS[line.symbol]))
            else:
                out.append(f"          {text}")
        out.append("")
    out += _listing(
        "Unmanaged (live, declared in no file; archived only with prune, never if protected):",
        unmanaged_not_archived(plan),
    )
    out += _listing(
        "Not managed here (settings.unmanaged; never changed by this configuration):",
        plan.not_managed_here,
    )
    out += _listing("Console-managed (never changed by fedctl):", plan.console_managed)
    out += _listing(
        "Unmanageable (live state fedctl cannot represent exactly; never changed):",
        tuple(held_resource_line(held) for held in plan.unmanageable),
    )
    out += [paint(line, DETAIL_COLOURS["!"]) for line in _listing("Warnings:", plan.warnings)]
    out += guardrail_lines(plan) + judgement_lines(plan)
    out.append("No changes." if plan.is_empty() else summary_line(plan))
    return "\n".join(out) + "\n"


def judgement_lines(plan: Plan) -> list[str]:
    """What judging the plan found: failing policies, access tests whose outcome changes,
    and what apply will refuse (lint's findings go to stderr; fedctl.apply.gate)."""
    failures = tuple(policy_failure_line(failure) for failure in plan.policy_failures)
    tests = tuple(access_test_change_line(change) for change in plan.access_test_changes)
    refusals = tuple(refusal.line() for refusal in plan.refusals)
    return [
        *_listing("Policies that fail (deny stops the plan):", failures),
        *_listing("Access tests whose outcome this plan changes:", tests),
        *_listing(f"Checks apply runs: {plan.gate_verdict}", refusals),
    ]


def guardrail_lines(plan: Plan) -> list[str]:
    """The "Guardrail changes" section, when the plan had a trusted source of guards."""
    if len(plan.guard_sources) < 2:
        return []
    title = (
        f"Guardrail changes (guards enforced: the strictest of {', '.join(plan.guard_sources)}):"
    )
    lines = tuple(change.line() for change in plan.guardrail_changes) or ("none",)
    return _listing(title, lines)


def _listing(title: str, items: tuple[str, ...]) -> list[str]:
    if not items:
        return []
    return [title, *(f"  {safe(item)}" for item in items), ""]


def _live_id(change: Change) -> str:
    """` (fdis_...)` after what is updated, replaced or archived: the ID a person greps for."""
    live_id = heading_id(change)
    return f" ({safe(live_id)})" if live_id else ""


def unmanaged_not_archived(plan: Plan) -> tuple[str, ...]:
    """Unmanaged resources the plan leaves alone: the ones it archives (prune) are shown
    once, as archive blocks, not listed again."""
    archived = {change.address for change in plan.changes if change.action is Action.ARCHIVE}
    return tuple(address for address in plan.unmanaged if address not in archived)
