"""`fedctl snapshot --out FILE`: save the normalised live state for credential-free plans."""

from __future__ import annotations

from pathlib import Path

import click

from fedctl.cli.options import ApiSettings, api_options


@click.command("snapshot")
@api_options
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the snapshot (JSON).",
)
def command(
    api: ApiSettings,
    out_path: Path,
) -> None:
    """Read the live organization (read-only) and write it with its sha256 digest."""
    from fedctl.errors import UsageError
    from fedctl.live import read_live
    from fedctl.snapshot import take_snapshot, write_snapshot

    with api.open(read_only=True) as client:
        live = read_live(client)
    snapshot = take_snapshot(live)
    try:
        write_snapshot(snapshot, out_path)
    except OSError as exc:
        raise UsageError(
            f"--out {out_path}: cannot write the snapshot: {exc.strerror}; give a path in an "
            "existing, writable folder"
        ) from None
    click.echo(
        f"Wrote snapshot {out_path}: {snapshot.label}, organization {live.organization.name} "
        f"({len(live.service_accounts)} service accounts, {len(live.issuers)} issuers, "
        f"{len(live.rules)} rules)."
    )
