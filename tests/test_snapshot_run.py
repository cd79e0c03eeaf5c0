"""`fedctl gitops find-snapshot`, against recorded `gh api --paginate --slurp` answers.

tests/data/gh/ holds GitHub's REST shapes: this workflow's runs on main per event (a
genuine push, schedule and workflow_dispatch history, a run from a tag named `main`, a
run of another workflow file, a fork's `main`), the artifact listing flooded by 150
fork pull-request runs that each uploaded a `fedctl-snapshot` (two pages; the genuine
artifacts are on the last), and main's first-parent history.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fedctl.guards.gitops.snapshot_run import NONE_YET, NoSnapshot, SnapshotRun, find_snapshot_run

DATA = Path(__file__).parent / "data" / "gh"
EVENTS = ("push", "schedule", "workflow_dispatch")


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


RUNS: list[Any] = [_load(f"runs-{event}.json") for event in EVENTS]
ARTIFACTS: list[dict[str, Any]] = _load("artifacts.json")
MAIN = (DATA / "main-commits.txt").read_text().splitlines()
GENUINE = SnapshotRun(run_id=9106, artifact_id=500, head_sha=MAIN[3])


def _find(runs: list[Any] = RUNS, artifacts: object = ARTIFACTS, **options: Any) -> SnapshotRun:
    return find_snapshot_run(runs, artifacts, MAIN, **options)


def _without(run_ids: set[int]) -> list[Any]:
    runs = copy.deepcopy(RUNS)
    for pages in runs:
        for page in pages:
            page["workflow_runs"] = [r for r in page["workflow_runs"] if r["id"] not in run_ids]
    return runs


def test_the_fixture_is_flooded_past_one_page() -> None:
    assert len(ARTIFACTS) == 2 and len(ARTIFACTS[0]["artifacts"]) == 100
    flood = [a for page in ARTIFACTS for a in page["artifacts"] if a["id"] >= 10_000]
    assert len(flood) == 150
    # The genuine artifact is on the last page, behind 150 newer ones.
    assert 500 in [a["id"] for a in ARTIFACTS[-1]["artifacts"]]


def test_the_newest_genuine_snapshot_wins_past_150_flooding_runs() -> None:
    # 9106: drift found drift and "failed" after saving the snapshot; still usable.
    assert _find() == GENUINE


def test_a_tag_named_main_is_never_chosen() -> None:
    # 9108 reports head_branch "main" and is newer, but its commit is not on main.
    tag_run = next(r for r in RUNS[0][0]["workflow_runs"] if r["id"] == 9108)
    assert tag_run["head_branch"] == "main" and tag_run["head_sha"] not in MAIN
    assert _find() == GENUINE
    with pytest.raises(NoSnapshot, match="run 9108"):
        _find(run_id=9108)


def test_a_forks_main_is_never_chosen() -> None:
    fork_run = next(r for r in RUNS[0][0]["workflow_runs"] if r["id"] == 9110)
    assert fork_run["head_repository"]["id"] != fork_run["repository"]["id"]
    assert _find() == GENUINE
    with pytest.raises(NoSnapshot):
        _find(run_id=9110)


def test_another_workflow_files_artifact_is_never_chosen() -> None:
    with pytest.raises(NoSnapshot):
        _find(run_id=9109)


def test_the_recorded_run_is_used_and_not_the_newest() -> None:
    assert _find(run_id=9103) == SnapshotRun(run_id=9103, artifact_id=498, head_sha=MAIN[4])


def test_a_cancelled_run_and_an_expired_artifact_are_skipped() -> None:
    with pytest.raises(NoSnapshot):
        _find(run_id=9104)  # cancelled
    with pytest.raises(NoSnapshot):
        _find(run_id=9101)  # its artifact expired
    # Without the newer genuine runs, the oldest with a live artifact is left.
    assert _find(_without({9106, 9103})).run_id == 9100


def test_no_genuine_run_says_what_to_do() -> None:
    with pytest.raises(NoSnapshot) as raised:
        _find(_without({9106, 9103, 9100}))
    assert str(raised.value) == NONE_YET


def test_an_artifact_from_another_commit_of_the_run_is_refused() -> None:
    artifacts = copy.deepcopy(ARTIFACTS)
    for page in artifacts:
        for item in page["artifacts"]:
            if item["id"] == 500:
                item["workflow_run"]["head_sha"] = "0" * 40
    assert _find(artifacts=artifacts).run_id == 9103


def test_unexpected_output_is_refused_with_the_fix() -> None:
    with pytest.raises(NoSnapshot, match="--paginate --slurp"):
        _find(runs=[[{"runs": []}]])


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # As the workflow runs it: isolated, from the installed fedctl, never the tree.
    return subprocess.run(
        [sys.executable, "-I", "-m", "fedctl", "gitops", "find-snapshot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def _cli_files(run_files: list[str] | None = None) -> list[str]:
    files = run_files or [f"runs-{event}.json" for event in EVENTS]
    return [
        *(arg for name in files for arg in ("--runs", name)),
        "--artifacts",
        "artifacts.json",
        "--main-commits",
        "main-commits.txt",
    ]


def test_the_subcommand_prints_github_output_lines() -> None:
    result = _cli(*_cli_files(), cwd=DATA)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"run-id=9106\nartifact-id=500\nhead-sha={MAIN[3]}\n"


def test_the_subcommand_refuses_in_one_line(tmp_path: Path) -> None:
    for name in ("artifacts.json", "main-commits.txt", "runs-push.json"):
        (tmp_path / name).write_text((DATA / name).read_text())
    (tmp_path / "runs-push.json").write_text('[{"total_count": 0, "workflow_runs": []}]')
    result = _cli(*_cli_files(["runs-push.json"]), cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"error: {NONE_YET}\n"
