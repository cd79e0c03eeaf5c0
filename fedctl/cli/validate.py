"""`fedctl validate [PATH]`: check the configuration offline and report every problem.

Exit 0 when valid (warnings allowed), 1 when not. Text output is one line per
diagnostic, then a count; `--format json` prints a JSON list of diagnostics.
"""

from __future__ import annotations

import json

import click

from fedctl.cli.options import config_options, format_option


@click.command(
    name="validate",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl validate federation/\n"
        "  fedctl validate federation/ --format json"
    ),
)
@config_options
@format_option("validate", help="text for people, json (a list of diagnostics) for tools.")
def command(
    path: str, variables: tuple[str, ...], var_files: tuple[str, ...], output_format: str
) -> None:
    """Check configuration files offline and report every problem."""
    from fedctl.config import load_config
    from fedctl.core.errors import ConfigError, Diagnostic, Severity, ValidationFailed

    summary = ""
    diagnostics: list[Diagnostic]
    try:
        config = load_config(path, variables=variables, var_files=var_files)
    except ValidationFailed as exc:
        diagnostics = exc.diagnostics
    except ConfigError as exc:
        diagnostics = [exc.diagnostic]
    else:
        diagnostics = list(config.warnings)
        summary = (
            f"{_count(len(config.files), 'file')}, "
            f"{_count(len(config.service_accounts), 'service account')}, "
            f"{_count(len(config.issuers), 'issuer')}, {_count(len(config.rules), 'rule')}"
        )
    errors = sum(1 for d in diagnostics if d.severity == Severity.ERROR)
    if output_format == "json":
        click.echo(json.dumps([d.to_json() for d in diagnostics], indent=2))
    else:
        for diagnostic in diagnostics:
            click.echo(render_line(diagnostic))
        click.echo(_closing_line(errors, len(diagnostics) - errors, summary))
    if errors:
        raise click.exceptions.Exit(1)


def render_line(diagnostic: object) -> str:
    """Errors as `file:line:col: path: message`; others add their severity after the place."""
    from fedctl.core.errors import Diagnostic, Severity
    from fedctl.core.escape import escape_terminal

    assert isinstance(diagnostic, Diagnostic)
    if diagnostic.severity == Severity.ERROR:
        # Messages quote configuration values: each line shown escaped.
        return "\n".join(escape_terminal(line) for line in diagnostic.render().split("\n"))
    where = f"{diagnostic.location}: " if diagnostic.location else ""
    resource = f"{diagnostic.resource}: " if diagnostic.resource else ""
    field_path = f"{diagnostic.path}: " if diagnostic.path else ""
    return escape_terminal(
        f"{where}{diagnostic.severity.value}: {resource}{field_path}{diagnostic.message}"
    )


def _closing_line(errors: int, others: int, summary: str) -> str:
    notes = f" ({_count(others, 'warning')})" if others else ""
    if errors:
        return f"{_count(errors, 'error')} found{notes}; the configuration is not valid."
    return f"Valid: {summary}{notes}."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
