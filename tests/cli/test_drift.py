"""`fedctl drift` against the emulator: a Console change is reported with its actor."""

from __future__ import annotations

import json

from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.db import CONSOLE_ACTOR_ID, Actor
from tests.cli.access_fixtures import FEDCTL_ACTOR, build_quickstart, copy_quickstart


def run_drift(emulator, config, *extra):
    return CliRunner().invoke(
        cli,
        [
            "drift",
            str(config),
            "--base-url",
            emulator.base_url,
            "--fedctl-actor",
            FEDCTL_ACTOR,
            *extra,
        ],
        env={"ANTHROPIC_AUTH_TOKEN": emulator.admin_token},
    )


def test_no_drift_when_live_equals_the_configuration(emulator, tmp_path):
    config = copy_quickstart(tmp_path)
    build_quickstart(emulator)

    result = run_drift(emulator, config)

    assert (result.exit_code, result.output) == (
        0,
        f"fedctl's actors: {FEDCTL_ACTOR}\n"
        "No drift: every difference from the configuration came from fedctl.\n",
    )


def test_a_console_change_is_drift_with_its_actor(emulator, tmp_path):
    config = copy_quickstart(tmp_path)
    ids = build_quickstart(emulator)
    changed = emulator.store.update_rule(
        Actor.console(), ids["rule"], {"token_lifetime_seconds": 3600}
    )

    result = run_drift(emulator, config, "--format", "json")

    assert result.exit_code == 2, result.output
    report = json.loads(result.output)
    assert report["has_drift"] is True
    assert report["drift"] == [
        {
            "address": "rule/payments-main",
            "kind": "changed",
            "fields": [{"field": "token_lifetime_seconds", "configured": 600, "live": 3600}],
            "actor_id": CONSOLE_ACTOR_ID,
            "at": changed["updated_at"],
            "drift": True,
        }
    ]


def test_a_change_by_fedctls_own_actor_is_pending(emulator, tmp_path):
    config = copy_quickstart(tmp_path)
    ids = build_quickstart(emulator)
    emulator.store.update_rule(
        Actor(FEDCTL_ACTOR, "user"), ids["rule"], {"token_lifetime_seconds": 900}
    )

    result = run_drift(emulator, config)

    assert result.exit_code == 0, result.output
    assert (
        "  ~ rule/payments-main: token_lifetime_seconds changed by " + FEDCTL_ACTOR in result.output
    )


def test_drift_without_a_known_fedctl_actor_reports_every_difference(emulator, tmp_path):
    config = copy_quickstart(tmp_path)
    ids = build_quickstart(emulator)
    changed = emulator.store.update_rule(
        Actor(FEDCTL_ACTOR, "user"), ids["rule"], {"token_lifetime_seconds": 900}
    )
    result = CliRunner().invoke(
        cli,
        ["drift", str(config), "--base-url", emulator.base_url],
        env={"ANTHROPIC_AUTH_TOKEN": emulator.admin_token},
    )
    # Nothing can be classed as pending: the change is drift, with its actor and time.
    assert result.exit_code == 2, result.output
    assert (
        f"  ! rule/payments-main: token_lifetime_seconds changed by {FEDCTL_ACTOR} "
        f"at {changed['updated_at']}"
    ) in result.stdout
    assert result.stderr == (
        "note: without --fedctl-actor, fedctl's own changes cannot be told apart from "
        "others': every difference is reported as drift, none as pending\n"
    )


def test_drift_without_a_known_fedctl_actor_and_no_difference_exits_0(emulator, tmp_path):
    config = copy_quickstart(tmp_path)
    build_quickstart(emulator)
    result = CliRunner().invoke(
        cli,
        ["drift", str(config), "--base-url", emulator.base_url, "--format", "json"],
        env={"ANTHROPIC_AUTH_TOKEN": emulator.admin_token},
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["has_drift"] is False
