"""`fmt` never changes a value (issue 27 item 6) and keeps a file's shape (issue 31 item 2).

fedctl reads YAML 1.1, where `yes`, `on`, `NO`, `1:20` and `12:30:00` written plain are
booleans and numbers; ruamel writes YAML 1.2. The property test writes YAML 1.1's special
scalars in every quoting style, as values, list items and claim names, and asserts the
formatted file loads to exactly the data the original did.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from fedctl.cli.main import cli
from fedctl.config.fmt import FormatRefused, format_text
from fedctl.config.located_yaml import parse_yaml

# Plain scalars YAML 1.1 (PyYAML) reads as something other than the string, and a few
# that YAML 1.2 (ruamel) reads differently from YAML 1.1.
SPECIAL = [
    *("yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"),
    *("true", "True", "FALSE", "y", "Y", "n", "N", "~", "null", "Null", ""),
    *("1:20", "12:30:00", "190:20:30.15", "-1:20", "010", "0o17", "0x1F", "0b101"),
    *("1_000", "+12", "-0", "1e3", "6.8523015e+5", ".inf", "-.Inf", ".NaN", "0.5"),
    *("2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<", "0", "1", "plain", "x: y"),
]
STYLES = ["plain", "single", "double"]


def _written(value: str, style: str) -> str:
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double" or value in ("", "x: y", "<<"):
        return json.dumps(value)
    return value


def _document(values: list[tuple[str, str]], claim: tuple[str, str]) -> str:
    items = "\n".join(f"      - {_written(v, s)}" for v, s in values)
    description = _written(*values[0])
    claim_name = _written(*claim) if claim[0] not in ("", "<<") else '"x"'
    return (
        'version: 1\nrules:\n  - match: {subject_prefix: "repo:", claims: '
        f"{{{claim_name}: {_written(*values[-1])}}}}}\n"
        f"    description: {description}\n    name: deploy\n    workspaces:\n{items}\n"
    )


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.tuples(st.sampled_from(SPECIAL), st.sampled_from(STYLES)), min_size=1),
    claim=st.tuples(st.sampled_from(SPECIAL), st.sampled_from(STYLES)),
)
def test_formatting_never_changes_a_yaml_1_1_value(
    values: list[tuple[str, str]], claim: tuple[str, str]
) -> None:
    text = _document(values, claim)
    before = parse_yaml(text, "a.yaml")
    if before.diagnostics:
        return  # not YAML fedctl reads; fmt refuses it (tested below)
    formatted = format_text(text)
    after = parse_yaml(formatted if formatted is not None else text, "a.yaml")
    assert after.diagnostics == []
    assert after.data == before.data
    assert format_text(formatted) is None if formatted is not None else True


@pytest.mark.parametrize("value", ['"yes"', "'on'", '"off"', '"NO"', '"1:20"', '"12:30:00"'])
def test_the_issues_quoted_values_keep_their_quotes_and_the_file_still_validates(
    value: str, tmp_path: Path
) -> None:
    config = tmp_path / "fedctl.yaml"
    config.write_text(
        f"version: 1\nservice_accounts:\n    - name: ci\n      description: {value}\n"
    )
    result = CliRunner().invoke(cli, ["fmt", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"  description: {value}\n" in config.read_text()
    assert CliRunner().invoke(cli, ["validate", str(tmp_path)]).exit_code == 0


def test_a_file_whose_value_would_change_is_refused_and_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fedctl.config.fmt as fmt

    config = tmp_path / "fedctl.yaml"
    original = 'version: 1\nservice_accounts:\n    - name: ci\n      description: "yes"\n'
    config.write_text(original)
    # Simulate a formatter that lost the quotes (the bug this check exists for).
    monkeypatch.setattr(fmt, "_unquote", lambda node: _strip_all_quotes(node))
    result = CliRunner().invoke(cli, ["fmt", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{config}: not formatted: formatting would change a value as fedctl reads it "
        '(YAML 1.1); left as it is: quote the value (for example "yes", "on" or "1:20")\n'
    )
    assert config.read_text() == original


def _strip_all_quotes(node: object) -> None:
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if isinstance(value, str):
                dict.__setitem__(node, key, str(value))
            else:
                _strip_all_quotes(value)
    elif isinstance(node, list):
        for item in node:
            _strip_all_quotes(item)


def test_a_file_that_does_not_parse_is_refused(tmp_path: Path) -> None:
    (tmp_path / "fedctl.yaml").write_text("version: 1\nrules: [\n")
    result = CliRunner().invoke(cli, ["fmt", str(tmp_path)])
    assert result.exit_code == 1
    assert "it does not parse; run `fedctl validate` and fix it first" in result.stderr
    with pytest.raises(FormatRefused):
        format_text("a: [\n")


COMMENTED = """\
version: 1
service_accounts:
  - name: ci
    description: builds
  # deploys production; owned by the platform team
  - name: deploy
    description: deploys
"""


def test_a_comment_stays_attached_to_the_item_below_it(tmp_path: Path) -> None:
    config = tmp_path / "fedctl.yaml"
    config.write_text(COMMENTED)
    result = CliRunner().invoke(cli, ["fmt", str(tmp_path)])
    assert result.exit_code == 0
    assert config.read_text() == (
        "version: 1\nservice_accounts:\n  - name: ci\n    description: builds\n\n"
        "  # deploys production; owned by the platform team\n"
        "  - name: deploy\n    description: deploys\n"
    )


def test_diff_prints_the_change_and_writes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "fedctl.yaml"
    config.write_text(COMMENTED)
    result = CliRunner().invoke(cli, ["fmt", str(tmp_path), "--diff"])
    assert result.exit_code == 0
    assert config.read_text() == COMMENTED
    assert f"--- {config}\n+++ {config}\n" in result.output
    assert "+\n   # deploys production" in result.output
    assert result.output.endswith(f"{config}: would be reformatted\n")


def test_crlf_line_endings_are_kept_and_the_mode_too(tmp_path: Path) -> None:
    config = tmp_path / "fedctl.yaml"
    config.write_bytes(COMMENTED.replace("\n", "\r\n").encode())
    config.chmod(0o640)
    result = CliRunner().invoke(cli, ["fmt", str(tmp_path)])
    assert result.exit_code == 0
    written = config.read_bytes().decode()
    assert written.count("\r\n") == written.count("\n") > 0
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    again = CliRunner().invoke(cli, ["fmt", str(tmp_path), "--check"])
    assert (again.exit_code, again.output) == (0, "")


def test_mixed_line_endings_are_reported(tmp_path: Path) -> None:
    config = tmp_path / "fedctl.yaml"
    config.write_bytes(b"version: 1\r\nservice_accounts:\r\n    - name: ci\n")
    result = CliRunner().invoke(cli, ["fmt", str(tmp_path)])
    assert result.output == f"{config}: reformatted (mixed line endings made uniform)\n"
    assert config.read_bytes() == b"version: 1\r\nservice_accounts:\r\n  - name: ci\r\n"


def test_comments_above_a_section_or_a_key_move_with_it() -> None:
    text = (
        "issuers:\n  - name: k8s\n    # pinned: the cluster's own URL\n"
        "    issuer_url: https://k8s.acme.example\n    description: x  # why x\n"
        "# the version of the language\nversion: 1\n"
    )
    assert format_text(text) == (
        "# the version of the language\nversion: 1\nissuers:\n  - name: k8s\n"
        "    description: x  # why x\n    # pinned: the cluster's own URL\n"
        "    issuer_url: https://k8s.acme.example\n"
    )


def test_a_symlinked_file_is_left_as_it_is(tmp_path: Path) -> None:
    target = tmp_path / "shared.yaml"
    target.write_text("service_accounts:\n    - name: ci\nversion: 1\n")
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "fedctl.yaml").symlink_to(target)
    result = CliRunner().invoke(cli, ["fmt", str(folder)])
    assert result.exit_code == 0
    assert "a symlink; left as it is (format the file it points at)" in result.output
    assert (folder / "fedctl.yaml").is_symlink()
    assert target.read_text() == "service_accounts:\n    - name: ci\nversion: 1\n"
