"""`fedctl snapshot --out FILE`: save the normalised live state for credential-free plans."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from fedctl.cli.guards import tests_option
from fedctl.cli.options import ApiSettings, api_options

if TYPE_CHECKING:
    from fedctl.config import Config


@click.command(
    "snapshot",
    epilog="Examples:\n\n\b\n  fedctl snapshot --out snapshot.json\n"
    "  fedctl snapshot federation/ --out snapshot.json   # records the guards too",
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
@tests_option
def command(
    path: Path | None,
    api: ApiSettings,
    out_path: Path,
    test_files: tuple[str, ...],
) -> None:
    """Read the live organization (read-only) and write it with its sha256 digest.

    With PATH, the configuration's guards are recorded too (protect patterns, policy files
    and access tests in full, lint gate and silences, limits, allowed keys), under the
    digest: plans and applies against this snapshot enforce the stricter of them and the
    configuration's, so a change cannot loosen the checks it is judged by.
    """
    from fedctl.core.errors import UsageError
    from fedctl.live.read import read_live
    from fedctl.live.snapshot import take_snapshot, write_snapshot

    if test_files and path is None:
        raise UsageError("--tests records access tests with the guards: give PATH too")
    guards = None
    config = None
    if path is not None:
        from fedctl.config import load_config

        config = load_config(path)
        guards = _recorded_guards(config, test_files)
    with api.open(read_only=True) as client:
        live = read_live(client)
        if config is not None:
            # Keys only for a configuration that manages them: plans against this snapshot
            # then know them (a refusal to list them stops here, exit 1).
            from fedctl.api_keys.live import with_managed_keys

            live = with_managed_keys(config, live, client=client)
    snapshot = take_snapshot(live, guards=guards)
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


def _recorded_guards(config: Config, test_files: tuple[str, ...]) -> dict[str, object]:
    """Every guard of the configuration, as the snapshot records it (under its digest)."""
    from fedctl.guards.effective import guard_values
    from fedctl.guards.recorded import record_guards
    from fedctl.guards.texts import view_of

    tests = tuple(Path(file) for file in test_files)
    return record_guards(guard_values(view_of(config, tests=tests, origin="snapshot")))
