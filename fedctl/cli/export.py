"""`fedctl export`: the live organization as fedctl configuration files (or on stdout).

Reads the live state read-only (or a snapshot), decides how each resource appears
(`fedctl.export`), then prints one document or writes one file per kind (or per
issuer); `--format terraform` writes HCL for the official provider instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from fedctl.cli.options import ApiSettings, api_options, format_option

if TYPE_CHECKING:
    from fedctl.api.client import AdminClient
    from fedctl.core.state import LiveState

TERRAFORM_FILE = "anthropic.tf"


@click.command(
    "export",
    epilog=(
        "Examples:\n\n\b\n  fedctl export\n  fedctl export --out federation/ --with-ids\n"
        "  fedctl export --format terraform --snapshot snapshot.json"
    ),
)
@format_option(
    "export", help="fedctl configuration, or HCL for the anthropics/anthropic Terraform provider."
)
@click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Export this snapshot (`fedctl snapshot`) instead of reading the live API.",
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
@click.option(
    "--protect",
    "protect",
    multiple=True,
    metavar="PATTERN",
    help="Terraform only: write deletion_protection = true on what PATTERN covers "
    "(settings.protect syntax: name, kind/name, globs; repeatable).",
)
@click.option(
    "--protect-from",
    "protect_from",
    type=click.Path(exists=True),
    default=None,
    metavar="CONFIG",
    help="Terraform only: take the protect patterns from this configuration's settings.protect.",
)
@api_options
def command(
    output_format: str,
    snapshot_path: str | None,
    out_dir: str | None,
    include_archived: bool,
    split_by_issuer: bool,
    with_ids: bool,
    protect: tuple[str, ...],
    protect_from: str | None,
    api: ApiSettings,
) -> None:
    """Write the live organization as fedctl configuration."""
    from fedctl.core.errors import UsageError
    from fedctl.export.document import build_export
    from fedctl.export.render import render_document, render_files
    from fedctl.export.write import write_files
    from fedctl.live.read import read_live

    if split_by_issuer and out_dir is None:
        raise UsageError("--split-by-issuer writes several files; give --out DIR")
    if (protect or protect_from) and output_format != "terraform":
        raise UsageError("--protect and --protect-from apply to --format terraform only")
    patterns = (*protect, *_protect_patterns(protect_from))
    if snapshot_path is not None:
        from fedctl.live.snapshot import read_snapshot

        live = read_snapshot(Path(snapshot_path)).state
    else:
        with api.open(read_only=True) as client:
            live = _with_keys_if_readable(read_live(client), client)
    if output_format == "terraform":
        _export_terraform(live, out_dir, include_archived, split_by_issuer, with_ids, patterns)
        return
    export = build_export(live, include_archived=include_archived)
    if with_ids:
        from fedctl.export.ids import with_ids as add_ids

        export = add_ids(export, live)
    if out_dir is None:
        click.echo(render_document(export), nl=False)
        return
    files = render_files(export, split_by_issuer=split_by_issuer, folder=Path(out_dir))
    written = write_files(Path(out_dir), files)
    click.echo(f"Wrote {len(written)} file(s) to {out_dir}: {', '.join(p.name for p in written)}")


def _protect_patterns(config_path: str | None) -> tuple[str, ...]:
    """`settings.protect` of the configuration at `config_path` (validated as plan does)."""
    if config_path is None:
        return ()
    from fedctl.config.load import load_config

    return tuple(load_config(config_path).settings.protect)


def _with_keys_if_readable(live: LiveState, client: AdminClient) -> LiveState:
    """The live state with its API keys, or without them (and a note) when refused:
    an export of the federation must not fail on a credential that cannot list keys."""
    from fedctl.api_keys.live import read_live_keys
    from fedctl.core.errors import ApiError

    try:
        return live.model_copy(update={"api_keys": read_live_keys(client)})
    except ApiError as exc:
        if exc.status not in (401, 403):
            raise
        click.echo(f"note: no api_keys block: {exc.message}", err=True)
        return live


def _export_terraform(
    live: LiveState,
    out_dir: str | None,
    include_archived: bool,
    split_by_issuer: bool,
    with_ids: bool,
    protect: tuple[str, ...],
) -> None:
    from fedctl.core.errors import UsageError
    from fedctl.export.terraform import build_terraform, render_terraform
    from fedctl.export.write import write_files

    # import {} blocks already carry every ID; Terraform has no archived state.
    for flag, given in (
        ("--include-archived", include_archived),
        ("--split-by-issuer", split_by_issuer),
        ("--with-ids", with_ids),
    ):
        if given:
            raise UsageError(f"{flag} applies to --format yaml only")
    text = render_terraform(build_terraform(live, protect=protect))
    if out_dir is None:
        click.echo(text, nl=False)
        return
    written = write_files(Path(out_dir), {TERRAFORM_FILE: text})
    click.echo(f"Wrote {len(written)} file(s) to {out_dir}: {', '.join(p.name for p in written)}")
