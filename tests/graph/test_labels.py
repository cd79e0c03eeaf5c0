"""Edge labels are cut around the part a change alters (issue 31 item 12), so a long
subject changed at its end still reads as two different edges."""

from __future__ import annotations

from pathlib import Path

from fedctl.emulator.server import RunningEmulator
from fedctl.graph.model import MAX_MATCH_LENGTH, MAX_PART_LENGTH, MatchParts, short_match
from tests.security.helpers import run

LONG = "repo:acme-corporation@1234567/payments-platform-service@7654321:ref:refs/heads/"


def test_a_long_subject_is_cut_around_the_change() -> None:
    before, after = LONG + "main", LONG + "release-2026"
    shown_before = short_match(before, None, None, None, versus=MatchParts(after))
    shown_after = short_match(after, None, None, None, versus=MatchParts(before))
    assert shown_before == "sub …" + before[-(MAX_PART_LENGTH - 1) :]
    assert shown_after == "sub …" + after[-(MAX_PART_LENGTH - 1) :]
    assert shown_before.endswith("refs/heads/main")
    assert shown_after.endswith("refs/heads/release-2026")
    # Without a counterpart (a whole-organization graph) the cut stays at the start.
    assert short_match(before, None, None, None) == "sub " + before[: MAX_PART_LENGTH - 1] + "…"


def test_a_change_in_the_middle_shows_context_on_both_sides() -> None:
    before = "project_path:" + "a" * 40 + "/app:" + "b" * 40
    after = before.replace("/app:", "/api:")
    shown = short_match(after, None, None, None, versus=MatchParts(before))
    assert "/api:" in shown
    assert shown.startswith("sub …") and shown.endswith("…")
    assert len(shown) == len("sub ") + MAX_PART_LENGTH


def test_unchanged_parts_give_way_to_the_changed_one() -> None:
    claims = {f"claim{i}": "x" * 25 for i in range(4)}
    before = MatchParts(LONG + "main", None, claims, 'claims.event_name == "push"')
    shown = short_match(LONG + "main", None, claims, 'claims.event_name == "pull"', versus=before)
    assert len(shown) <= MAX_MATCH_LENGTH
    assert shown == '…, if …ms.event_name == "pull"'


CONFIG = """\
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
    match:
      subject_prefix: "{subject}"
      audience: https://api.anthropic.com
      claims: {{event_name: push}}
    oauth_scope: workspace:inference
    workspaces: [default]
"""


def test_the_plan_graph_draws_the_old_and_the_new_subject_apart(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    (tmp_path / "fedctl.yaml").write_text(CONFIG.format(subject=LONG + "main"))
    assert run(emulator, "apply", str(tmp_path), "--auto-approve").exit_code == 0
    (tmp_path / "fedctl.yaml").write_text(CONFIG.format(subject=LONG + "release"))
    result = run(emulator, "plan", str(tmp_path), "--format", "markdown")
    assert result.exit_code == 0, result.output
    mermaid = result.stdout.split("```mermaid")[1].split("```")[0]
    edges = [line for line in mermaid.splitlines() if "| r" in line and line.strip()[0] == "i"]
    assert len(edges) == 2, mermaid
    assert any("==>" in edge and "refs/heads/release" in edge for edge in edges), edges
    assert any("-.->" in edge and "refs/heads/main" in edge for edge in edges), edges
