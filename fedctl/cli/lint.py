"""`fedctl lint [PATH]`: security and hygiene findings on the configuration.

The configuration is validated first (exit 1 with the diagnostics when it is invalid).
Findings below `--severity` are not shown; exit 0 when no finding at or above
`--severity` remains, 1 otherwise, so `--severity error` fails CI only on errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from fedctl.cli.options import ApiSettings, api_options, config_options, format_option

if TYPE_CHECKING:
    from fedctl.lint.findings import Finding


@click.command(
    name="lint",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl lint federation/\n"
        "  fedctl lint federation/ --format sarif > fedctl.sarif\n"
        "  fedctl lint --explain FED019"
    ),
)
@config_options
@format_option("lint", help="text for people, json for tools, sarif for GitHub code scanning.")
@click.option(
    "--severity",
    type=click.Choice(["error", "warning", "note"]),
    default="note",
    show_default=True,
    help="Lowest severity shown; any finding shown makes the exit code 1.",
)
@click.option(
    "--list",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=lambda ctx, _param, value: _exit_after(ctx, _print_catalogue) if value else None,
    help="List every check and exit.",
)
@click.option(
    "--live",
    is_flag=True,
    help="Also read the live organization and run the checks that need it (FED032, FED033).",
)
@api_options
@click.option(
    "--explain",
    metavar="FEDxxx",
    is_eager=True,
    expose_value=False,
    # Eager: a page needs no configuration, so PATH is not looked for.
    callback=lambda ctx, _param, value: (
        _exit_after(ctx, lambda: _print_page(value)) if value is not None else None
    ),
    help="Print the documentation page of one check (the attack, the fix) and exit.",
)
def command(
    path: str,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    output_format: str,
    severity: str,
    live: bool,
    api: ApiSettings,
) -> None:
    """Security and hygiene findings on the configuration (text, JSON, SARIF)."""
    import json
    from pathlib import Path

    from fedctl import __version__
    from fedctl.cli.formats import echo
    from fedctl.cli.validate import render_line
    from fedctl.config import load_config
    from fedctl.core.errors import ConfigError, ValidationFailed
    from fedctl.lint.findings import LintSeverity
    from fedctl.lint.run import lint_config
    from fedctl.lint.sarif import find_repo_root, render_sarif

    try:
        config = load_config(path, variables=variables, var_files=var_files)
    except ValidationFailed as exc:
        for diagnostic in exc.diagnostics:
            click.echo(render_line(diagnostic), err=True)
        click.echo("The configuration is not valid; fix it (see `fedctl validate`).", err=True)
        raise click.exceptions.Exit(1) from None
    except ConfigError as exc:
        click.echo(render_line(exc.diagnostic), err=True)
        raise click.exceptions.Exit(1) from None
    threshold = LintSeverity(severity)
    every = lint_config(config) + (_live_findings(api) if live else [])
    findings = [f for f in every if f.severity.at_least(threshold)]
    if output_format == "sarif":
        root = find_repo_root(Path.cwd())
        log = render_sarif(findings, repo_root=root, version=__version__, fallback_uri=path)
        click.echo(json.dumps(log, indent=2))
    else:
        echo("lint", output_format, findings)
    if findings:
        raise click.exceptions.Exit(1)


def _exit_after(ctx: click.Context, show: Callable[[], None]) -> None:
    show()
    ctx.exit(0)


def _print_catalogue() -> None:
    from fedctl.lint.catalogue import CATALOGUE

    for info in CATALOGUE.values():
        click.echo(f"{info.id} {info.severity.value:7} {info.name}: {info.summary}")


def _print_page(check_id: str) -> None:
    from fedctl.core.errors import UsageError
    from fedctl.lint.pages import page_for

    page = page_for(check_id)
    if page is None:
        raise UsageError(f"--explain {check_id}: no such check; `fedctl lint --list` shows them")
    click.echo(page, nl=False)


def _live_findings(api: ApiSettings) -> list[Finding]:
    from fedctl.lint.live import lint_live
    from fedctl.live.read import read_live

    with api.open(read_only=True) as client:
        return lint_live(read_live(client))
