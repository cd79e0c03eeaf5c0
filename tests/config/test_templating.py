# ruff: noqa: E501 - expected messages are compared whole, one literal each
from pathlib import Path

import pytest

from fedctl.config.templating import load_variables, render_template
from fedctl.core.errors import Location, UsageError


def test_var_wins_over_var_files_and_later_files_win(tmp_path: Path) -> None:
    first = tmp_path / "one.yaml"
    first.write_text("env: staging\nregion: us\nowner: a\n")
    second = tmp_path / "two.yaml"
    second.write_text("owner: b\n")
    values, problems = load_variables(["env=prod", "note=a=b"], [str(first), str(second)])
    assert problems == []
    assert values == {"env": "prod", "region": "us", "owner": "b", "note": "a=b"}


def test_malformed_var_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="expected KEY=VALUE"):
        load_variables(["novalue"], [])


def test_bad_var_files_are_located(tmp_path: Path) -> None:
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [\n")
    _, problems = load_variables([], [str(listing), str(broken), str(tmp_path / "missing.yaml")])
    rendered = [problem.render() for problem in problems]
    assert rendered[0] == f"{listing}:1:1: a variable file must be a mapping of names to values"
    assert rendered[1].startswith(f"{broken}:2:1: YAML syntax error")
    assert (
        rendered[2]
        == f"{tmp_path / 'missing.yaml'}: cannot read the variable file: No such file or directory"
    )


def test_var_file_with_a_control_character_is_one_located_line(tmp_path: Path) -> None:
    control = tmp_path / "control.yaml"
    control.write_text("env: prod\x07\n")
    _, problems = load_variables([], [str(control)])
    assert [problem.render() for problem in problems] == [
        f"{control}:1:10: not YAML: unacceptable character #x0007: special characters are not "
        "allowed; YAML text cannot hold this character: remove it"
    ]


def test_render_with_variables() -> None:
    text, problems = render_template("name: ci-{{ env }}\n", "t.yaml.j2", {"env": "prod"})
    assert (text, problems) == ("name: ci-prod\n", [])


def test_undefined_variable_is_located_in_the_template() -> None:
    source = "a: 1\n{% if true %}\nb: {{ missing }}\n{% endif %}\n"
    text, problems = render_template(source, "t.yaml.j2", {})
    assert text is None
    assert [p.render() for p in problems] == [
        "t.yaml.j2:3:1: template variable error: 'missing' is undefined; pass it with --var or --var-file"
    ]
    assert problems[0].location == Location("t.yaml.j2", 3, 1, rendered=False)


def test_sandbox_refuses_python_internals() -> None:
    text, problems = render_template("a: {{ ''.__class__.__mro__ }}\n", "t.yaml.j2", {})
    assert text is None
    assert problems[0].render() == (
        "t.yaml.j2:1:1: template refused by the sandbox: access to attribute '__class__' of "
        "'str' object is unsafe."
    )


def test_syntax_error_is_located() -> None:
    _, problems = render_template("a: 1\nb: {% if %}\n", "t.yaml.j2", {})
    assert problems[0].render() == (
        "t.yaml.j2:2:1: template syntax error: Expected an expression, got 'end of statement block'"
    )
