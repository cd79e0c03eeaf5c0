"""`fedctl snapshot` against the emulator, and apply's check that live still equals it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from fedctl.api.connect import open_client
from fedctl.cli.main import cli
from fedctl.core.errors import PlanError
from fedctl.emulator.db import CONSOLE_ACTOR_ID, Actor
from fedctl.live.read import read_live
from fedctl.live.snapshot import check_live_matches_snapshot, read_snapshot
from tests.cli.access_fixtures import build_quickstart


def take(emulator, path):
    return CliRunner().invoke(
        cli,
        ["snapshot", "--out", str(path), "--base-url", emulator.base_url],
        env={"ANTHROPIC_AUTH_TOKEN": emulator.admin_token},
    )


def read_live_now(emulator):
    with open_client(
        base_url=emulator.base_url, auth_token=emulator.admin_token, read_only=True, environ={}
    ) as client:
        return read_live(client)


def test_snapshot_writes_the_live_state_with_its_digest(emulator, tmp_path):
    build_quickstart(emulator)
    path = tmp_path / "snapshot.json"

    result = take(emulator, path)

    assert result.exit_code == 0, result.output
    snapshot = read_snapshot(path)
    assert snapshot.state == read_live_now(emulator)
    assert result.output == (
        f"Wrote snapshot {path}: {snapshot.label}, organization Local Emulator Org "
        "(1 service accounts, 1 issuers, 1 rules).\n"
    )


def test_apply_check_refuses_when_live_moved_away_from_the_snapshot(emulator, tmp_path):
    ids = build_quickstart(emulator)
    path = tmp_path / "snapshot.json"
    assert take(emulator, path).exit_code == 0
    snapshot = read_snapshot(path)
    check_live_matches_snapshot(snapshot, read_live_now(emulator), ["rule/payments-main"])

    emulator.store.update_rule(
        Actor.console(), ids["rule"], {"match": {"subject_prefix": "pipeline:payments:*"}}
    )

    with pytest.raises(PlanError) as raised:
        check_live_matches_snapshot(
            snapshot, read_live_now(emulator), ["rule/payments-main", "issuer/acme-build"]
        )
    assert raised.value.resources == ["rule/payments-main"]
    assert f"rule/payments-main changed match by {CONSOLE_ACTOR_ID} since the snapshot" in (
        raised.value.render()
    )
