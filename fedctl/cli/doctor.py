"""`fedctl doctor`: read-only checks of everything fedctl relies on, one line per check.

Exit 0 when every check is ok or warn, 1 on any FAIL. `--format json` is a bug report:
fedctl's version, the contract revision, each check; never a token or key.
"""

from __future__ import annotations

import json

import click

from fedctl.cli.options import ApiSettings, api_options, format_option


@click.command(
    "doctor",
    epilog="Examples:\n\n\b\n  fedctl doctor\n  fedctl doctor --format json > doctor.json",
)
@api_options
@format_option("doctor", help="text for people, json for a bug report.")
def command(api: ApiSettings, output_format: str) -> None:
    """Check, read-only, that the live API says what fedctl expects."""
    from fedctl.core.escape import escape_terminal
    from fedctl.live.doctor import run_doctor

    with api.open(read_only=True) as client:
        report = run_doctor(client)
    if output_format == "json":
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        for check in report.checks:
            line = f"{check.status.value:<4} {check.name}: {check.detail}"
            if check.status.value == "FAIL" and check.expected:
                line += f" (expected: {check.expected}; got: {check.got or 'nothing'})"
            click.echo(escape_terminal(line))
        failed = sum(check.status.value == "FAIL" for check in report.checks)
        click.echo(f"{len(report.checks)} checks, {failed} failed.")
    if report.failed:
        raise click.exceptions.Exit(1)
