"""`fedctl schema --out DIR`: write the JSON Schema(s) of the configuration language."""

from __future__ import annotations

from pathlib import Path

import click

from fedctl.safe_write import write_file


@click.command(
    name="schema",
    epilog="Examples:\n\n\b\n  fedctl schema --out schemas",
)
@click.option(
    "--out",
    "out_dir",
    default="schemas",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to write the schema files into (created if missing).",
)
def command(out_dir: str) -> None:
    """Write the JSON Schemas of the configuration language (for editor completion)."""
    from fedctl.config.schema import render_schemas
    from fedctl.errors import UsageError

    target = Path(out_dir)
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, text in render_schemas().items():
            write_file(target / name, text)
            click.echo(f"wrote {target / name}")
    except OSError as exc:
        raise UsageError(f"--out {out_dir}: cannot write: {exc.strerror or exc}") from exc
