"""`fedctl test [PATH]`: run the organization's access tests against the configuration
(or, with --live, the live rules). Exit 0 when every case passes, 1 otherwise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fedctl.cli.guards import guards_from_option
from fedctl.cli.options import ApiSettings, api_options, config_options

if TYPE_CHECKING:
    from fedctl.config import Config
    from fedctl.explain.model import Rulebook


@click.command(
    "test",
    epilog="Examples:\n\n\b\n  fedctl test federation/\n"
    "  fedctl test federation/ --tests ../security/github.access-test.yaml --format junit",
)
@config_options
@click.option(
    "--tests",
    "test_files",
    multiple=True,
    metavar="FILE",
    help="An access-test file (repeatable), besides the *.access-test.yaml files under PATH.",
)
@click.option("--live", is_flag=True, help="Test the live rules instead of the configuration.")
@api_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "junit"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, junit for CI test reports.",
)
@guards_from_option
def command(
    path: str,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    test_files: tuple[str, ...],
    live: bool,
    api: ApiSettings,
    output_format: str,
    guards_from: str | None,
) -> None:
    """Run access tests: which tokens must (and must not) get which rule.

    With --guards-from, main's cases run too: a case the change edited runs in both
    versions, one it deleted still runs.
    """
    from fedctl.accesstest.render import render_junit, render_text
    from fedctl.accesstest.run import access_test_files, load_cases, run_cases
    from fedctl.errors import UsageError

    files = [*access_test_files(Path(path)), *(Path(file) for file in test_files)]
    config = None
    if guards_from is not None or not live:
        config = _config(path, variables, var_files, test_files, guards_from)
        files = [*access_test_files(Path(path)), *map(Path, config.access_test_files)]
    if not files:
        raise UsageError(
            f"no access tests: put *.access-test.yaml files under {path} or pass --tests FILE"
        )
    cases = load_cases(files)
    results = run_cases(cases, _rulebook(config, api, live=live))
    if output_format == "json":
        click.echo(json.dumps([result.to_json() for result in results], indent=2))
    elif output_format == "junit":
        click.echo(render_junit(results), nl=False)
    else:
        click.echo(render_text(results))
    if any(not result.passed for result in results):
        raise click.exceptions.Exit(1)


def _config(
    path: str,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    test_files: tuple[str, ...],
    guards_from: str | None,
) -> Config:
    """The configuration, effective with main's guards when --guards-from is given."""
    from fedctl.cli.guards import effective_config, guard_inputs
    from fedctl.config import load_config

    config = load_config(path, variables=variables, var_files=var_files)
    inputs = guard_inputs(
        path,
        guards_from=guards_from,
        tests=test_files,
        variables=variables,
        var_files=var_files,
    )
    return effective_config(config, inputs)


def _rulebook(config: Config | None, api: ApiSettings, *, live: bool) -> Rulebook:
    if live or config is None:
        from fedctl.explain.sources import rulebook_from_live
        from fedctl.live import read_live

        with api.open(read_only=True) as client:
            return rulebook_from_live(read_live(client))
    from fedctl.explain.sources import rulebook_from_config

    return rulebook_from_config(config)
