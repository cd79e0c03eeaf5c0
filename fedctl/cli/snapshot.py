"""`fedctl snapshot --out FILE`: save the normalised live state for credential-free plans."""

from __future__ import annotations

from pathlib import Path

import click

from fedctl.cli.options import api_options


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
    base_url: str | None,
    auth_token: str | None,
    parallelism: int,
    local_state: str | None,
    timeout: float,
    out_path: Path,
) -> None:
    """Read the live organization (read-only) and write it with its sha256 digest."""
    from fedctl.api.connect import open_client
    from fedctl.errors import UsageError
    from fedctl.live import read_live
    from fedctl.snapshot import take_snapshot, write_snapshot

    with open_client(
        base_url=base_url,
        auth_token=auth_token,
        parallelism=parallelism,
        read_only=True,
        local_state=local_state,
        timeout=timeout,
    ) as client:
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
