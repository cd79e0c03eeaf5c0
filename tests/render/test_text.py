"""Text renderer: golden output, colour only when asked, the summary line, no key material."""

from __future__ import annotations

from fedctl.plan.plan import compute_plan
from fedctl.render.text import render_text, summary_line
from tests.support.golden import assert_golden
from tests.support.showcase import INLINE_KEY_MATERIAL, showcase_plan
from tests.support.states import baseline, live_from


def test_text_plan_matches_golden() -> None:
    text = render_text(showcase_plan())
    assert_golden("plan/showcase.txt", text)
    assert "\033[" not in text
    assert INLINE_KEY_MATERIAL not in text
    assert "build-signer-2026-01" in text


def test_colour_only_when_asked() -> None:
    coloured = render_text(showcase_plan(), color=True)
    assert_golden("plan/showcase-color.txt", coloured)
    assert "\033[32m    + issuer/build\033[0m" in coloured


def test_summary_line_exact() -> None:
    assert (
        summary_line(showcase_plan())
        == "Plan: 3 to create, 3 to update, 2 to replace, 3 to archive."
    )


def test_no_changes() -> None:
    state = baseline()
    text = render_text(compute_plan(state, live_from(state)))
    assert text == "Organization: Acme (00000000-0000-0000-0000-000000000001)\n\nNo changes.\n"
