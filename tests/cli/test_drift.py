"""`fedctl drift` against the emulator: a Console change is reported with its actor."""

from __future__ import annotations

import json

import httpx
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
            "effect": "broadening",
            "access": "token_lifetime_seconds raised from 600 to 3600: minted tokens live longer",
        }
    ]
    assert report["broadens"] is True


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


def _console_match_change(emulator, rule_id, subject_prefix):
    match = {
        "subject_prefix": subject_prefix,
        "audience": "https://api.anthropic.com",
        "claims": {"project": "payments"},
    }
    return emulator.store.update_rule(Actor.console(), rule_id, {"match": match})


def test_a_console_wildcard_is_drift_classed_broadening_and_fails_the_scheduled_job(
    emulator, tmp_path
):
    config = copy_quickstart(tmp_path)
    ids = build_quickstart(emulator)
    _console_match_change(emulator, ids["rule"], "pipeline:payments:*")

    result = run_drift(emulator, config)
    assert result.exit_code == 2, result.output
    assert "  ! rule/payments-main: match changed by " in result.stdout
    assert (
        "      + broadening: match widened: admits tokens it did not; e.g. admits "
        "sub=pipeline:payments:"
    ) in result.stdout
    assert result.stdout.endswith(
        "This drift BROADENS ACCESS: the live organization admits tokens the files do not.\n"
    )

    result = run_drift(emulator, config, "--fail-on", "broadening")
    assert result.exit_code == 4, result.output

    markdown = run_drift(emulator, config, "--format", "markdown").stdout
    assert "**This drift BROADENS ACCESS.**" in markdown
    assert "| `rule/payments-main` | changed: match | broadening: match widened: " in markdown


def test_narrowing_drift_does_not_fail_on_broadening(emulator, tmp_path):
    config = copy_quickstart(tmp_path)
    ids = build_quickstart(emulator)
    emulator.store.update_rule(Actor.console(), ids["rule"], {"token_lifetime_seconds": 300})

    result = run_drift(emulator, config, "--fail-on", "broadening")
    assert result.exit_code == 2, result.output
    assert "      - narrowing: token_lifetime_seconds lowered from 600 to 300" in result.stdout
    assert "BROADENS" not in result.stdout


def test_a_rule_made_outside_fedctl_is_broadening_unless_settings_unmanaged_names_it(
    emulator, tmp_path
):
    config = copy_quickstart(tmp_path)
    build_quickstart(emulator)
    # A second rule, made in the Console: a new grant no file declares, for another branch
    # (a copy of the declared rule's match would admit nothing new: neutral, rightly).
    headers = {"authorization": f"Bearer {emulator.admin_token}"}
    rules = httpx.get(
        f"{emulator.base_url}/v1/organizations/federation_rules", headers=headers
    ).json()["data"]
    body = {key: rules[0][key] for key in ("issuer_id", "target", "match", "oauth_scope")}
    body.update(name="console-extra", workspace_id=rules[0]["workspace_ids"][0])
    body["match"] = {**body["match"], "subject_prefix": "pipeline:payments:ref:refs/heads/dev"}
    emulator.store.create_rule(Actor.console(), body)

    result = run_drift(emulator, config, "--fail-on", "broadening")
    assert result.exit_code == 4, result.output
    assert "  ! rule/console-extra: created by " in result.stdout
    assert (
        "      + broadening: new rule admits tokens no rule of its grants admitted before; "
        "e.g. admits sub=pipeline:payments:ref:refs/heads/dev"
    ) in result.stdout

    settings = "settings:\n  unmanaged: [rule/console-extra]\n"
    text = (config / "fedctl.yaml").read_text().replace("version: 1\n", "version: 1\n" + settings)
    (config / "fedctl.yaml").write_text(text)
    result = run_drift(emulator, config, "--fail-on", "broadening")
    assert (result.exit_code, "console-extra" in result.output) == (0, False), result.output


def test_a_rule_archived_in_the_console_is_narrowing_drift(emulator, tmp_path):
    config = copy_quickstart(tmp_path)
    ids = build_quickstart(emulator)
    emulator.store.archive_rule(Actor.console(), ids["rule"])

    result = run_drift(emulator, config, "--fail-on", "broadening", "--format", "json")
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    assert report["broadens"] is False
    [item] = report["drift"]
    assert (item["address"], item["kind"], item["effect"]) == (
        "rule/payments-main",
        "archived",
        "narrowing",
    )
