"""One documentation page per lint check, from the catalogue: `fedctl lint --explain ID`
prints it, and `docs/lint/` holds the same pages (a test keeps them in step), which
SARIF's `helpUri` links to."""

from __future__ import annotations

from fedctl.lint.catalogue import CATALOGUE
from fedctl.lint.examples import CheckExamples, examples_for
from fedctl.lint.findings import CheckInfo


def render_page(info: CheckInfo) -> str:
    examples = examples_for(info.id)
    return (
        f"# {info.id} {info.name}\n\n"
        f"Severity: **{info.severity.value}**. Precision: {info.precision}.\n\n"
        f"{info.summary}.\n\n"
        f"## The attack, or the mistake\n\n{info.explanation}\n\n"
        + ("" if examples is None else _render_examples(examples))
        + f"## Fix\n\n{info.fix}\n\n"
        "## Silence it\n\n"
        "```yaml\nlint:\n"
        f"  ignore: [{info.id}]\n"
        '  reason: "why this rule is safe anyway"\n```\n'
        + ("" if examples is None else _render_references(examples))
    )


def _render_examples(examples: CheckExamples) -> str:
    if examples.live_only:
        # Live state has no configuration form: the entries are prose.
        return (
            f"## Vulnerable (live state)\n\n{examples.vulnerable.strip()}\n\n"
            f"## Fixed (live state)\n\n{examples.fixed.strip()}\n\n"
        )
    return (
        f"## Vulnerable\n\n```yaml\n{examples.vulnerable.rstrip()}\n```\n\n"
        f"## Fixed\n\n```yaml\n{examples.fixed.rstrip()}\n```\n\n"
    )


def _render_references(examples: CheckExamples) -> str:
    items = "".join(f"- [{ref.title}]({ref.url})\n" for ref in examples.references)
    return f"\n## References\n\n{items}"


def render_index() -> str:
    rows = [
        f"| [{info.id}]({info.id}.md) | {info.severity.value} | {info.summary} |"
        for info in CATALOGUE.values()
    ]
    header = "# Lint checks\n\n| ID | Severity | Finds |\n|---|---|---|\n"
    return header + "\n".join(rows) + "\n"


def page_for(check_id: str) -> str | None:
    info = CATALOGUE.get(check_id.strip().upper())
    return None if info is None else render_page(info)
