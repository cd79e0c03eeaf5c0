"""Silences (`lint: {ignore, reason}`) and count_findings."""

from __future__ import annotations

from pathlib import Path

from fedctl.config import load_config
from fedctl.lint.run import count_findings
from tests.lint.helpers import config_text, line_of, lint_text, rule

AUD = "audience: https://api.anthropic.com"
WILDCARD = f'subject_prefix: "repo:acme@91/app@81:*"\n{AUD}\nclaims: {{repository_owner_id: "1"}}'


def _rows(tmp_path: Path, text: str) -> list[tuple[str, int, str]]:
    return [
        (f.check_id, f.location.line if f.location else 0, f.message)
        for f in lint_text(tmp_path, text)
    ]


def test_silence_with_reason_removes_the_finding(tmp_path: Path) -> None:
    extra = 'lint:\n  ignore: [FED001]\n  reason: "only runs on push; PRs are disabled"'
    assert _rows(tmp_path, config_text(rule(WILDCARD, extra=extra))) == []


def test_silence_without_reason_silences_but_is_itself_a_finding(tmp_path: Path) -> None:
    text = config_text(rule(WILDCARD, extra="lint:\n  ignore: [FED001]"))
    assert _rows(tmp_path, text) == [
        ("FED090", line_of(text, "lint:"), "lint.ignore silences FED001 without a reason")
    ]


def test_blank_reason_counts_as_none(tmp_path: Path) -> None:
    text = config_text(rule(WILDCARD, extra='lint: {ignore: [FED001], reason: "  "}'))
    assert [row[0] for row in _rows(tmp_path, text)] == ["FED090"]


def test_unknown_id_is_a_finding_and_silences_nothing(tmp_path: Path) -> None:
    extra = 'lint:\n  ignore: [FED01, FED090]\n  reason: "typo"'
    text = config_text(rule(WILDCARD, extra=extra))
    line = line_of(text, "ignore:")
    assert _rows(tmp_path, text) == [
        (
            "FED001",
            line_of(text, "subject_prefix:"),
            "the rule admits pull_request runs, forks' included: e.g. "
            "sub=repo:acme@91/app@81:pull_request, event_name=pull_request",
        ),
        ("FED091", line, "lint.ignore names 'FED01', which is no check fedctl can silence"),
        ("FED091", line, "lint.ignore names 'FED090', which is no check fedctl can silence"),
    ]


def test_silence_applies_only_to_its_own_resource(tmp_path: Path) -> None:
    text = config_text(rule(WILDCARD))
    text += (
        "  - name: other\n    issuer: gha\n    service_account: ci\n    match:\n"
        '      subject_prefix: "repo:acme@91/app@81:*"\n      audience: https://api.anthropic.com\n'
        '      claims: {repository_owner_id: "1"}\n    oauth_scope: workspace:inference\n'
        "    workspaces: [production]\n"
        # FED036 too: "other" admits exactly the tokens of the first rule (issue 29).
        '    lint: {ignore: [FED001, FED036], reason: "reviewed"}\n'
    )
    assert [(row[0], row[1]) for row in _rows(tmp_path, text)] == [
        ("FED001", line_of(text, "subject_prefix:"))
    ]


def test_count_findings_for_plan(tmp_path: Path) -> None:
    from fedctl.lint.findings import LintSeverity

    file = tmp_path / "fedctl.yaml"
    file.write_text(config_text(rule(f'subject_prefix: "repo:acme*"\n{AUD}')), encoding="utf-8")
    config = load_config(file)
    assert count_findings(config) == 2  # FED001 and FED003
    assert count_findings(config, severity=LintSeverity.ERROR) == 2
