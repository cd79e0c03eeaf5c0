"""`fedctl fmt [PATH] [--check] [--diff]`: rewrite configuration files in one canonical
style, comments kept. --check exits 1 when a file would change (CI, pre-commit)."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from fedctl.cli.options import config_options


@click.command(
    "fmt",
    epilog=("Examples:\n\n\b\n  fedctl fmt federation/\n  fedctl fmt federation/ --check --diff"),
)
@config_options
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when a file would change.")
@click.option("--diff", "show_diff", is_flag=True, help="Print what would change (unified diff).")
def command(
    path: str, variables: tuple[str, ...], var_files: tuple[str, ...], check: bool, show_diff: bool
) -> None:
    """Rewrite configuration files in one canonical style, keeping comments."""
    from fedctl.config.discover import discover_files, is_template
    from fedctl.config.fmt import format_text

    changed = 0
    for file in discover_files(Path(path)):
        if is_template(file):
            click.echo(f"{file}: a template; left as it is (format its rendered output)")
            continue
        text = file.read_text(encoding="utf-8")
        formatted = format_text(text)
        if formatted is None:
            continue
        changed += 1
        if show_diff:
            diff = difflib.unified_diff(
                text.splitlines(True), formatted.splitlines(True), str(file), str(file)
            )
            click.echo("".join(diff), nl=False)
        if not check:
            file.write_text(formatted, encoding="utf-8")
        click.echo(f"{file}: {'would be reformatted' if check else 'reformatted'}")
    if check and changed:
        raise click.exceptions.Exit(1)
