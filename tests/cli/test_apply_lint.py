"""Plan and apply run lint: an error finding blocks apply before any write."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator
from tests.support.lint_counts import lint_counts, without_findings

CONFIG = """\
version: 1
{settings}
service_accounts:
  - name: web-deployer
    workspaces:
      - workspace: production
        role: workspace_developer
issuers:
  - name: github
    issuer_url: https://token.actions.githubusercontent.com
rules:
  - name: web-any
    issuer: github
    service_account: web-deployer
    match:
      subject_prefix: "repo:acme/web:*"
      audience: https://api.anthropic.com
    oauth_scope: workspace:inference
    workspaces: [production]
{silence}"""

# What lint finds in CONFIG, by check and severity; the wording is lint's own (tests/lint).
FINDINGS = {"FED021 warning": 1, "FED001 error": 1, "FED023 warning": 1}

LINT_REFUSAL = (
    "error: rule/web-any: refused by the lint check apply runs: 1 lint error (FED001 on "
    "rule/web-any) while settings.lint.block_apply is on; fix it, silence it with lint.ignore "
    "and a reason, or pass --allow-lint-errors"
)


def _config(tmp_path: Path, *, settings: str = "", silence: str = "") -> Path:
    folder = tmp_path / "federation"
    folder.mkdir()
    (folder / "fedctl.yaml").write_text(CONFIG.format(settings=settings, silence=silence))
    return folder


def _run(emulator: RunningEmulator, *args: str) -> Result:
    api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
    return CliRunner().invoke(cli, [*args, *api])


def _writes(emulator: RunningEmulator) -> list[tuple[str, str]]:
    return [(method, path) for method, path in emulator.requests() if method != "GET"]


def test_apply_refuses_a_lint_error_before_any_write(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    config = _config(tmp_path)
    result = _run(emulator, "apply", str(config), "--auto-approve")
    assert result.exit_code == 1
    assert lint_counts(result.stderr) == FINDINGS
    assert result.stderr.splitlines()[-1] == LINT_REFUSAL
    assert _writes(emulator) == []


def test_allow_lint_errors_applies_anyway(tmp_path: Path, emulator: RunningEmulator) -> None:
    config = _config(tmp_path)
    result = _run(emulator, "apply", str(config), "--auto-approve", "--allow-lint-errors")
    assert result.exit_code == 0, result.output
    assert _writes(emulator) != []


def test_settings_lint_block_apply_false_turns_the_gate_off(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    config = _config(tmp_path, settings="settings:\n  lint:\n    block_apply: false")
    result = _run(emulator, "apply", str(config), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert lint_counts(result.stderr) == FINDINGS


def test_a_silenced_error_with_a_reason_does_not_block(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    silence = "    lint:\n      ignore: [FED001]\n      reason: only push runs reach this repo\n"
    config = _config(tmp_path, silence=silence)
    result = _run(emulator, "apply", str(config), "--auto-approve")
    assert result.exit_code == 0, result.output


def test_plan_shows_each_finding_and_warns_that_apply_will_refuse(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    # The plan fails as apply will (issue 30), naming the check.
    config = _config(tmp_path)
    result = _run(emulator, "plan", str(config))
    assert result.exit_code == 1
    assert lint_counts(result.stderr) == FINDINGS
    assert without_findings(result.stderr).splitlines() == [
        "lint: 3 findings (1 error, 2 warning); `fedctl plan` and `fedctl apply` refuse while "
        "a lint error remains (see `fedctl lint`, or pass --allow-lint-errors to both)",
        LINT_REFUSAL,
    ]
    allowed = _run(emulator, "plan", str(config), "--allow-lint-errors", "--format", "json")
    assert allowed.exit_code == 0, allowed.output
    document = json.loads(allowed.stdout)
    assert document["gate"] == "passed with overrides"
    assert document["refusals"][0]["check"] == "lint"
    assert document["refusals"][0]["overridden"] is True
    assert [(n["check_id"], n["blocks"]) for n in document["lint"]] == [
        ("FED021", False),
        ("FED001", True),
        ("FED023", False),
    ]


def test_the_markdown_plan_shows_lint_and_the_verdict(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    config = _config(tmp_path)
    result = _run(emulator, "plan", str(config), "--allow-lint-errors", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert (
        "**Checks apply runs** (protection, policies, lint, safety limits): passed with "
        "overrides\n\n- lint: 1 lint error (FED001 on `rule/web-any`)" in result.stdout
    )
    assert "**Lint findings** (3; an error blocks apply while settings.lint.block_apply is on)" in (
        result.stdout
    )
    assert lint_counts(result.stdout) == FINDINGS
    # Values in code spans (nothing in a finding renders as Markdown).
    assert "FED001 error: `rule/web-any`: " in result.stdout


def test_saved_plan_apply_is_gated_too(tmp_path: Path, emulator: RunningEmulator) -> None:
    config = _config(tmp_path)
    saved = tmp_path / "plan.json"
    refused = _run(emulator, "plan", str(config), "--out", str(saved))
    assert refused.exit_code == 1
    assert not saved.exists()
    made = _run(emulator, "plan", str(config), "--out", str(saved), "--allow-lint-errors")
    assert made.exit_code == 0, made.output
    # The override is bound to the plan: apply must be given it too, on its own line.
    result = _run(emulator, "apply", str(saved), "--config", str(config), "--auto-approve")
    assert result.exit_code == 1
    assert "--allow-lint-errors (the plan: on; this apply: off)" in result.stderr
    assert _writes(emulator) == []
