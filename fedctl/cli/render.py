"""`fedctl render [PATH]`: print the configuration with its templates expanded."""

from __future__ import annotations

from pathlib import Path

import click

from fedctl.cli.options import config_options


@click.command(
    "render",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl render federation/ --var env=production\n"
        '  fedctl render federation/ --var-json workspaces=\'["production", "staging"]\''
    ),
)
@config_options
def command(path: str, variables: tuple[str, ...], var_files: tuple[str, ...]) -> None:
    """Print the configuration as fedctl reads it, templates expanded, file by file."""
    from fedctl.config.render import render_configuration

    # --var-json arrives among `variables` (config_options), as for every command.
    files = render_configuration(Path(path), variables=variables, var_files=var_files)
    for index, (file, text) in enumerate(files):
        if index:
            click.echo()
        click.echo(f"# --- {file} ---")
        click.echo(text, nl=not text.endswith("\n"))
