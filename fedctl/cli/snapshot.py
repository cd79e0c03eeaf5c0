"""`fedctl snapshot --out FILE`: save the normalised live state for credential-free plans."""

from __future__ import annotations

from pathlib import Path

import click

from fedctl.cli.options import ApiSettings, api_options


@click.command(
    "snapshot",
    epilog="Examples:\n\n\b\n  fedctl snapshot --out snapshot.json\n"
    "  fedctl snapshot federation/ --out snapshot.json   # records settings.protect too",
)
@click.argument("path", required=False, type=click.Path(path_type=Path))
@api_options
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the snapshot (JSON).",
)
def command(
    path: Path | None,
    api: ApiSettings,
    out_path: Path,
) -> None:
    """Read the live organization (read-only) and write it with its sha256 digest.

    With PATH, the configuration's settings.protect is recorded too: plans and applies
    against this snapshot refuse to archive or replace what it protects.
    """
    from fedctl.errors import UsageError
    from fedctl.live import read_live
    from fedctl.snapshot import take_snapshot, write_snapshot

    protected: list[str] = []
    digests: dict[str, str] = {}
    config = None
    if path is not None:
        from fedctl.config import load_config
        from fedctl.policy.load import policy_file_digests

        config = load_config(path)
        protected = list(config.settings.protect)
        digests = policy_file_digests(config)
    with api.open(read_only=True) as client:
        live = read_live(client)
        if config is not None:
            # Keys only for a configuration that manages them: plans against this snapshot
            # then know them (a refusal to list them stops here, exit 1).
            from fedctl.keys.live import with_managed_keys

            live = with_managed_keys(config, live, client=client)
    snapshot = take_snapshot(live, protected=protected, policy_digests=digests)
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
