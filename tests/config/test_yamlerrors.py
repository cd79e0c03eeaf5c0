"""YAML syntax errors read as what to fix, with the offending line and a caret."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fedctl.config.located_yaml import parse_yaml


def _rendered(text: str) -> str:
    (problem,) = parse_yaml(text, "f.yaml").diagnostics
    return problem.render()


def test_an_unclosed_bracket_points_where_it_was_opened() -> None:
    text = "service_accounts:\n  - name: ci\n    description: [unclosed\n"
    assert _rendered(text) == (
        "f.yaml:3:18: YAML syntax error: the '[' here is never closed; add ']'\n"
        "    3 |     description: [unclosed\n"
        "      |                  ^"
    )


def test_a_colon_in_an_unquoted_value() -> None:
    text = "rules:\n  - name: a\n    description: note: quote me\n"
    assert _rendered(text) == (
        "f.yaml:3:22: YAML syntax error: a ':' here starts a key where none can start; fix "
        "the indentation, or quote the value if it holds ': '\n"
        "    3 |     description: note: quote me\n"
        "      |                      ^"
    )


def test_bad_indentation_names_the_mapping_above() -> None:
    text = "issuers:\n  - name: a\n    issuer_url: x\n   check_jti: true\n"
    rendered = _rendered(text)
    assert "PyYAML" not in rendered and "<block" not in rendered
    assert rendered.splitlines()[1:] == ["    4 |    check_jti: true", "      |    ^"]


def test_a_tab_is_named() -> None:
    assert "a tab character; YAML indents with spaces only" in _rendered("a:\n\t- b\n")


def test_the_quoted_line_cannot_drive_the_terminal() -> None:
    # Bidi controls are valid YAML text but rewrite what a terminal shows.
    rendered = _rendered("a: \u202egnp.exe\u2066: [\n")
    assert "\u202e" not in rendered and "\u2066" not in rendered
    assert rendered.splitlines()[1] == "    1 | a: \\u202egnp.exe\\u2066: ["
    assert rendered.splitlines()[2] == "      | " + " " * 22 + "^"  # under the second ":"


def test_a_long_line_is_clipped_around_the_caret() -> None:
    text = "a: " + "x" * 5000 + ": y\n"
    lines = _rendered(text).splitlines()
    assert all(len(line) < 130 for line in lines[1:])
    caret = lines[2].index("^")
    assert lines[1][caret - 1 : caret + 2] == "x: "


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_diagnostics_not_exceptions(text: str) -> None:
    for problem in parse_yaml(text, "f.yaml").diagnostics:
        assert problem.excerpt.replace("\n", "").isprintable()
