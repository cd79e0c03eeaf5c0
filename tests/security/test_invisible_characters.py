"""Invisible characters (issue 27 item 8): every character of Unicode categories Cc, Cf,
Cs, Co, Cn, Zl, Zp, every space but U+0020, and the fillers and selectors that render as
nothing are escaped in every human-readable output, so two values that look identical
never print the same."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fedctl.core.escape import escape_markdown, escape_terminal, is_hidden
from fedctl.emulator.server import RunningEmulator
from tests.security.helpers import run

# The 17 the issue found passing raw, one of each range.
LISTED = (
    "\ufeff\u2060\u180e\u00ad\u034f\U000e0041\U000e007f\ufe0f\u2061\u2064"
    "\U0001d173\U0001d17a\ufff9\ufffb\u2800\u115f\u3164"
)
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _must_escape(char: str) -> bool:
    category = unicodedata.category(char)
    return category in HIDDEN_CATEGORIES or (category == "Zs" and char != " ")


def _leaks(text: str) -> list[str]:
    # Line breaks and tabs are the output's own layout, never a value's.
    return [f"U+{ord(c):04X}" for c in text if c not in "\n\t" and is_hidden(c)]


def test_every_listed_character_is_escaped() -> None:
    shown = escape_terminal(LISTED)
    assert shown.isascii()
    assert shown == (
        "\\ufeff\\u2060\\u180e\\xad\\u034f\\U000e0041\\U000e007f\\ufe0f\\u2061\\u2064"
        "\\U0001d173\\U0001d17a\\ufff9\\ufffb\\u2800\\u115f\\u3164"
    )


@given(st.characters())
def test_each_character_of_the_categories_is_escaped(char: str) -> None:
    shown = escape_terminal(char)
    if _must_escape(char):
        assert shown != char and shown.isascii() and shown.startswith("\\")
    elif char not in "\x7f":
        assert shown == char or not char.isprintable()


@given(st.text(), st.text())
def test_two_different_values_never_print_the_same(first: str, second: str) -> None:
    # Escapes start with a backslash, which is itself kept: make the comparison fair by
    # taking values without one (a backslash in a value is shown as itself).
    first, second = first.replace("\\", ""), second.replace("\\", "")
    if first != second:
        assert escape_terminal(first) != escape_terminal(second)
    assert _leaks(escape_terminal(first)) == []
    assert _leaks(escape_markdown(first)) == []


CONFIG = f"""\
version: 1
service_accounts:
  - name: ci
    description: "bot{LISTED}"
issuers:
  - name: gha
    preset: github-actions
rules:
  - name: deploy
    issuer: gha
    service_account: ci
    description: "x{LISTED}"
    match:
      subject_prefix: "repo:acme/app{LISTED}:ref:refs/heads/main"
      claims:
        ref: "main{LISTED}"
    oauth_scope: workspace:inference
    workspaces: [default]
"""


@pytest.fixture
def invisible(tmp_path: Path) -> Path:
    (tmp_path / "fedctl.yaml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "--no-color"),
        ("plan", "--format", "markdown"),
        ("validate",),
        ("lint",),
        ("explain",),
        ("graph",),
    ],
    ids=lambda args: "-".join(args),
)
def test_cli_outputs_show_no_invisible_character(
    emulator: RunningEmulator, invisible: Path, args: tuple[str, ...]
) -> None:
    command, *rest = args
    result = run(emulator, command, str(invisible), *rest)
    assert result.exit_code in (0, 1, 2, 3), result.output
    assert _leaks(result.stdout) == [], result.stdout
    assert _leaks(result.stderr) == [], result.stderr


def test_outputs_about_live_resources_show_no_invisible_character(
    emulator: RunningEmulator, invisible: Path
) -> None:
    applied = run(emulator, "apply", str(invisible), "--auto-approve", "--allow-lint-errors")
    assert applied.exit_code == 0, applied.output
    assert _leaks(applied.output) == []
    for args in (
        ("show", "rule/deploy"),
        ("show", "service_account/ci"),
        ("drift", str(invisible)),
        ("drift", str(invisible), "--format", "markdown"),
        ("plan", str(invisible), "--no-color", "--allow-lint-errors"),
    ):
        result = run(emulator, *args)
        assert result.exit_code in (0, 2), result.output
        assert _leaks(result.output) == [], (args, result.output)


def test_explain_shows_claims_of_a_hostile_token_escaped(
    emulator: RunningEmulator, invisible: Path, tmp_path: Path
) -> None:
    import json

    claims = tmp_path / "claims.json"
    claims.write_text(
        json.dumps(
            {
                "iss": "https://token.actions.githubusercontent.com",
                "sub": f"repo:acme/app{LISTED}:ref:refs/heads/main",
                "ref": f"main{LISTED}",
                f"odd{LISTED}": "x",
            }
        ),
        encoding="utf-8",
    )
    result = run(emulator, "explain", str(invisible), "--claims", str(claims))
    assert "Claims:" in result.stdout, result.output
    assert _leaks(result.output) == [], result.output


def test_whoami_and_the_plan_header_show_a_hostile_organization_name_escaped(
    invisible: Path,
) -> None:
    from fedctl.emulator.server import running_emulator

    with running_emulator(organization_name=f"Acme{LISTED}") as hostile:
        plan = ("plan", str(invisible), "--no-color", "--allow-lint-errors")
        for args in (("whoami",), plan):
            result = run(hostile, *args)
            assert result.exit_code == 0, result.output
            assert "Acme\\ufeff" in result.stdout
            assert _leaks(result.output) == [], (args, result.output)
