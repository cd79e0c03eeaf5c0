"""The "Guardrail changes" section in every output: present with a trusted source (even
when nothing changed), absent without one, valid against the plan schema, and escaped."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from fedctl.plan.guardrails import GuardrailChange
from fedctl.render.json import render_json
from fedctl.render.markdown import render_markdown
from fedctl.render.text import render_text
from tests.support.showcase import showcase_plan

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())
HOSTILE = "case '\x1b[2Jfork <img src=x onerror=alert(1)>' edited"


def _guarded_plan():  # type: ignore[no-untyped-def]
    return showcase_plan().model_copy(
        update={
            "guard_sources": ("configuration", "snapshot sha256:abc (taken 2026-12-07T00:00:00Z)"),
            "guardrail_changes": (
                GuardrailChange(
                    guard="settings.max_archives", effect="weakens", detail="raised from 1 to 9"
                ),
                GuardrailChange(guard="access_tests", effect="weakens", detail=HOSTILE),
                GuardrailChange(
                    guard="settings.protect", effect="strengthens", detail="pattern 'x' added"
                ),
            ),
        }
    )


def test_text_lists_each_change_with_its_effect() -> None:
    text = render_text(_guarded_plan())
    section = text.split(
        "Guardrail changes (guards enforced: the strictest of configuration, "
        "snapshot sha256:abc (taken 2026-12-07T00:00:00Z)):\n",
        1,
    )[1]
    assert section.splitlines()[:3] == [
        "  weakens settings.max_archives: raised from 1 to 9",
        "  weakens access_tests: case '\\x1b[2Jfork <img src=x onerror=alert(1)>' edited",
        "  strengthens settings.protect: pattern 'x' added",
    ]
    assert "\x1b" not in text


def test_text_says_none_with_a_trusted_source_and_nothing_without_one() -> None:
    plan = showcase_plan()
    assert "Guardrail changes" not in render_text(plan)
    trusted = plan.model_copy(update={"guard_sources": ("configuration", "origin/main (abc)")})
    assert (
        "Guardrail changes (guards enforced: the strictest of configuration, origin/main "
        "(abc)):\n  none\n"
    ) in render_text(trusted)


def test_json_carries_guardrail_changes_valid_against_the_schema() -> None:
    document = json.loads(render_json(_guarded_plan()))
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["guardrail_changes"][0] == {
        "guard": "settings.max_archives",
        "effect": "weakens",
        "detail": "raised from 1 to 9",
    }
    assert document["guard_sources"][0] == "configuration"


def test_markdown_lists_each_change_escaped() -> None:
    markdown = render_markdown(_guarded_plan())
    assert "**Guardrail changes** (guards enforced: the strictest of configuration, " in markdown
    assert "- **weakens** `settings.max_archives`: raised from 1 to 9" in markdown
    # Hostile text is shown, never rendered: every word of it sits in a code span.
    assert "`<img` `src=x` `onerror=alert(1)>'`" in markdown
    assert "<img" not in markdown.replace("`<img`", "")
    assert "- **strengthens** `settings.protect`: pattern `'x'` added" in markdown
