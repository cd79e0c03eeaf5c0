"""Which workflow run holds the snapshot a pull request is planned (and applied) against.

Pure data in, data out: the workflow records GitHub's answers with `gh` and
`fedctl gitops find-snapshot` reads them (tests replay recorded JSON, no network):

    for event in push schedule workflow_dispatch; do
      gh api --paginate --slurp "repos/$R/actions/workflows/fedctl.yml/runs?branch=main\\
    &event=$event&status=completed&per_page=100" > "runs-$event.json"   # (one URL)
    done
    gh api --paginate --slurp "repos/$R/actions/artifacts?name=fedctl-snapshot&per_page=100" \\
      > artifacts.json
    git rev-list --first-parent origin/main > main-commits.txt

A run counts only when every one of these holds (each stops an attack of issue 26):
- its event is push, schedule or workflow_dispatch (queried by event, so pull-request
  runs, however many, never push the genuine run out of the pages read);
- it ran this repository's own workflow file (`path`), from this repository (a fork's
  `main` reaches the repository only with another head repository);
- its head commit is on main's first-parent history: a tag named `main` also reports
  `head_branch: main`, but its commit is not one main ever pointed at (and its
  attestation names refs/tags/main, which the workflow's `gh attestation verify` refuses);
- it completed (success, or failure: drift "fails" after saving the snapshot) and left an
  unexpired `fedctl-snapshot` artifact made by that same run at that same commit.

Every page is read (`--paginate --slurp`), so flooding the listings cannot hide the
genuine run. The newest such run wins, or the run a review recorded (`run_id`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fedctl.core.errors import FedctlError

ARTIFACT = "fedctl-snapshot"
TRUSTED_EVENTS = frozenset({"push", "schedule", "workflow_dispatch"})
USABLE_CONCLUSIONS = frozenset({"success", "failure"})
WORKFLOW_PATH = ".github/workflows/fedctl.yml"
COMMIT = re.compile(r"^[0-9a-f]{40}$")
NONE_YET = (
    "no fedctl-snapshot from this workflow's push, schedule or workflow_dispatch runs on "
    "main (none yet, or all expired): run the workflow once by hand on main (Actions > "
    "fedctl > Run workflow) to save the first snapshot, then re-run this job"
)


class NoSnapshot(FedctlError):
    """No usable snapshot run; the message says what to do."""


@dataclass(frozen=True)
class SnapshotRun:
    """The run that saved a usable snapshot, and its artifact.

    run = find_snapshot_run(run_pages, artifacts, main_commits)
    github_output.write(run.output_lines())  # run-id=..., artifact-id=..., head-sha=...
    """

    run_id: int
    artifact_id: int
    head_sha: str

    def output_lines(self) -> str:
        """`key=value` lines for $GITHUB_OUTPUT: integers and hex only, no injection."""
        return f"run-id={self.run_id}\nartifact-id={self.artifact_id}\nhead-sha={self.head_sha}\n"


def find_snapshot_run(
    run_pages: Iterable[object],
    artifact_pages: object,
    main_commits: Iterable[str],
    *,
    branch: str = "main",
    workflow_path: str = WORKFLOW_PATH,
    run_id: int | None = None,
) -> SnapshotRun:
    """The newest usable snapshot run (or the one `run_id` names); raises NoSnapshot."""
    on_main = {commit.strip() for commit in main_commits if COMMIT.match(commit.strip())}
    runs = {
        run["id"]: run
        for pages in run_pages
        for run in listed_items(pages, "workflow_runs")
        if _is_trusted_run(run, on_main, branch=branch, workflow_path=workflow_path)
    }
    found = [
        SnapshotRun(
            run_id=artifact["workflow_run"]["id"],
            artifact_id=artifact["id"],
            head_sha=artifact["workflow_run"]["head_sha"],
        )
        for artifact in listed_items(artifact_pages, "artifacts")
        if _is_usable_artifact(artifact, runs)
    ]
    if run_id is not None:
        return _the_recorded_run(found, run_id)
    if not found:
        raise NoSnapshot(NONE_YET)
    return max(found, key=lambda candidate: str(runs[candidate.run_id].get("created_at", "")))


def _the_recorded_run(found: list[SnapshotRun], run_id: int) -> SnapshotRun:
    matching = [candidate for candidate in found if candidate.run_id == run_id]
    if not matching:
        raise NoSnapshot(
            f"run {run_id}, whose snapshot the pull request was reviewed against, is not a "
            "completed push, schedule or workflow_dispatch run of this workflow on main with "
            "an unexpired fedctl-snapshot artifact: nothing is applied; open a pull request "
            "again so it is reviewed against a current snapshot"
        )
    return max(matching, key=lambda candidate: candidate.artifact_id)


def _is_trusted_run(
    run: dict[str, Any], on_main: set[str], *, branch: str, workflow_path: str
) -> bool:
    repository, head_repository = run.get("repository"), run.get("head_repository")
    if not (isinstance(repository, dict) and isinstance(head_repository, dict)):
        return False
    return (
        isinstance(run.get("id"), int)
        and run.get("event") in TRUSTED_EVENTS
        and run.get("head_branch") == branch
        and run.get("path") == workflow_path
        and run.get("status") == "completed"
        and run.get("conclusion") in USABLE_CONCLUSIONS
        and repository.get("id") is not None
        and head_repository.get("id") == repository.get("id")
        and run.get("head_sha") in on_main
    )


def _is_usable_artifact(artifact: dict[str, Any], runs: dict[int, dict[str, Any]]) -> bool:
    made_by = artifact.get("workflow_run")
    if artifact.get("name") != ARTIFACT or artifact.get("expired") is not False:
        return False
    if not isinstance(made_by, dict) or not isinstance(artifact.get("id"), int):
        return False
    run = runs.get(made_by.get("id", -1))
    return run is not None and made_by.get("head_sha") == run.get("head_sha")


def listed_items(document: object, key: str) -> list[dict[str, Any]]:
    """Items of one `gh api` answer: a page object, or `--slurp`'s list of pages."""
    pages = document if isinstance(document, list) else [document]
    items: list[dict[str, Any]] = []
    for page in pages:
        if not isinstance(page, dict) or not isinstance(page.get(key), list):
            raise NoSnapshot(
                f"unexpected `gh api` output: expected pages with a {key!r} list (record it "
                "with `gh api --paginate --slurp`)"
            )
        items.extend(item for item in page[key] if isinstance(item, dict))
    return items
