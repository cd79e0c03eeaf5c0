"""The workflow's snapshot lookup, against recorded `gh run list` / artifacts JSON."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fedctl.gitops.snapshot_run import NONE_YET, NoSnapshot, find_snapshot_run

DATA = Path(__file__).parent / "data" / "gh"
RUNS: list[dict[str, Any]] = json.loads((DATA / "runs.json").read_text())
ARTIFACTS: dict[str, Any] = json.loads((DATA / "artifacts.json").read_text())


def test_a_drift_run_that_failed_because_of_drift_still_holds_the_snapshot() -> None:
    # 9107 is a fork's pull request whose branch is also called main; 9105 is running.
    assert find_snapshot_run(RUNS, ARTIFACTS) == 9106


def test_a_forks_main_branch_is_never_chosen() -> None:
    runs = copy.deepcopy(RUNS)
    runs[0]["event"] = "push"  # even if its run claimed to be a push
    assert find_snapshot_run(runs, ARTIFACTS) == 9106
    artifacts = copy.deepcopy(ARTIFACTS)
    artifacts["artifacts"] = artifacts["artifacts"][:1]
    with pytest.raises(NoSnapshot):
        find_snapshot_run(runs, artifacts)


def test_cancelled_and_expired_runs_are_skipped() -> None:
    runs = [run for run in RUNS if run["databaseId"] not in (9106, 9103)]
    with pytest.raises(NoSnapshot, match="run the workflow once by hand on main"):
        find_snapshot_run(runs, ARTIFACTS)


def test_no_run_yet_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "runs.json").write_text("[]")
    (tmp_path / "artifacts.json").write_text('{"total_count": 0, "artifacts": []}')
    result = subprocess.run(
        [sys.executable, "-m", "fedctl.gitops.snapshot_run", "runs.json", "artifacts.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"error: {NONE_YET}\n"


def test_the_script_prints_the_run_id() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fedctl.gitops.snapshot_run", "runs.json", "artifacts.json"],
        cwd=DATA,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "9106\n", "")
