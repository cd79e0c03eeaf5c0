"""Which workflow run holds the snapshot a pull request should be planned against.

Run by the example workflow (examples/github-actions/) with two recorded `gh` outputs:

    gh run list --workflow fedctl.yml --branch main --limit 100 \\
      --json databaseId,event,headBranch,status,conclusion,createdAt > runs.json
    gh api "repos/$GITHUB_REPOSITORY/actions/artifacts?name=fedctl-snapshot&per_page=100" \\
      > artifacts.json
    python -m fedctl.gitops.snapshot_run runs.json artifacts.json   # prints the run ID

A run counts when it is one of this workflow's own runs on main started by `push`,
`schedule` or `workflow_dispatch` (a fork's branch named `main` only ever reaches this
repository as a `pull_request` run, and its artifact's head repository differs), it
completed (success, or failure: a drift run "fails" when it finds drift, after saving
the snapshot), and it uploaded an unexpired `fedctl-snapshot` artifact. The newest wins.
With none, it exits 1 with one line saying what to do.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ARTIFACT = "fedctl-snapshot"
TRUSTED_EVENTS = frozenset({"push", "schedule", "workflow_dispatch"})
USABLE_CONCLUSIONS = frozenset({"success", "failure"})
NONE_YET = (
    "no fedctl-snapshot from this workflow's push, schedule or workflow_dispatch runs on "
    "main (none yet, or all expired): run the workflow once by hand on main (Actions > "
    "fedctl > Run workflow) to save the first snapshot, then re-run this job"
)


class NoSnapshot(Exception):
    """No usable snapshot run; the message says what to do."""


def find_snapshot_run(runs: object, artifacts: object, *, branch: str = "main") -> int:
    """The run ID of the newest usable snapshot; raises NoSnapshot."""
    trusted = {
        run["databaseId"]
        for run in _items(runs)
        if run.get("event") in TRUSTED_EVENTS
        and run.get("headBranch") == branch
        and run.get("status") == "completed"
        and run.get("conclusion") in USABLE_CONCLUSIONS
        and isinstance(run.get("databaseId"), int)
    }
    candidates = [
        artifact
        for artifact in _items(_artifact_list(artifacts))
        if _is_usable(artifact, trusted, branch)
    ]
    if not candidates:
        raise NoSnapshot(NONE_YET)
    newest = max(candidates, key=lambda artifact: str(artifact.get("created_at", "")))
    return int(newest["workflow_run"]["id"])


def _is_usable(artifact: dict[str, Any], trusted: set[int], branch: str) -> bool:
    run = artifact.get("workflow_run")
    if not isinstance(run, dict) or artifact.get("name") != ARTIFACT or artifact.get("expired"):
        return False
    same_repository = run.get("head_repository_id") == run.get("repository_id") is not None
    return same_repository and run.get("head_branch") == branch and run.get("id") in trusted


def _artifact_list(document: object) -> object:
    return document.get("artifacts") if isinstance(document, dict) else None


def _items(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise NoSnapshot("unexpected `gh` output: expected a JSON list; check the gh version")
    return [item for item in value if isinstance(item, dict)]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: python -m fedctl.gitops.snapshot_run RUNS.json ARTIFACTS.json\n")
        return 2
    try:
        runs, artifacts = (json.loads(Path(name).read_text(encoding="utf-8")) for name in argv)
        sys.stdout.write(f"{find_snapshot_run(runs, artifacts)}\n")
    except NoSnapshot as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"error: cannot read the gh output: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
