"""`fedctl keys [PATH]`: the organization's static API keys, and (with the configuration)
where they undermine federation: KEY001-KEY005. Exit 0, or 4 when a finding named in
`--fail-on` is present, so a scheduled job can open an issue; 1 when the keys cannot be
read (they are unknown, never "none")."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from fedctl.cli.options import ApiSettings, api_options, config_options_path_optional, format_option

if TYPE_CHECKING:
    from fedctl.config import Config

EXIT_FINDING = 4
FINDING_IDS = ("KEY001", "KEY002", "KEY003", "KEY004", "KEY005")


@click.command(
    "keys",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl keys\n"
        "  fedctl keys federation/ --fail-on KEY001 --fail-on KEY002\n"
        "  fedctl keys federation/ --format markdown --max-age-days 30"
    ),
)
@config_options_path_optional
@api_options
@click.option("--all", "include_all", is_flag=True, help="Include archived and expired keys.")
@format_option("keys")
@click.option(
    "--fail-on",
    "fail_on",
    multiple=True,
    type=click.Choice(FINDING_IDS),
    help="Exit 4 when this finding is present (repeatable).",
)
@click.option(
    "--max-age-days",
    default=90,
    show_default=True,
    type=click.IntRange(1),
    help="KEY004: an active key older than this.",
)
def command(
    path: str | None,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    api: ApiSettings,
    include_all: bool,
    output_format: str,
    fail_on: tuple[str, ...],
    max_age_days: int,
) -> None:
    """List static API keys and flag the ones that undermine federation."""
    from fedctl.api_keys.inventory import build_inventory, read_keys
    from fedctl.cli.formats import echo
    from fedctl.live.read import read_live

    config = _discovered_config(path, variables, var_files)
    with api.open(read_only=True) as client:
        keys = read_keys(client)
        live = read_live(client)
    inventory = build_inventory(
        keys, live, config, include_all=include_all, max_age_days=max_age_days
    )
    echo("keys", output_format, inventory)
    if any(finding.finding_id in fail_on for finding in inventory.findings):
        raise click.exceptions.Exit(EXIT_FINDING)


def _discovered_config(
    path: str | None, variables: tuple[str, ...], var_files: tuple[str, ...]
) -> Config | None:
    """The configuration at PATH, else the one other commands find (federation/ or the
    folder `.fedctl-config` names); without either, the inventory alone, said so."""
    from fedctl.config import load_config
    from fedctl.config.discover import default_path
    from fedctl.core.errors import ConfigError

    if path is None:
        try:
            path = default_path()
        except ConfigError:
            click.echo(
                "note: no configuration found (no PATH, federation/ or .fedctl-config): "
                "listing the keys without findings (KEY001-KEY005 need the configuration)",
                err=True,
            )
            return None
    return load_config(path, variables=variables, var_files=var_files)
