"""`fedctl graph [PATH]`: the trust graph of the configuration (or the live organization,
or a snapshot) as Mermaid, DOT or JSON."""

from __future__ import annotations

import click

from fedctl.cli.options import ApiSettings, api_options, config_options_path_optional, format_option


@click.command(
    "graph",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl graph federation/\n"
        "  fedctl graph --snapshot snapshot.json --format dot\n"
        "  fedctl graph --live --format json"
    ),
)
@config_options_path_optional
@api_options
@click.option("--live", is_flag=True, help="Draw the live organization instead of PATH.")
@click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Draw this `fedctl snapshot` file instead of PATH: no network, no credential.",
)
@format_option("graph")
def command(
    path: str | None,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    api: ApiSettings,
    live: bool,
    snapshot_path: str | None,
    output_format: str,
) -> None:
    """Draw the trust graph: issuers -> rules -> service accounts -> workspaces."""
    from fedctl.cli.formats import echo
    from fedctl.core.errors import UsageError

    if live and snapshot_path is not None:
        raise UsageError("--live and --snapshot both name the live state; give one")
    if (live or snapshot_path is not None) and path is not None:
        raise UsageError("PATH draws the configuration; drop it to draw --live or --snapshot")
    if not live and snapshot_path is None and api.local_state is not None:
        raise UsageError("--local draws the emulator's organization only with --live; add it")
    if live or snapshot_path is not None:
        from fedctl.cli.live_source import read_live_state
        from fedctl.graph.sources import graph_from_live

        graph = graph_from_live(read_live_state(api, snapshot_path))
    else:
        from fedctl.config import load_config
        from fedctl.config.discover import default_path
        from fedctl.graph.sources import graph_from_config

        config = load_config(path or default_path(), variables=variables, var_files=var_files)
        graph = graph_from_config(config)
    echo("graph", output_format, graph)
