"""`fedctl init [DIR] --preset NAME`: write a starter configuration that validates and lints
clean, never overwriting a file."""

from __future__ import annotations

from pathlib import Path

import click


def _list(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        from fedctl.scaffold import starter_presets

        click.echo("\n".join(starter_presets()))
        ctx.exit(0)


@click.command(
    "init",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl init federation --preset github-actions --repo acme/app\n"
        "  fedctl init federation --preset kubernetes --workspace staging --workspace production\n"
        "  fedctl init --list"
    ),
)
@click.argument("folder", default="federation", type=click.Path(file_okay=False, path_type=Path))
@click.option("--preset", metavar="NAME", help="The identity provider (fedctl init --list).")
@click.option("--repo", metavar="OWNER/REPO", help="GitHub repository of the deploy job.")
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
    help="List the presets and exit.",
)
def command(
    folder: Path,
    preset: str | None,
    repo: str | None,
    workspaces: tuple[str, ...],
    github_workflow: bool,
) -> None:
    """Write a starter configuration for one provider."""
    from fedctl.errors import UsageError
    from fedctl.scaffold import scaffold

    if preset is None:
        raise UsageError("init needs --preset NAME; `fedctl init --list` shows them")
    written = scaffold(
        folder,
        preset=preset,
        repo=repo,
        workspaces=workspaces,
        github_workflow=github_workflow,
    )
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: fedctl validate {folder} && fedctl lint {folder} && fedctl plan {folder}")
