"""Snapshot files: deterministic digest, round trip, tamper refusal, and the apply check."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fedctl.core.errors import PlanError, UsageError
from fedctl.core.state import LiveMeta
from fedctl.live.snapshot import (
    check_live_matches_snapshot,
    read_snapshot,
    snapshot_document,
    state_digest,
    take_snapshot,
    write_snapshot,
)
from tests.access.helpers import PROD, STAGING, live_state, rule

NOON = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_snapshot_round_trips_with_its_digest(tmp_path: Path):
    live = live_state(rules=[rule(workspace_ids=frozenset({PROD, STAGING}))])
    path = tmp_path / "snapshot.json"
    write_snapshot(take_snapshot(live, now=NOON), path)

    snapshot = read_snapshot(path)

    assert snapshot.state == live
    assert snapshot.taken_at == "2025-03-01T12:00:00Z"
    assert snapshot.digest == state_digest(live)
    assert snapshot.digest.startswith("sha256:") and len(snapshot.digest) == 71


@settings(max_examples=25, deadline=None)
@given(st.sets(st.sampled_from([PROD, STAGING, "wrkspc_a", "wrkspc_b"])))
def test_the_document_is_the_same_whatever_the_set_order(workspaces):
    forward = live_state(rules=[rule(workspace_ids=frozenset(sorted(workspaces)))])
    backward = live_state(rules=[rule(workspace_ids=frozenset(sorted(workspaces, reverse=True)))])
    assert snapshot_document(take_snapshot(forward, now=NOON)) == snapshot_document(
        take_snapshot(backward, now=NOON)
    )


def test_a_tampered_snapshot_is_refused(tmp_path: Path):
    path = tmp_path / "snapshot.json"
    write_snapshot(take_snapshot(live_state(rules=[rule()]), now=NOON), path)
    document = json.loads(path.read_text())
    recorded = document["digest"]
    document["state"]["rules"]["deploy"]["spec"]["match"]["subject_prefix"] = "repo:acme/*"
    path.write_text(json.dumps(document))

    with pytest.raises(UsageError) as raised:
        read_snapshot(path)

    tampered = state_digest(read_state_unchecked(path))
    assert raised.value.render() == (
        f"{path}: snapshot digest mismatch: the file records {recorded}, its state hashes to "
        f"{tampered}; the snapshot was edited or corrupted, take a new one with `fedctl snapshot`"
    )


def test_a_snapshot_with_an_unknown_field_is_refused(tmp_path: Path):
    path = tmp_path / "snapshot.json"
    write_snapshot(take_snapshot(live_state(), now=NOON), path)
    document = json.loads(path.read_text())
    document["state"]["extra"] = 1
    path.write_text(json.dumps(document))

    with pytest.raises(UsageError, match=r"state\.extra: Extra inputs are not permitted"):
        read_snapshot(path)


def test_a_file_that_is_not_a_snapshot_is_refused(tmp_path: Path):
    path = tmp_path / "plan.json"
    path.write_text("{}")
    with pytest.raises(UsageError) as raised:
        read_snapshot(path)
    assert raised.value.render() == (
        f"{path}: not a fedctl snapshot; write one with `fedctl snapshot --out`"
    )


def read_state_unchecked(path: Path):
    from fedctl.core.state import LiveState

    return LiveState.model_validate(json.loads(path.read_text())["state"])


def test_live_equal_to_the_snapshot_passes():
    live = live_state(rules=[rule()])
    check_live_matches_snapshot(take_snapshot(live), live, ["rule/deploy", "rule/new-one"])


def test_live_that_moved_is_refused_naming_the_touched_resources_only():
    before = live_state(rules=[rule(), rule(name="untouched")])
    moved = live_state(
        rules=[
            rule(subject_prefix="repo:acme/*"),
            rule(name="untouched", token_lifetime_seconds=60),
        ]
    )
    moved_rule = moved.rules["deploy"].model_copy(
        update={"meta": LiveMeta(id="fdrl_deploy", updated_by_actor_id="user_console")}
    )
    moved = moved.model_copy(update={"rules": {**moved.rules, "deploy": moved_rule}})
    snapshot = take_snapshot(before, now=NOON)

    with pytest.raises(PlanError) as raised:
        check_live_matches_snapshot(snapshot, moved, ["rule/deploy", "issuer/github-actions"])

    assert raised.value.resources == ["rule/deploy"]
    assert raised.value.render() == (
        f"rule/deploy: live state moved away from snapshot {snapshot.digest} (taken "
        "2025-03-01T12:00:00Z) in resources this plan touches (rule/deploy changed match by "
        "user_console since the snapshot); nothing was changed: take a new snapshot and plan again"
    )


def test_created_and_archived_since_the_snapshot_are_differences():
    snapshot = take_snapshot(live_state(rules=[rule()]), now=NOON)
    live = live_state(rules=[rule(name="late")])

    with pytest.raises(PlanError) as raised:
        check_live_matches_snapshot(snapshot, live, ["rule/deploy", "rule/late"])

    assert raised.value.resources == ["rule/deploy", "rule/late"]
    assert "rule/deploy was archived or renamed since the snapshot" in raised.value.message
    assert "rule/late was created since the snapshot" in raised.value.message


def test_a_binary_file_is_not_a_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.bin"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(UsageError) as caught:
        read_snapshot(path)
    assert caught.value.render() == (
        f"{path}: cannot read the snapshot (not UTF-8 text); write one with "
        "`fedctl snapshot --out FILE`"
    )
