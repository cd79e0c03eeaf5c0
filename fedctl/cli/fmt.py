"""`fedctl fmt [PATH] [--check] [--diff]`: rewrite configuration files in one canonical
style, comments kept. --check exits 1 when a file would change (CI, pre-commit); --diff
prints the change and writes nothing. A file whose values formatting would change is
refused (exit 1) and left as it is."""

from __future__ import annotations

import difflib
import stat
from pathlib import Path

import click

from fedctl.cli.options import config_options


@click.command(
    "fmt",
    epilog=("Examples:\n\n\b\n  fedctl fmt federation/\n  fedctl fmt federation/ --check --diff"),
)
@config_options
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when a file would change.")
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print what would change (unified diff); write nothing.",
)
def command(
    path: str, variables: tuple[str, ...], var_files: tuple[str, ...], check: bool, show_diff: bool
) -> None:
    """Rewrite configuration files in one canonical style, keeping comments and values."""
    from fedctl.config.discover import discover_files

    outcomes = [_format_file(file, write=not (check or show_diff), show_diff=show_diff)
                for file in discover_files(Path(path))]  # fmt: skip
    if "refused" in outcomes or (check and "changed" in outcomes):
        raise click.exceptions.Exit(1)


def _format_file(file: Path, *, write: bool, show_diff: bool) -> str:
    """Format one file; "changed", "unchanged", "skipped" or "refused"."""
    from fedctl.config.discover import is_template
    from fedctl.config.fmt import FormatRefused, format_text, mixed_line_endings
    from fedctl.core.escape import escape_terminal

    if is_template(file):
        click.echo(f"{file}: a template; left as it is (format its rendered output)")
        return "skipped"
    if file.is_symlink():
        click.echo(f"{file}: a symlink; left as it is (format the file it points at)")
        return "skipped"
    text = file.read_bytes().decode("utf-8")  # bytes: CRLF line ends stay visible
    try:
        formatted = format_text(text)
    except FormatRefused as exc:
        click.echo(f"{file}: not formatted: {exc}", err=True)
        return "refused"
    if formatted is None:
        return "unchanged"
    if show_diff:
        diff = difflib.unified_diff(
            text.splitlines(), formatted.splitlines(), str(file), str(file), lineterm=""
        )
        for line in diff:  # each line escaped: a file's bytes must not drive the terminal
            click.echo(escape_terminal(line))
    if write:
        from fedctl.core.safe_write import write_file

        write_file(file, formatted, mode=stat.S_IMODE(file.stat().st_mode))
    endings = " (mixed line endings made uniform)" if mixed_line_endings(text) else ""
    verb = "reformatted" if write else "would be reformatted"
    click.echo(f"{file}: {verb}{endings}")
    return "changed"
