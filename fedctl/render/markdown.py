"""Plan -> Markdown for a pull-request comment or $GITHUB_STEP_SUMMARY, via Jinja2.

The packaged template (`templates/plan.md.j2`) puts the summary first and folds each
resource into a `<details>` block, so a plan of 1,000 changes still reads top-down. A
user template (`--template FILE`) gets the same context; it runs in Jinja2's sandbox.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError

from fedctl.core.errors import UsageError
from fedctl.core.escape import code_span, escape_all, escape_html_text, escape_markdown
from fedctl.core.sandbox import BoundedEnvironment, TemplateTooCostly, render_bounded
from fedctl.graph.plan import render_plan_graph_markdown
from fedctl.plan.plan import Plan
from fedctl.render.access import render_access_markdown, render_still_granting_markdown
from fedctl.render.lines import change_lines, header, heading_id
from fedctl.render.records import (
    access_test_change_line,
    held_resource_line,
    policy_failure_line,
)
from fedctl.render.text import summary_line, unmanaged_not_archived

TEMPLATE_PATH = Path(__file__).parent / "templates" / "plan.md.j2"

# Filters every template gets, so a user-controlled value never renders, links or
# mentions: `code` (a value as a code span), `md` (prose quoting values, in a list or a
# paragraph), `md_cell` (the same in a table cell) and `html_text` (prose inside raw
# HTML such as `<summary>`).
MARKDOWN_FILTERS = {
    "code": code_span,
    "md": lambda text: escape_markdown(text, in_table=False),
    "md_cell": escape_markdown,
    "html_text": escape_html_text,
}


def template_context(plan: Plan) -> dict[str, Any]:
    """What a template sees; every string has its control characters escaped, and prose
    the packaged template prints outside code blocks is HTML-escaped there (`| e`)."""
    return {
        **escape_all(_raw_context(plan)),
        "access_markdown": render_access_markdown(plan.access)
        + render_still_granting_markdown(plan.still_granting),
        # Mermaid text whose user-written strings are already escaped for Mermaid.
        "trust_graph": render_plan_graph_markdown(plan),
    }


def _raw_context(plan: Plan) -> dict[str, Any]:
    counts = plan.counts()
    return {
        "organization": {"id": plan.organization.id, "name": plan.organization.name},
        "summary": summary_line(plan),
        "snapshot": plan.snapshot.label if plan.snapshot is not None else None,
        "access_broadens": plan.access.broadens,
        "counts": {action.value: count for action, count in counts.items()},
        "empty": plan.is_empty(),
        "changes": [
            {
                "address": header(change),
                "live_id": heading_id(change),
                "kind": change.kind.value,
                "name": change.name,
                "action": change.action.value,
                "symbol": change.action.symbol,
                "reason": change.reason,
                "changed_fields": list(change.changed_fields),
                "ids_retired": list(change.ids_retired),
                "lines": [
                    {"symbol": line.symbol, "text": line.text}
                    for line in change_lines(change, plan.workspace_names)
                    if line.symbol != "#"
                ],
            }
            for change in plan.changes
        ],
        "retired": [retired for change in plan.changes for retired in change.ids_retired],
        "unmanaged": list(unmanaged_not_archived(plan)),
        "not_managed_here": list(plan.not_managed_here),
        "still_granting": list(plan.still_granting),
        "console_managed": list(plan.console_managed),
        "unmanageable": [held_resource_line(held) for held in plan.unmanageable],
        "policy_failures": [policy_failure_line(failure) for failure in plan.policy_failures],
        "access_test_changes": [
            access_test_change_line(change) for change in plan.access_test_changes
        ],
        "warnings": list(plan.warnings),
        "gate_checked": plan.gate_checked,
        "gate_verdict": plan.gate_verdict,
        "refusals": [refusal.line() for refusal in plan.refusals],
        "lint_findings": [note.line() for note in plan.lint_findings],
        "guard_sources": list(plan.guard_sources),
        "guardrail_changes": [change.model_dump() for change in plan.guardrail_changes],
    }


def render_markdown(plan: Plan, *, template_path: str | Path | None = None) -> str:
    path = Path(template_path) if template_path else TEMPLATE_PATH
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--template {path}: cannot read it ({exc.strerror})") from exc
    except UnicodeDecodeError:
        raise UsageError(f"--template {path}: cannot read it (not UTF-8 text)") from None
    if template_path is None:  # our own template: no child process needed
        text = render_markdown_source(source, template_context(plan), str(path))
    else:
        text = _render_in_child(source, template_context(plan), str(path))
    return text if text.endswith("\n") else text + "\n"


def _render_in_child(source: str, context: dict[str, Any], path: str) -> str:
    """A user's `--template` is hostile: it renders under the child's hard limits."""
    from fedctl.core.template_process import Job, render_in_child

    job = Job(templates=[(path, source)], variables=context, kind="markdown")
    answer = render_in_child(job)[0]
    if answer.text is None:
        message = answer.problems[0][1] if answer.problems else "template error"
        if message.startswith("--template "):
            raise UsageError(message)
        raise UsageError(f"--template {path}: {message}")
    return answer.text


def render_markdown_source(source: str, context: dict[str, Any], path: str) -> str:
    """Render a Markdown template in this process (the child calls this for --template)."""
    # NOTE: no loader, so {% include %}/{% import %}/{% extends %} cannot read files.
    environment = BoundedEnvironment(
        undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False
    )
    environment.filters.update(MARKDOWN_FILTERS)
    try:
        return render_bounded(environment.from_string(source), context)
    except TemplateTooCostly as exc:
        raise UsageError(f"--template {path}: {exc}") from None
    except TemplateError as exc:
        raise UsageError(f"--template {path}: {exc.message or exc}") from exc
    except TypeError as exc:
        if "no loader" not in str(exc):
            raise
        raise UsageError(
            f"--template {path}: {{% include %}}, {{% import %}} and {{% extends %}} are not "
            "supported; put the whole template in one file"
        ) from None
