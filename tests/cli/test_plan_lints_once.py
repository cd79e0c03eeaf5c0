"""`fedctl plan` lints the configuration once: the gate reads the findings made while the
live read waited, instead of linting again after its last page (issue 32)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import fedctl.lint.run
from fedctl.config.validated import Config
from fedctl.emulator.server import RunningEmulator
from fedctl.lint.findings import Finding
from tests.support.cli import k8s_org, k8s_rule, run_api


def test_plan_lints_once_and_the_gate_still_sees_the_findings(
    emulator: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A day-long token lifetime: lint warns about it (FED007).
    long_lived = "workspaces: [production]\n    token_lifetime_seconds: 86400"
    (tmp_path / "org.yaml").write_text(k8s_org(k8s_rule("deploy", "team-a", extra=long_lived)))
    linted: list[list[Finding]] = []
    real = fedctl.lint.run.lint_config

    def counting(config: Config) -> list[Finding]:
        findings = real(config)
        linted.append(findings)
        return findings

    monkeypatch.setattr(fedctl.lint.run, "lint_config", counting)

    result = run_api(emulator, "plan", str(tmp_path), "--format", "json")

    assert result.exit_code == 0, result.output
    assert len(linted) == 1
    assert [finding.check.id for finding in linted[0]] == ["FED007"]
    # The gate recorded the findings made while the read waited.
    plan = json.loads(result.stdout)
    assert [note["check_id"] for note in plan["lint"]] == ["FED007"]
