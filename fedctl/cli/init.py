"""`fedctl init [DIR] --preset NAME`: write a starter configuration that validates and lints
clean, never overwriting a file and never into a folder that already holds a configuration.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click


def _list(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        from fedctl.config.scaffold import describe_presets

        click.echo("\n".join(describe_presets()))
        ctx.exit(0)


@click.command(
    "init",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl init federation --preset github-actions --repo acme@91234567/app@812345678\n"
        "  fedctl init federation --preset gitlab --repo acme/payments-api\n"
        "  fedctl init federation --preset kubernetes --workspace staging --workspace production\n"
        "  fedctl init --list"
    ),
)
@click.argument("folder", default="federation", type=click.Path(file_okay=False, path_type=Path))
@click.option("--preset", metavar="NAME", help="The identity provider (fedctl init --list).")
@click.option(
    "--repo",
    metavar="REPOSITORY",
    help="GitHub OWNER/REPO, better OWNER@OWNER_ID/REPO@REPO_ID (the IDs: gh api "
    "repos/OWNER/REPO --jq '.owner.id, .id'); GitLab GROUP/PROJECT (or with @IDs).",
)
@click.option(
    "--workspace", "workspaces", multiple=True, metavar="NAME", help="A workspace (repeatable)."
)
@click.option("--github-workflow", is_flag=True, help="Also write the GitHub Actions workflow.")
@click.option(
    "--list",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_list,
    help="List the presets, with what each is for, and exit.",
)
def command(
    folder: Path,
    preset: str | None,
    repo: str | None,
    workspaces: tuple[str, ...],
    github_workflow: bool,
) -> None:
    """Write a starter configuration for one provider."""
    from fedctl.config.scaffold import scaffold
    from fedctl.core.errors import UsageError
    from fedctl.core.escape import escape_terminal

    if preset is None:
        raise UsageError("init needs --preset NAME; `fedctl init --list` shows them")
    written = scaffold(
        folder,
        preset=preset,
        repo=repo,
        workspaces=workspaces,
        github_workflow=github_workflow,
    )
    for path in written.paths:
        click.echo(f"wrote {escape_terminal(str(path))}")
    if written.ids_hint is not None:
        click.echo(written.ids_hint)
    shown = escape_terminal(shlex.quote(str(folder)))
    click.echo(f"next: fedctl validate {shown} && fedctl lint {shown} && fedctl plan {shown}")
