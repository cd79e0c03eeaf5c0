"""`fedctl schema`: the JSON Schemas of the configuration language and of the JSON plan.

Without --out it prints one schema to stdout and writes nothing; --out DIR writes both.
"""

from __future__ import annotations

from pathlib import Path

import click

from fedctl.core.safe_write import write_file


@click.command(
    name="schema",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl schema > fedctl-config.schema.json\n"
        "  fedctl schema --plan > plan.schema.json\n"
        "  fedctl schema --out schemas   # both files, where generated files point"
    ),
)
@click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Write both schema files into this folder (created if missing); without it, "
    "print one schema and write nothing.",
)
@click.option(
    "--plan",
    "plan_schema",
    is_flag=True,
    help="Print the schema of `fedctl plan --format json` instead of the configuration's.",
)
def command(out_dir: str | None, plan_schema: bool) -> None:
    """Print or write the JSON Schemas (configuration language, JSON plan)."""
    from fedctl.config.schema import CONFIG_SCHEMA_FILE, PLAN_SCHEMA_FILE, render_schemas
    from fedctl.core.errors import UsageError

    schemas = render_schemas()
    if out_dir is None:
        click.echo(schemas[PLAN_SCHEMA_FILE if plan_schema else CONFIG_SCHEMA_FILE], nl=False)
        return
    if plan_schema:
        raise UsageError("--plan chooses what to print; --out writes both schemas: give one")
    target = Path(out_dir)
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, text in schemas.items():
            write_file(target / name, text)
            click.echo(f"wrote {target / name}")
    except OSError as exc:
        raise UsageError(f"--out {out_dir}: cannot write: {exc.strerror or exc}") from exc
