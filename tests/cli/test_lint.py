"""`fedctl lint`: output formats, severity threshold, exit codes, invalid configs, examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from tests.lint.helpers import config_text, line_of, rule

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AUD = "audience: https://api.anthropic.com"
TOKEN_LIFETIME = 'subject_prefix: "repo:acme@91/app@81:ref:refs/heads/main"\n' + (
    f'{AUD}\nclaims: {{repository_owner_id: "1", event_name: push}}'
)


def _write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "fedctl.yaml"
    file.write_text(text, encoding="utf-8")
    return file


def test_text_output_and_exit_1(tmp_path: Path) -> None:
    text = config_text(rule(TOKEN_LIFETIME, extra="token_lifetime_seconds: 7200"))
    file = _write(tmp_path, text)
    result = CliRunner().invoke(cli, ["lint", str(file)])
    line = line_of(text, "token_lifetime_seconds:")
    assert result.exit_code == 1
    assert result.output == (
        f"{file}:{line}:5: FED007 warning: rule/r: token_lifetime_seconds is 7200; minted "
        "tokens should live at most 3600 s\n"
        "    fix: Set token_lifetime_seconds to 3600 or less (the Console wizard uses 600).\n"
        "1 finding (1 warning).\n"
    )


def test_severity_threshold_hides_lower_findings_and_exits_0(tmp_path: Path) -> None:
    file = _write(tmp_path, config_text(rule(TOKEN_LIFETIME, extra="token_lifetime_seconds: 7200")))
    result = CliRunner().invoke(cli, ["lint", str(file), "--severity", "error"])
    assert (result.exit_code, result.output) == (0, "No lint findings.\n")


def test_json_output(tmp_path: Path) -> None:
    file = _write(tmp_path, config_text(rule(TOKEN_LIFETIME, extra="token_lifetime_seconds: 7200")))
    result = CliRunner().invoke(cli, ["lint", str(file), "--format", "json"])
    assert result.exit_code == 1
    [finding] = json.loads(result.output)
    assert (finding["id"], finding["severity"], finding["path"]) == (
        "FED007",
        "warning",
        "token_lifetime_seconds",
    )


def test_sarif_output_is_json_with_results(tmp_path: Path) -> None:
    file = _write(tmp_path, config_text(rule(TOKEN_LIFETIME, extra="token_lifetime_seconds: 7200")))
    result = CliRunner().invoke(cli, ["lint", str(file), "--format", "sarif"])
    assert result.exit_code == 1
    log = json.loads(result.output)
    assert log["version"] == "2.1.0"
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["FED007"]


def test_invalid_config_exits_1_with_diagnostics(tmp_path: Path) -> None:
    file = _write(tmp_path, "issuers:\n  - name: x\n    preset: nope\n")
    result = CliRunner().invoke(cli, ["lint", str(file)])
    assert result.exit_code == 1
    assert "issuers[0].preset" in result.stderr
    assert result.stderr.endswith(
        "The configuration is not valid; fix it (see `fedctl validate`).\n"
    )


@pytest.mark.parametrize(
    "example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir() and p.name != "policies")
)
def test_every_example_validates_and_is_lint_clean(example: str) -> None:
    runner = CliRunner()
    validated = runner.invoke(cli, ["validate", str(EXAMPLES / example)])
    assert validated.exit_code == 0, validated.output
    linted = runner.invoke(cli, ["lint", str(EXAMPLES / example)])
    assert (linted.exit_code, linted.output) == (0, "No lint findings.\n")
