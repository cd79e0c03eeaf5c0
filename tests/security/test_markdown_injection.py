"""Live Markdown through user-controlled values (issue 27 item 7): a `subject_prefix`
holding an image, a fake approval link, a team mention and bold text must render as
inert code in every Markdown output: the plan (access-diff table, warnings, summaries),
drift, keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fedctl.core.escape import code_span, escape_html_text, escape_markdown
from fedctl.emulator.server import RunningEmulator
from tests.security.helpers import run
from tests.support.rendered_markdown import live_constructs

PAYLOAD = (
    "![p](https://evil.example/p.png) [Approved by security](https://evil.example/ok) "
    "@acme/security-team **LGTM**"
)
PAYLOAD_WORDS = ("LGTM", "Approved", "evil")

CONFIG = f"""\
version: 1
service_accounts:
  - name: ci
issuers:
  - name: gha
    preset: github-actions
rules:
  - name: deploy
    issuer: gha
    service_account: ci
    description: {PAYLOAD!r}
    match:
      subject_prefix: {PAYLOAD!r}
      audience: "https://api.anthropic.com www.evil.example"
      claims:
        repository_owner_id: "123 @acme/security-team"
    oauth_scope: workspace:inference
    workspaces: [default]
"""


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    (tmp_path / "fedctl.yaml").write_text(CONFIG.replace("'", '"'))
    return tmp_path


def test_the_markdown_plan_renders_nothing_from_the_payload(
    emulator: RunningEmulator, hostile: Path
) -> None:
    result = run(emulator, "plan", str(hostile), "--format", "markdown", "--allow-lint-errors")
    assert result.exit_code == 0, result.output
    assert "@acme/security-team" in result.stdout  # shown, as code
    assert live_constructs(result.stdout, PAYLOAD_WORDS) == []


def test_the_oracle_sees_the_attack_when_values_are_pasted_raw() -> None:
    # The check above could pass by accident; raw, the same payload is live.
    assert len(live_constructs(f"| a |\n|---|\n| {PAYLOAD} |", PAYLOAD_WORDS)) == 4


@given(st.text(max_size=60))
def test_escaped_prose_and_code_spans_never_render_anything(text: str) -> None:
    def table(cell: str) -> str:
        return f"| a | b |\n|---|---|\n| {cell} | x |"

    cases = [
        table(escape_markdown(text)),
        table(code_span(text, in_table=True)),
        f"- {escape_markdown(text, in_table=False)}",
        escape_markdown(text, in_table=False),
        f"- {code_span(text)}",
        code_span(text),
        f"<details><summary>{escape_html_text(text)}</summary>\n\nx\n\n</details>",
    ]
    for markdown in cases:
        assert live_constructs(markdown, ()) == [], (text, markdown)


@given(st.text(max_size=40))
def test_a_code_span_shows_the_value_exactly(text: str) -> None:
    from markdown_it import MarkdownIt

    from fedctl.core.escape import escape_terminal

    rendered = MarkdownIt("commonmark").renderInline(code_span(text))
    shown = escape_terminal(text)
    if shown.strip(" "):
        import html

        # One code element holding exactly the value (markdown-it escapes `"` but not `'`,
        # so compare the text it shows, not one escaping of it).
        assert rendered.startswith("<code>") and rendered.endswith("</code>")
        inner = rendered.removeprefix("<code>").removesuffix("</code>")
        assert "<" not in inner
        assert html.unescape(inner) == shown


def test_drift_markdown_keeps_a_hostile_actor_and_address_inert() -> None:
    from fedctl.drift.render import render_drift_markdown
    from fedctl.drift.report import DriftItem, DriftKind, DriftReport, FieldDifference

    report = DriftReport(
        fedctl_actors=(PAYLOAD,),
        items=(
            DriftItem(
                address=f"rule/{PAYLOAD}",
                kind=DriftKind.CHANGED,
                fields=(FieldDifference(field=PAYLOAD),),
                actor_id=PAYLOAD,
                at=PAYLOAD,
                drift=True,
            ),
            DriftItem(address=f"rule/{PAYLOAD}", kind=DriftKind.UNMANAGED, drift=False),
        ),
    )
    markdown = render_drift_markdown(report)
    assert markdown.count("@acme/security-team") == 6
    assert live_constructs(markdown, PAYLOAD_WORDS) == []
