"""Revision 2, §5.8: a rule enabled where its service account is not a member is a warning.

The API accepts such a rule (membership is checked only at the token exchange), so a live
organization can hold one; fedctl must export, validate and plan it without a diff, and
say in validate, lint and plan that the rule cannot mint tokens in that workspace.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator, running_emulator
from tests.support.cli import k8s_org, k8s_rule, run_api
from tests.support.lint_counts import lint_counts

SEED = k8s_org(k8s_rule("deploy", "deploy", extra="workspaces: [production, staging]"))


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[RunningEmulator]:
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED)
    with running_emulator(workspaces=("production", "staging"), seed_path=str(seed)) as running:
        yield running


def test_live_rule_outside_memberships_exports_validates_and_plans_clean(
    seeded: RunningEmulator, tmp_path: Path
) -> None:
    out = tmp_path / "exported"
    assert run_api(seeded, "export", "--out", str(out)).exit_code == 0

    validated = CliRunner().invoke(cli, ["validate", str(out)])
    assert validated.exit_code == 0, validated.output
    assert (
        'warning: rule/deploy: rules[0].workspaces[1]: enabled in workspace "staging", but its '
        'service account "ci" is not a member there (member of: production), so the token '
        "exchange refuses that workspace; add it under the account's workspaces"
    ) in validated.output

    linted = CliRunner().invoke(cli, ["lint", str(out)])
    # FED031 is this warning; its wording is lint's own (tests/lint).
    assert lint_counts(linted.output)["FED031 warning"] == 1

    planned = run_api(seeded, "plan", str(out))
    assert planned.exit_code == 0, planned.output
    assert "No changes." in planned.output
    assert "rule/deploy is enabled in workspace staging (wrkspc_" in planned.output
    assert "service_account/ci is not a member" in planned.output
