"""DriftReport -> text, Markdown or JSON for `fedctl drift` (a scheduled job opens an issue)."""

from __future__ import annotations

import json

from fedctl.core.escape import code_span, escape_markdown, escape_terminal
from fedctl.drift.report import DriftItem, DriftReport


def render_drift_text(report: DriftReport) -> str:
    lines = [_actors_line(report)]
    if report.drift:
        lines.append(f"Drift: {len(report.drift)} difference(s) that did not come from fedctl:")
        for item in report.drift:
            lines.append(f"  ! {item.summary()}")
            lines.extend(_access_lines(item))
        lines.extend(_field_lines(report.drift))
        if report.broadens:
            lines.append(
                "This drift BROADENS ACCESS: the live organization admits tokens the files do not."
            )
    else:
        lines.append("No drift: every difference from the configuration came from fedctl.")
    if report.pending:
        lines.append(f"Pending (configuration not yet applied): {len(report.pending)}")
        for item in report.pending:
            lines.append(f"  ~ {item.summary()}")
            lines.extend(_access_lines(item))
    # NOTE: names and values come from files and the server; each line is one line.
    return "\n".join(escape_terminal(line) for line in lines)


def _access_lines(item: DriftItem) -> list[str]:
    """How the change moves access, as the access diff words it (configured -> live)."""
    if item.effect is None:
        return []
    return [f"      {item.effect.symbol} {item.effect.value}: {item.access}"]


def _field_lines(items: tuple[DriftItem, ...]) -> list[str]:
    lines = []
    for item in items:
        for difference in item.fields:
            lines.append(
                f"      {item.address} {difference.field}: configured "
                f"{json.dumps(difference.configured)}, live {json.dumps(difference.live)}"
            )
    return lines


def _actors_line(report: DriftReport) -> str:
    return f"fedctl's actors: {', '.join(report.fedctl_actors) or '(none)'}"


def render_drift_markdown(report: DriftReport) -> str:
    lines = ["## fedctl drift", "", escape_markdown(_actors_line(report), in_table=False), ""]
    if not report.drift:
        lines.append("No drift: every difference from the configuration came from fedctl.")
    else:
        if report.broadens:
            lines += ["**This drift BROADENS ACCESS.**", ""]
        lines += [
            "| Resource | What | Access | Actor | When |",
            "| --- | --- | --- | --- | --- |",
        ]
        for item in report.drift:
            what = item.kind.value
            if item.fields:
                what += ": " + ", ".join(difference.field for difference in item.fields)
            lines.append(
                f"| {code_span(item.address, in_table=True)} | {escape_markdown(what)} | "
                f"{escape_markdown(_access_cell(item))} | "
                f"{escape_markdown(item.actor_id or 'not recorded')} | "
                f"{escape_markdown(item.at or '')} |"
            )
    if report.pending:
        lines += ["", f"Pending (configuration not yet applied): {len(report.pending)}", ""]
        lines.extend(
            f"- {escape_markdown(item.summary(), in_table=False)}" for item in report.pending
        )
    return "\n".join(lines)


def _access_cell(item: DriftItem) -> str:
    return f"{item.effect.value}: {item.access}" if item.effect is not None else ""


def render_drift_json(report: DriftReport) -> str:
    return json.dumps(report.to_json(), indent=2, sort_keys=True)
