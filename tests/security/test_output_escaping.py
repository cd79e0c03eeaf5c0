"""Terminal and Markdown injection: user-controlled strings are shown escaped, never raw.

A decoy rule's claim value carries `\\r` and `ESC [2K` (erase the line) followed by a
forged verdict, and its description carries `<!--` (hide the rest of a PR comment).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fedctl.emulator.server import RunningEmulator
from tests.security.helpers import run, writes
from tests.support.rendered_markdown import live_constructs

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
    description: "<!-- hidden | x"
    match:
      subject_prefix: "repo:acme/app:ref:refs/heads/main"
      claims:
        ref: "main\\r\\e[2K  <!-- does not broaden access"
    oauth_scope: workspace:inference
    workspaces: [default]
"""
RAW = ("\r", "\x1b")


@pytest.fixture
def decoy(tmp_path: Path) -> Path:
    (tmp_path / "fedctl.yaml").write_text(CONFIG)
    return tmp_path


def test_text_plan_shows_control_characters_escaped(emulator: RunningEmulator, decoy: Path) -> None:
    result = run(emulator, "plan", str(decoy), "--no-color", "--allow-lint-errors")
    assert result.exit_code == 0, result.output
    assert not any(char in result.stdout for char in RAW)
    assert "ref=main\\r\\x1b[2K  <!-- does not broaden access" in result.stdout
    assert "this plan BROADENS ACCESS." in result.stdout


def test_apply_question_comes_after_escaped_lines_and_nothing_is_written_on_no(
    emulator: RunningEmulator, decoy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fedctl.cli.apply.stdin_is_interactive", lambda: True)
    result = run(emulator, "apply", str(decoy), "--no-color", stdin="no\n")
    assert result.exit_code == 1
    assert not any(char in result.stdout for char in RAW)
    assert writes(emulator) == []


def test_markdown_plan_neutralises_raw_html_pipes_and_controls(
    emulator: RunningEmulator, decoy: Path
) -> None:
    result = run(emulator, "plan", str(decoy), "--format", "markdown", "--allow-lint-errors")
    assert result.exit_code == 0, result.output
    assert not any(char in result.stdout for char in RAW)
    table_rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    # Values go in code spans (issue 27 item 7), where `<!--` is shown, never parsed.
    assert any("`ref=main\\r\\x1b[2K`  `<!--` does not broaden access" in row for row in table_rows)
    assert live_constructs(result.stdout, ()) == []
