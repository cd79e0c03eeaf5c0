"""`fedctl output [PATH] [RULE...]`: the live IDs a workload needs, per rule, as env lines,
JSON, an SDK profile file, a GitHub Actions or GitLab CI snippet or a Kubernetes pod
fragment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from fedctl.cli.options import ApiSettings, api_options, config_options, format_option

if TYPE_CHECKING:
    from fedctl.output.workloads import Workload


@click.command(
    "output",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl output federation/ deploy --format github\n"
        "  fedctl output federation/ etl --format gitlab\n"
        "  fedctl output federation/ --snapshot snapshot.json --format json\n"
        "  fedctl output federation/ deploy --format profile --token-file /run/token "
        "--config-dir ~/.config/anthropic"
    ),
)
@config_options
@click.argument("rule_names", metavar="[RULE]...", nargs=-1)
@api_options
@format_option(
    "output",
    help="env: export lines; json: one object per rule; profile: write SDK profile files; "
    "github: workflow snippet; gitlab: CI job snippet; kubernetes: pod-spec fragment.",
)
@click.option(
    "--workspace",
    default=None,
    metavar="NAME",
    help="The workspace to mint tokens for (name, wrkspc_ ID or `default`); required for "
    "a rule enabled in several.",
)
@click.option(
    "--token-file",
    default=None,
    metavar="PATH",
    help="Where the workload finds its identity token (required by --format profile, "
    "absolute there).",
)
@click.option(
    "--config-dir",
    envvar="ANTHROPIC_CONFIG_DIR",
    default=None,
    type=click.Path(file_okay=False),
    help="The SDK config folder --format profile writes configs/RULE.json into "
    "[env ANTHROPIC_CONFIG_DIR]. The SDKs default to ~/.config/anthropic; the "
    "TypeScript SDK reads $XDG_CONFIG_HOME/anthropic when XDG_CONFIG_HOME is set.",
)
@click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Read the IDs from this `fedctl snapshot` file: no network, no credential.",
)
def command(
    path: str,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    rule_names: tuple[str, ...],
    api: ApiSettings,
    output_format: str,
    workspace: str | None,
    token_file: str | None,
    config_dir: str | None,
    snapshot_path: str | None,
) -> None:
    """Print what a workload needs to exchange its token through each rule at PATH."""
    from fedctl.cli.live_source import read_live_state
    from fedctl.config import load_config
    from fedctl.output.workloads import resolve_workloads

    _check_paths(output_format, token_file, config_dir)
    config = load_config(path, variables=variables, var_files=var_files)
    live = read_live_state(api, snapshot_path)
    workloads = resolve_workloads(config, live, rule_names=rule_names, workspace=workspace)
    if output_format == "profile":
        assert token_file is not None and config_dir is not None  # _check_paths
        _write_profiles(workloads, token_file, config_dir)
        _warn_assumed_audience(workloads)
        return
    from fedctl.cli.formats import echo

    echo("output", output_format, workloads, token_file=token_file)
    _warn_assumed_audience(workloads)


def _warn_assumed_audience(workloads: Sequence[Workload]) -> None:
    from fedctl.core.escape import escape_terminal

    for workload in workloads:
        if workload.audience is None:
            click.echo(
                f"warning: rule {escape_terminal(workload.rule_name)} sets no match.audience; "
                "the exchange's default audience is not documented, so this output assumes "
                f"{workload.token_audience}. Set match.audience to the audience your "
                "workload requests.",
                err=True,
            )


def _write_profiles(workloads: Sequence[Workload], token_file: str, config_dir: str) -> None:
    import os
    from pathlib import Path

    from fedctl.output.profile import write_profiles

    for written in write_profiles(Path(config_dir), workloads, token_file=token_file):
        click.echo(f"Wrote {written.path}; select it with ANTHROPIC_PROFILE={written.path.stem}")
        if written.cleared_cache is not None:
            click.echo(
                f"Deleted {written.cleared_cache}: the SDK's cached token for the old "
                "profile (the next call exchanges again)"
            )
    # NOTE: the TypeScript SDK reads $XDG_CONFIG_HOME/anthropic when XDG_CONFIG_HOME is
    # set and ANTHROPIC_CONFIG_DIR is not; the Python SDK never looks there.
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if xdg and Path(xdg, "anthropic").resolve() != Path(config_dir).resolve():
        click.echo(
            f"note: XDG_CONFIG_HOME is set, so the TypeScript SDK looks in {xdg}/anthropic, "
            f"not {config_dir}; give the workload ANTHROPIC_CONFIG_DIR={config_dir}",
            err=True,
        )


def _check_paths(output_format: str, token_file: str | None, config_dir: str | None) -> None:
    from fedctl.core.errors import UsageError

    if token_file is not None and (not token_file.isprintable() or not token_file.strip()):
        # It is written into shell, YAML and $GITHUB_ENV lines: one printable line only.
        raise UsageError("--token-file: give a path on one line, without control characters")
    if output_format == "gitlab" and token_file is not None:
        raise UsageError(
            "--token-file does not apply to --format gitlab: GitLab hands the ID token to "
            "the job as the ANTHROPIC_IDENTITY_TOKEN variable"
        )
    if output_format != "profile":
        if config_dir is not None and _given("config_dir"):
            raise UsageError("--config-dir applies to --format profile only")
        return
    if token_file is None:
        raise UsageError(
            "--format profile needs --token-file PATH: where the workload finds its token"
        )
    if config_dir is None:
        raise UsageError(
            "--format profile needs --config-dir DIR (or ANTHROPIC_CONFIG_DIR): the SDK "
            "config folder to write into"
        )


def _given(name: str) -> bool:
    source = click.get_current_context().get_parameter_source(name)
    return source is click.core.ParameterSource.COMMANDLINE
