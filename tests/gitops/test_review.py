"""The review record: written by the trusted review, found again by apply."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fedctl.guards.gitops.review import (
    NoReview,
    ReviewRecord,
    label_setter,
    merged_pull_request,
    reviewed_record,
)

HEAD, MERGE, TREE, OTHER_TREE = "a" * 40, "b" * 40, "c" * 40, "d" * 40
RECORD = ReviewRecord(
    head_sha=HEAD, config_tree=TREE, snapshot_run_id=9106, snapshot_sha256="e" * 64
)


def _check(
    record: ReviewRecord | str,
    *,
    conclusion: str = "success",
    app: str = "github-actions",
    completed: str = "2026-03-04T12:00:00Z",
) -> dict[str, Any]:
    text = record.line() if isinstance(record, ReviewRecord) else record
    return {
        "name": "fedctl/review",
        "head_sha": HEAD,
        "status": "completed",
        "conclusion": conclusion,
        "completed_at": completed,
        "app": {"slug": app},
        "output": {"title": "Valid plan", "summary": "...", "text": text},
    }


def _pages(*runs: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"total_count": len(runs), "check_runs": list(runs)}]


def test_the_record_round_trips() -> None:
    assert ReviewRecord.from_text(f"plan\n{RECORD.line()}\n") == RECORD
    assert RECORD.output_lines() == f"snapshot-run-id=9106\nsnapshot-sha256={'e' * 64}\n"


@pytest.mark.parametrize(
    "text",
    [
        "no record",
        'fedctl-review-record {"version": 2}',
        RECORD.line().replace("9106", '"9106\\nenvironment=x"'),
        RECORD.line().replace("e" * 64, "../snapshot"),
        RECORD.line().replace(TREE, "HEAD"),
        "fedctl-review-record {not json}",
    ],
)
def test_a_malformed_record_is_no_record(text: str) -> None:
    assert ReviewRecord.from_text(text) is None


def test_apply_takes_the_snapshot_of_the_review_of_the_merged_configuration() -> None:
    older = ReviewRecord(
        head_sha=HEAD, config_tree=TREE, snapshot_run_id=9103, snapshot_sha256="f" * 64
    )
    checks = _pages(_check(older, completed="2026-03-04T10:00:00Z"), _check(RECORD))
    assert reviewed_record(checks, config_tree=TREE) == RECORD


def test_a_review_of_another_configuration_is_refused() -> None:
    # Reviewed against an older main: the merged tree is not the reviewed one.
    with pytest.raises(NoReview, match="require branches to be up to date"):
        reviewed_record(_pages(_check(RECORD)), config_tree=OTHER_TREE)


def test_failed_foreign_or_missing_reviews_are_refused() -> None:
    for check in (
        _check(RECORD, conclusion="failure"),
        _check(RECORD, app="evil-app"),
        _check("no record here"),
    ):
        with pytest.raises(NoReview, match="no successful fedctl/review check"):
            reviewed_record(_pages(check), config_tree=TREE)


def _pull(
    number: int, merge_sha: str, *, merged: bool = True, base: str = "main"
) -> dict[str, Any]:
    return {
        "number": number,
        "merge_commit_sha": merge_sha,
        "merged_at": "2026-03-04T12:00:00Z" if merged else None,
        "base": {"ref": base},
        "head": {"sha": HEAD},
    }


def test_the_merged_pull_request_is_found() -> None:
    pulls = [_pull(6, "0" * 40), _pull(7, MERGE)]
    assert merged_pull_request(pulls, commit=MERGE).output_lines() == f"number=7\nhead-sha={HEAD}\n"


@pytest.mark.parametrize(
    "pulls",
    [[], [_pull(7, MERGE, merged=False)], [_pull(7, MERGE, base="release")], "oops"],
    ids=["direct push", "not merged", "other base", "garbage"],
)
def test_a_commit_no_pull_request_merged_is_not_applied(pulls: object) -> None:
    with pytest.raises(NoReview, match="nothing reviewed it"):
        merged_pull_request(pulls, commit=MERGE)


def _label_event(
    event: str, login: str, label: str = "fedctl:allow-large-changes"
) -> dict[str, Any]:
    return {"event": event, "actor": {"login": login}, "label": {"name": label}}


def test_the_large_changes_label_setter() -> None:
    events = [
        [
            _label_event("labeled", "mallory"),
            _label_event("unlabeled", "mallory"),
            _label_event("labeled", "maintainer"),
            _label_event("labeled", "x", "other"),
        ]
    ]
    assert label_setter(events, label="fedctl:allow-large-changes") == "maintainer"
    events[0].append(_label_event("unlabeled", "someone"))
    assert label_setter(events, label="fedctl:allow-large-changes") is None


def _gitops(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-m", "fedctl", "gitops", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_subcommands_write_and_read_the_record(tmp_path: Path) -> None:
    (tmp_path / "snapshot.json").write_text("{}")
    written = _gitops(
        tmp_path,
        "review-record",
        "--head-sha",
        HEAD,
        "--config-tree",
        TREE,
        "--snapshot-run-id",
        "9106",
        "--snapshot",
        "snapshot.json",
    )
    assert written.returncode == 0, written.stderr
    (tmp_path / "checks.json").write_text(json.dumps(_pages(_check(written.stdout.strip()))))
    read = _gitops(
        tmp_path, "reviewed-snapshot", "--check-runs", "checks.json", "--config-tree", TREE
    )
    digest = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    assert (read.returncode, read.stdout) == (
        0,
        f"snapshot-run-id=9106\nsnapshot-sha256={digest}\n",
    )
    refused = _gitops(
        tmp_path, "reviewed-snapshot", "--check-runs", "checks.json", "--config-tree", OTHER_TREE
    )
    assert refused.returncode == 1 and refused.stderr.startswith("error: no review of the")
    bad = _gitops(
        tmp_path,
        "review-record",
        "--head-sha",
        "HEAD; rm -rf /",
        "--config-tree",
        TREE,
        "--snapshot-run-id",
        "1",
        "--snapshot",
        "snapshot.json",
    )
    assert bad.returncode == 1 and "40 lowercase hex" in bad.stderr


def test_label_setter_prints_only_a_well_formed_login(tmp_path: Path) -> None:
    events = [[_label_event("labeled", "x\nflag=--allow-large-changes")]]
    (tmp_path / "events.json").write_text(json.dumps(events))
    result = _gitops(
        tmp_path, "label-setter", "--events", "events.json", "--label", "fedctl:allow-large-changes"
    )
    assert (result.returncode, result.stdout) == (0, "login=\n")
