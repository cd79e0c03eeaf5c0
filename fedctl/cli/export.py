"""`fedctl export`: the live organization as fedctl configuration files (or on stdout).

Reads the live state read-only, decides how each resource appears (`fedctl.export`),
then prints one document or writes one file per kind (or per issuer).
"""

from __future__ import annotations

from pathlib import Path

import click

from fedctl.cli.options import ApiSettings, api_options


@click.command(
    "export",
    epilog="Examples:\n\n\b\n  fedctl export\n  fedctl export --out federation/ --with-ids",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Write files into this (new or empty) directory instead of printing one document.",
)
@click.option(
    "--include-archived",
    is_flag=True,
    help="Also write archived resources, as comments (the language has no archived state).",
)
@click.option(
    "--split-by-issuer",
    is_flag=True,
    help="One file per issuer with its rules (and service_accounts.yaml); needs --out.",
)
@click.option(
    "--with-ids",
    is_flag=True,
    help="Write each resource's live ID as a comment above it (`# id: fdrl_...`).",
)
@api_options
def command(
    out_dir: str | None,
    include_archived: bool,
    split_by_issuer: bool,
    with_ids: bool,
    api: ApiSettings,
) -> None:
    """Write the live organization as fedctl configuration."""
    from fedctl.errors import UsageError
    from fedctl.export.document import build_export
    from fedctl.export.render import render_document, render_files
    from fedctl.export.write import write_files
    from fedctl.live import read_live

    if split_by_issuer and out_dir is None:
        raise UsageError("--split-by-issuer writes several files; give --out DIR")
    with api.open(read_only=True) as client:
        live = read_live(client)
    export = build_export(live, include_archived=include_archived)
    if with_ids:
        from fedctl.export.ids import with_ids as add_ids

        export = add_ids(export, live)
    if out_dir is None:
        click.echo(render_document(export), nl=False)
        return
    written = write_files(Path(out_dir), render_files(export, split_by_issuer=split_by_issuer))
    click.echo(f"Wrote {len(written)} file(s) to {out_dir}: {', '.join(p.name for p in written)}")
