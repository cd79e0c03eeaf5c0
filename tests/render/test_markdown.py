"""Markdown renderer: golden output, a user template, readable at 1,000 changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from fedctl.core.errors import UsageError
from fedctl.core.state import LiveState
from fedctl.plan.plan import compute_plan
from fedctl.render.markdown import render_markdown
from tests.support.golden import assert_golden
from tests.support.showcase import INLINE_KEY_MATERIAL, showcase_plan
from tests.support.states import ORG, WORKSPACES, desired, issuer


def test_markdown_plan_matches_golden() -> None:
    text = render_markdown(showcase_plan())
    assert_golden("plan/showcase.md", text)
    assert INLINE_KEY_MATERIAL not in text


def test_user_template(tmp_path: Path) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(
        "{{ summary }} {% for c in changes %}[{{ c.symbol }} {{ c.address }}]{% endfor %}"
    )
    text = render_markdown(showcase_plan(), template_path=template)
    assert text.startswith(
        "Plan: 3 to create, 3 to update, 2 to replace, 3 to archive. [+ issuer/build]"
    )
    assert text.endswith("\n")


def test_template_errors_are_usage_errors(tmp_path: Path) -> None:
    template = tmp_path / "bad.md.j2"
    template.write_text("{{ no_such_thing }}")
    with pytest.raises(UsageError) as caught:
        render_markdown(showcase_plan(), template_path=template)
    assert caught.value.render() == f"--template {template}: 'no_such_thing' is undefined"


def test_a_thousand_changes_keep_the_summary_first_and_details_folded() -> None:
    many = desired(issuers=[issuer(f"issuer-{n:04d}") for n in range(1000)])
    text = render_markdown(compute_plan(many, LiveState(organization=ORG, workspaces=WORKSPACES)))
    head = text.split("### Changes", 1)[0]
    assert "Plan: 1000 to create, 0 to update, 0 to replace, 0 to archive." in head
    assert len(head.splitlines()) < 12
    assert text.count("<details>") == 1000
    assert text.count("</details>") == 1000


def test_a_binary_template_is_a_usage_error(tmp_path: Path) -> None:
    template = tmp_path / "plan.md.j2"
    template.write_bytes(b"\xff\xfe")
    plan = compute_plan(desired(), LiveState(organization=ORG, workspaces=WORKSPACES))
    with pytest.raises(UsageError) as caught:
        render_markdown(plan, template_path=template)
    assert caught.value.render() == f"--template {template}: cannot read it (not UTF-8 text)"
