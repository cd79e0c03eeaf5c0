"""Plan -> Markdown for a pull-request comment or $GITHUB_STEP_SUMMARY, via Jinja2.

The packaged template (`templates/plan.md.j2`) puts the summary first and folds each
resource into a `<details>` block, so a plan of 1,000 changes still reads top-down. A
user template (`--template FILE`) gets the same context; it runs in Jinja2's sandbox.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError

from fedctl.errors import UsageError
from fedctl.escape import escape_all
from fedctl.graph.plan import render_plan_graph_markdown
from fedctl.plan.plan import Plan
from fedctl.render.access import render_access_markdown, render_still_granting_markdown
from fedctl.render.lines import change_lines, header
from fedctl.render.text import summary_line
from fedctl.sandbox import BoundedEnvironment, TemplateTooCostly, render_bounded

TEMPLATE_PATH = Path(__file__).parent / "templates" / "plan.md.j2"


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
        "unmanaged": list(plan.unmanaged),
        "not_managed_here": list(plan.not_managed_here),
        "still_granting": list(plan.still_granting),
        "console_managed": list(plan.console_managed),
        "unmanageable": list(plan.unmanageable),
        "policy_failures": list(plan.policy_failures),
        "access_test_changes": list(plan.access_test_changes),
        "warnings": list(plan.warnings),
    }


def render_markdown(plan: Plan, *, template_path: str | Path | None = None) -> str:
    path = Path(template_path) if template_path else TEMPLATE_PATH
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--template {path}: cannot read it ({exc.strerror})") from exc
    except UnicodeDecodeError:
        raise UsageError(f"--template {path}: cannot read it (not UTF-8 text)") from None
    # NOTE: no loader, so {% include %}/{% import %}/{% extends %} cannot read files.
    environment = BoundedEnvironment(
        undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False
    )
    try:
        text = render_bounded(environment.from_string(source), template_context(plan))
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
    return text if text.endswith("\n") else text + "\n"
