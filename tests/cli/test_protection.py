"""Protection one pull request cannot undo: the snapshot of main records settings.protect,
and plans or applies against it refuse to archive what it protects, even when the change
also drops the name from settings.protect. Globs and kind/name patterns protect too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.core.patterns import is_protected
from fedctl.core.state import Kind
from fedctl.emulator.server import RunningEmulator, running_emulator
from tests.support.cli import k8s_org, k8s_rule, run_api

SETTINGS = "settings:\n  protect: [{patterns}]\n"


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator(workspaces=("production",)) as running:
        yield running


def write(folder: Path, *rules: str, protect: str = "") -> Path:
    folder.mkdir(exist_ok=True)
    settings = SETTINGS.format(patterns=protect) if protect else ""
    (folder / "fedctl.yaml").write_text(settings + k8s_org(*rules))
    return folder


@pytest.mark.parametrize(
    ("kind", "name", "patterns", "expected"),
    [
        (Kind.RULE, "prod-deploy", ["rule/prod-*"], True),
        (Kind.ISSUER, "prod-deploy", ["rule/prod-*"], False),
        (Kind.RULE, "staging-deploy", ["rule/prod-*"], False),
        (Kind.ISSUER, "k8s", ["k8s"], True),
        (Kind.SERVICE_ACCOUNT, "ci-1", ["service_account/ci-?"], True),
    ],
)
def test_protect_patterns(kind: Kind, name: str, patterns: list[str], expected: bool) -> None:
    assert is_protected(kind, name, patterns) is expected


def test_unprotect_and_archive_in_one_change_is_refused(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    main = write(
        tmp_path / "main",
        k8s_rule("prod-deploy", "deploy"),
        k8s_rule("build", "build"),
        protect="rule/prod-*",
    )
    assert run_api(emulator, "apply", str(main), "--auto-approve").exit_code == 0
    snapshot = tmp_path / "snapshot.json"
    assert run_api(emulator, "snapshot", str(main), "--out", str(snapshot)).exit_code == 0

    # The pull request: drops the protection and the rule, with prune on.
    change = write(tmp_path / "pr", k8s_rule("build", "build"))
    planned = CliRunner().invoke(cli, ["plan", str(change), "--prune", "--snapshot", str(snapshot)])
    assert planned.exit_code == 1
    assert "rule/prod-deploy is protected in snapshot sha256:" in planned.output
    assert "merge the change that removes the name from settings.protect first" in planned.output
    emulator.reset_request_log()
    applied = run_api(
        emulator, "apply", str(change), "--prune", "--auto-approve", "--snapshot", str(snapshot)
    )
    assert applied.exit_code == 1
    assert "rule/prod-deploy is protected in snapshot" in applied.output
    assert [call for call in emulator.requests() if call[0] != "GET"] == []


def test_after_a_snapshot_without_the_protection_archiving_is_allowed(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    unprotected = write(
        tmp_path / "main", k8s_rule("prod-deploy", "deploy"), k8s_rule("build", "build")
    )
    assert run_api(emulator, "apply", str(unprotected), "--auto-approve").exit_code == 0
    snapshot = tmp_path / "snapshot.json"
    assert run_api(emulator, "snapshot", str(unprotected), "--out", str(snapshot)).exit_code == 0
    change = write(tmp_path / "pr", k8s_rule("build", "build"))
    applied = run_api(
        emulator, "apply", str(change), "--prune", "--auto-approve", "--snapshot", str(snapshot)
    )
    assert applied.exit_code == 0, applied.output
    assert "archive" in applied.output


def test_without_a_snapshot_plan_warns_once(emulator: RunningEmulator, tmp_path: Path) -> None:
    config = write(tmp_path / "c", k8s_rule("prod-deploy", "deploy"), protect="rule/prod-*")
    result = run_api(emulator, "plan", str(config), "--no-color")
    assert result.exit_code == 0, result.output
    # The warning names every guard now, not only settings.protect (issue 25).
    assert result.output.count("come from this configuration only") == 1


def test_a_pull_request_that_edits_a_policy_file_is_flagged(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    policies = tmp_path / "policies.yaml"
    policies.write_text(
        "policies:\n  - name: short\n    description: short tokens\n    severity: deny\n"
        "    applies_to: rule\n    require: rule.token_lifetime_seconds <= 3600\n"
    )
    main = write(tmp_path / "main", k8s_rule("deploy", "deploy"))
    config = main / "fedctl.yaml"
    config.write_text(f"settings:\n  policy_files: [{policies}]\n" + config.read_text())
    assert run_api(emulator, "apply", str(main), "--auto-approve").exit_code == 0
    snapshot = tmp_path / "snapshot.json"
    assert run_api(emulator, "snapshot", str(main), "--out", str(snapshot)).exit_code == 0
    unchanged = CliRunner().invoke(cli, ["plan", str(main), "--snapshot", str(snapshot)])
    assert unchanged.exit_code == 0, unchanged.output
    assert "Guardrail changes" in unchanged.output
    assert "weakens settings.policy_files" not in unchanged.output
    policies.write_text(policies.read_text().replace("<= 3600", "<= 86400"))
    edited = CliRunner().invoke(cli, ["plan", str(main), "--snapshot", str(snapshot)])
    # Shown as a guardrail change now (issue 25); the snapshot's version still runs.
    assert edited.exit_code == 0, edited.output
    assert f"weakens settings.policy_files: policy file '{policies}' edited" in edited.output
