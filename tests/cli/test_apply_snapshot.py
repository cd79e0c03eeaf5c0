"""`fedctl apply PLANFILE --snapshot`: what was reviewed against a snapshot is what is applied."""

from __future__ import annotations

from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.db import CONSOLE_ACTOR_ID, Actor
from tests.cli.access_fixtures import build_quickstart, copy_quickstart

MAIN = "pipeline:payments:ref:refs/heads/main"


def invoke(emulator, *args):
    return CliRunner().invoke(cli, list(args), env={"ANTHROPIC_AUTH_TOKEN": emulator.admin_token})


def reviewed_plan(emulator, tmp_path):
    """Snapshot, widen the rule in the config, plan against the snapshot with --out."""
    ids = build_quickstart(emulator)
    snapshot = tmp_path / "snapshot.json"
    assert (
        invoke(
            emulator, "snapshot", "--out", str(snapshot), "--base-url", emulator.base_url
        ).exit_code
        == 0
    )
    config = copy_quickstart(tmp_path)
    file = config / "fedctl.yaml"
    file.write_text(file.read_text().replace(MAIN, "pipeline:payments:*"))
    plan_file = tmp_path / "plan.json"
    result = CliRunner().invoke(
        cli, ["plan", str(config), "--snapshot", str(snapshot), "--out", str(plan_file)]
    )
    assert result.exit_code == 0, result.output
    return ids, config, snapshot, plan_file


def apply(emulator, plan_file, config, *extra):
    return invoke(
        emulator,
        "apply",
        str(plan_file),
        "--config",
        str(config),
        "--auto-approve",
        "--base-url",
        emulator.base_url,
        *extra,
    )


def live_subject(emulator, rule_id):
    return emulator.store.get_rule(rule_id)["match"]["subject_prefix"]


def test_apply_refuses_when_live_moved_away_from_the_snapshot(emulator, tmp_path):
    ids, config, snapshot, plan_file = reviewed_plan(emulator, tmp_path)
    emulator.store.update_rule(Actor.console(), ids["rule"], {"token_lifetime_seconds": 3600})

    result = apply(emulator, plan_file, config, "--snapshot", str(snapshot))

    assert result.exit_code == 1, result.output
    assert result.output.startswith(
        "error: rule/payments-main: live state moved away from snapshot "
    )
    assert (
        f"(rule/payments-main changed token_lifetime_seconds by {CONSOLE_ACTOR_ID} since the "
        "snapshot); nothing was changed" in result.output
    )
    assert live_subject(emulator, ids["rule"]) == MAIN


def test_apply_needs_the_snapshot_a_plan_was_made_from(emulator, tmp_path):
    ids, config, _snapshot, plan_file = reviewed_plan(emulator, tmp_path)

    result = apply(emulator, plan_file, config)

    assert result.exit_code == 1
    assert "this plan was made against snapshot sha256:" in result.output
    assert "pass that file with --snapshot FILE" in result.output
    assert live_subject(emulator, ids["rule"]) == MAIN


def test_apply_runs_when_live_still_equals_the_snapshot(emulator, tmp_path):
    ids, config, snapshot, plan_file = reviewed_plan(emulator, tmp_path)

    result = apply(emulator, plan_file, config, "--snapshot", str(snapshot))

    assert result.exit_code == 0, result.output
    assert live_subject(emulator, ids["rule"]) == "pipeline:payments:*"


def apply_config(emulator, config, snapshot):
    return invoke(
        emulator,
        "apply",
        str(config),
        "--snapshot",
        str(snapshot),
        "--auto-approve",
        "--base-url",
        emulator.base_url,
    )


def test_config_apply_refuses_when_live_moved_away_from_the_reviewed_snapshot(emulator, tmp_path):
    # The workflow's main-branch job: the PR was planned against this snapshot.
    ids, config, snapshot, _plan_file = reviewed_plan(emulator, tmp_path)
    emulator.store.update_rule(Actor.console(), ids["rule"], {"token_lifetime_seconds": 3600})

    result = apply_config(emulator, config, snapshot)

    assert result.exit_code == 1, result.output
    assert "error: rule/payments-main: live state moved away from snapshot " in result.output
    assert live_subject(emulator, ids["rule"]) == MAIN


def test_config_apply_runs_when_live_still_equals_the_reviewed_snapshot(emulator, tmp_path):
    ids, config, snapshot, _plan_file = reviewed_plan(emulator, tmp_path)

    result = apply_config(emulator, config, snapshot)

    assert result.exit_code == 0, result.output
    assert live_subject(emulator, ids["rule"]) == "pipeline:payments:*"
