"""`fedctl gitops ...`: the decisions of the shipped GitHub workflow, on recorded `gh` JSON.

The workflow runs these from the installed fedctl (`python -I`, outside the checkout), so
no module of the repository under review is ever imported. Each prints `key=value` lines
for $GITHUB_OUTPUT, or one `error:` line and exit 1 when it refuses.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

JSON_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")


def _read_json(path: Path) -> object:
    from fedctl.core.errors import UsageError

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise UsageError(f"{path}: not JSON ({exc}); record it with `gh api ...`") from exc


@click.group(
    "gitops",
    epilog="Examples:\n\n\b\n"
    "  fedctl gitops find-snapshot --runs runs-push.json --runs runs-schedule.json "
    "--artifacts artifacts.json --main-commits main-commits.txt\n"
    "  fedctl gitops check-download $RUNNER_TEMP/snapshot --sha256 HEX",
)
def command() -> None:
    """Decisions of the shipped GitHub Actions workflow, on recorded `gh` JSON."""


@command.command("find-snapshot")
@click.option(
    "--runs",
    "run_files",
    multiple=True,
    required=True,
    type=JSON_FILE,
    help="`gh api --paginate --slurp .../workflows/fedctl.yml/runs?event=...` (one per event).",
)
@click.option(
    "--artifacts",
    "artifacts_file",
    required=True,
    type=JSON_FILE,
    help="`gh api --paginate --slurp .../actions/artifacts?name=fedctl-snapshot`.",
)
@click.option(
    "--main-commits",
    "commits_file",
    required=True,
    type=JSON_FILE,
    help="`git rev-list --first-parent origin/main`, one commit a line.",
)
@click.option(
    "--run-id",
    type=click.IntRange(min=1),
    default=None,
    help="Accept only this run (the one the review recorded).",
)
@click.option("--workflow-path", default=".github/workflows/fedctl.yml", show_default=True)
def find_snapshot(
    run_files: tuple[Path, ...],
    artifacts_file: Path,
    commits_file: Path,
    run_id: int | None,
    workflow_path: str,
) -> None:
    """Print run-id, artifact-id and head-sha of the newest trusted snapshot run."""
    from fedctl.guards.gitops.snapshot_run import find_snapshot_run

    found = find_snapshot_run(
        [_read_json(path) for path in run_files],
        _read_json(artifacts_file),
        commits_file.read_text(encoding="utf-8").splitlines(),
        workflow_path=workflow_path,
        run_id=run_id,
    )
    click.echo(found.output_lines(), nl=False)


@command.command("check-download")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--sha256", default=None, help="The digest the review recorded.")
def check_download(folder: Path, sha256: str | None) -> None:
    """Print the path of the one regular snapshot.json in FOLDER, or refuse."""
    from fedctl.guards.gitops.download import accept_snapshot_download

    click.echo(f"path={accept_snapshot_download(folder, sha256=sha256)}")


@command.command("review-record")
@click.option("--head-sha", required=True)
@click.option("--config-tree", required=True)
@click.option("--snapshot-run-id", type=click.IntRange(min=1), required=True)
@click.option("--snapshot", "snapshot_file", required=True, type=JSON_FILE)
def review_record(
    head_sha: str, config_tree: str, snapshot_run_id: int, snapshot_file: Path
) -> None:
    """Print the record line the review writes into its check and comment."""
    from fedctl.core.errors import UsageError
    from fedctl.guards.gitops.download import file_sha256
    from fedctl.guards.gitops.review import ReviewRecord

    record = ReviewRecord(
        head_sha=head_sha,
        config_tree=config_tree,
        snapshot_run_id=snapshot_run_id,
        snapshot_sha256=file_sha256(snapshot_file),
    )
    if ReviewRecord.from_text(record.line()) != record:
        raise UsageError("--head-sha and --config-tree must be 40 lowercase hex digits")
    click.echo(record.line())


@command.command("merged-pr")
@click.option(
    "--pulls",
    "pulls_file",
    required=True,
    type=JSON_FILE,
    help="`gh api repos/R/commits/SHA/pulls`.",
)
@click.option("--commit", required=True, help="The merged commit (GITHUB_SHA).")
def merged_pr(pulls_file: Path, commit: str) -> None:
    """Print number and head-sha of the pull request merged into main as COMMIT."""
    from fedctl.guards.gitops.review import merged_pull_request

    click.echo(merged_pull_request(_read_json(pulls_file), commit=commit).output_lines(), nl=False)


@command.command("reviewed-snapshot")
@click.option(
    "--check-runs",
    "checks_file",
    required=True,
    type=JSON_FILE,
    help="`gh api --paginate --slurp repos/R/commits/HEAD/check-runs?check_name=fedctl/review`.",
)
@click.option("--config-tree", required=True, help="`git rev-parse HEAD:federation`.")
def reviewed_snapshot(checks_file: Path, config_tree: str) -> None:
    """Print snapshot-run-id and snapshot-sha256 of the review of this configuration."""
    from fedctl.guards.gitops.review import reviewed_record

    record = reviewed_record(_read_json(checks_file), config_tree=config_tree)
    click.echo(record.output_lines(), nl=False)


@command.command("label-setter")
@click.option(
    "--events",
    "events_file",
    required=True,
    type=JSON_FILE,
    help="`gh api --paginate --slurp repos/R/issues/N/events`.",
)
@click.option("--label", required=True)
def label_setter_command(events_file: Path, label: str) -> None:
    """Print login= of whoever set LABEL last (empty when it is not set)."""
    from fedctl.guards.gitops.review import label_setter

    login = label_setter(_read_json(events_file), label=label)
    # Only a well-formed GitHub login reaches $GITHUB_OUTPUT and the next `gh api` path.
    click.echo(f"login={login if login and LOGIN.match(login) else ''}")
