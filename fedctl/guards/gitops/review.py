"""What the trusted review recorded, and how apply finds it again.

The review job (pull_request_target: main's workflow, main's fedctl) writes one record into
the output of the `fedctl/review` check it sets on the pull request's head commit:

    fedctl-review-record {"config_tree": "...", "head_sha": "...", "snapshot_run_id": 9106,
                          "snapshot_sha256": "...", "version": 1}

After the merge, the apply job finds the pull request of the merged commit
(`gh api repos/R/commits/SHA/pulls`), reads the checks of its head commit, and takes the
snapshot that record names, but only when the record's configuration tree (the git tree
of the configuration folder) is the one now on main: what was reviewed is what is applied.

A check run named `fedctl/review` can also be created by another workflow of the same
repository (the GitHub Actions app is one identity), so the record is never trusted for a
verdict: it only picks which genuine, attested snapshot to use, and apply recomputes the
route (broadening or not) and re-checks the live state against that snapshot itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from fedctl.core.errors import FedctlError
from fedctl.guards.gitops.download import SHA256
from fedctl.guards.gitops.snapshot_run import COMMIT, NoSnapshot, listed_items

CHECK_NAME = "fedctl/review"
RECORD_MARK = "fedctl-review-record "
ACTIONS_APP = "github-actions"
RECORD_LINE = re.compile(r"^fedctl-review-record (\{.*\})$", re.M)


class NoReview(FedctlError):
    """No usable review record; the message says what to do."""


@dataclass(frozen=True)
class ReviewRecord:
    """The data a review planned against, written into its check and read by apply.

    record = ReviewRecord(head_sha=..., config_tree=..., snapshot_run_id=9106, snapshot_sha256=...)
    text = record.line()   # fedctl-review-record {...}
    """

    head_sha: str
    config_tree: str
    snapshot_run_id: int
    snapshot_sha256: str

    def line(self) -> str:
        data = {
            "version": 1,
            "head_sha": self.head_sha,
            "config_tree": self.config_tree,
            "snapshot_run_id": self.snapshot_run_id,
            "snapshot_sha256": self.snapshot_sha256,
        }
        return RECORD_MARK + json.dumps(data, sort_keys=True, separators=(", ", ": "))

    def output_lines(self) -> str:
        """`key=value` lines for $GITHUB_OUTPUT (hex and integers only)."""
        return f"snapshot-run-id={self.snapshot_run_id}\nsnapshot-sha256={self.snapshot_sha256}\n"

    @classmethod
    def from_text(cls, text: str) -> ReviewRecord | None:
        """The record in a check's output text, or None when it holds no valid one."""
        found = RECORD_LINE.search(text)
        try:
            data = json.loads(found[1]) if found else None
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("version") != 1:
            return None
        return cls._checked(data)

    @classmethod
    def _checked(cls, data: dict[str, Any]) -> ReviewRecord | None:
        head, tree = data.get("head_sha"), data.get("config_tree")
        run_id, digest = data.get("snapshot_run_id"), data.get("snapshot_sha256")
        if not (isinstance(head, str) and COMMIT.match(head)):
            return None
        if not (isinstance(tree, str) and COMMIT.match(tree)):
            return None
        if not (isinstance(run_id, int) and not isinstance(run_id, bool) and run_id > 0):
            return None
        if not (isinstance(digest, str) and SHA256.match(digest)):
            return None
        return cls(head_sha=head, config_tree=tree, snapshot_run_id=run_id, snapshot_sha256=digest)


@dataclass(frozen=True)
class MergedPullRequest:
    number: int
    head_sha: str

    def output_lines(self) -> str:
        return f"number={self.number}\nhead-sha={self.head_sha}\n"


def merged_pull_request(pulls: object, *, commit: str, base: str = "main") -> MergedPullRequest:
    """The pull request merged into `base` as `commit` (from `gh api .../commits/SHA/pulls`)."""
    candidates = [
        pull
        for pull in (pulls if isinstance(pulls, list) else [])
        if isinstance(pull, dict)
        and pull.get("merge_commit_sha") == commit
        and pull.get("merged_at")
        and isinstance(pull.get("base"), dict)
        and pull["base"].get("ref") == base
    ]
    heads = [pull.get("head") for pull in candidates]
    if len(candidates) != 1 or not isinstance(heads[0], dict):
        raise NoReview(
            f"commit {commit} is not the merge of exactly one pull request into {base} (a push "
            "straight to main, or several): nothing reviewed it, so nothing is applied; "
            "change the configuration through a pull request"
        )
    number, head_sha = candidates[0].get("number"), heads[0].get("sha")
    if not (isinstance(number, int) and isinstance(head_sha, str) and COMMIT.match(head_sha)):
        raise NoReview("unexpected `gh api` output for the merged pull request")
    return MergedPullRequest(number=number, head_sha=head_sha)


def reviewed_record(check_runs: object, *, config_tree: str) -> ReviewRecord:
    """The newest successful review record whose configuration is the one now on main."""
    try:
        runs = listed_items(check_runs, "check_runs")
    except NoSnapshot as exc:
        raise NoReview(str(exc)) from exc
    records = [
        (str(run.get("completed_at", "")), record)
        for run in runs
        if run.get("name") == CHECK_NAME
        and run.get("conclusion") == "success"
        and isinstance(run.get("app"), dict)
        and run["app"].get("slug") == ACTIONS_APP
        and (record := ReviewRecord.from_text(_output_text(run))) is not None
    ]
    if not records:
        raise NoReview(
            f"the merged pull request's head has no successful {CHECK_NAME} check with a "
            "review record: nothing is applied; re-run the review, then merge again"
        )
    matching = [record for _, record in sorted(records) if record.config_tree == config_tree]
    if not matching:
        raise NoReview(
            f"no review of the configuration now on main (tree {config_tree}): the pull "
            "request was reviewed against an older main; require branches to be up to date "
            "(or a merge queue) so that what was reviewed is what is merged, then open a pull "
            "request that brings main's configuration to review"
        )
    return matching[-1]


def _output_text(run: dict[str, Any]) -> str:
    output = run.get("output")
    text = output.get("text") if isinstance(output, dict) else None
    return text if isinstance(text, str) else ""


def label_setter(events: object, *, label: str) -> str | None:
    """Who set `label` last, if it is still set (from `gh api .../issues/N/events`)."""
    items = events if isinstance(events, list) else [events]
    flat = [event for page in items for event in (page if isinstance(page, list) else [page])]
    setter: str | None = None
    for event in flat:
        if not isinstance(event, dict) or not isinstance(event.get("label"), dict):
            continue
        if event["label"].get("name") != label:
            continue
        actor = event.get("actor")
        login = actor.get("login") if isinstance(actor, dict) else None
        if event.get("event") == "labeled" and isinstance(login, str):
            setter = login
        elif event.get("event") == "unlabeled":
            setter = None
    return setter
