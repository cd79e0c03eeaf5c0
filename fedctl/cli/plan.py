"""`fedctl plan`: compare the configuration with the live organization and show the changes.

Runs on a read-only client (any method but GET is refused before it leaves the
process), so a plan can never write.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fedctl.cli.guards import guards_from_option, tests_option
from fedctl.cli.options import (
    ApiSettings,
    api_options,
    config_options,
    format_option,
    gate_options,
    plan_options,
)
from fedctl.cli.read_ahead import ReadAheadCommand

if TYPE_CHECKING:
    from collections.abc import Callable

    from fedctl.config import Config
    from fedctl.core.state import LiveState
    from fedctl.plan.plan import Plan, PlanOptions
    from fedctl.plan.refusals import Overrides

# `--fail-on broadening`: distinct from 1 (error) and 2 (--detailed-exitcode).
EXIT_BROADENING = 4


def use_colour(no_color: bool) -> bool:
    """Colour only on a terminal, and never with --no-color or NO_COLOR (no-color.org)."""
    if no_color or "NO_COLOR" in os.environ:
        return False
    return sys.stdout.isatty()


@click.command(
    "plan",
    cls=ReadAheadCommand,  # the live read starts before the heavy imports
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl plan federation/\n"
        "  fedctl plan federation/ --out plan.json\n"
        "  fedctl plan federation/ --snapshot snapshot.json --format markdown"
    ),
)
@config_options
@api_options
@plan_options
@gate_options
@format_option("plan")
@click.option(
    "--template",
    "template_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Jinja2 template for --format markdown.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Save the plan for `fedctl apply FILE`.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there are no changes, 2 when there are, 1 on error.",
)
@click.option("--no-color", is_flag=True, help="No colour in the text output (also NO_COLOR).")
@click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Plan against this `fedctl snapshot` file: no network, no credential.",
)
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["broadening", "proven-broadening", "test-change", "guardrail-change"]),
    default=None,
    help="Exit 4 when any change broadens (or may broaden) who can mint what, where, or "
    "weakens a guard; (proven-broadening) only when a broadening is proven by a token, or a "
    "guard is weakened; (test-change) when the plan changes the outcome of an access test; "
    "(guardrail-change) when it changes any guard.",
)
@click.option(
    "--policy",
    "policy_files",
    multiple=True,
    metavar="FILE",
    help="An organization policy file (repeatable), with settings.policy_files; a failing "
    "deny policy makes the plan exit 1 and not be saved.",
)
@guards_from_option
@tests_option
def command(
    path: str,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    api: ApiSettings,
    options: PlanOptions,
    overrides: Overrides,
    output_format: str,
    template_path: str | None,
    out_path: str | None,
    detailed_exitcode: bool,
    no_color: bool,
    snapshot_path: str | None,
    fail_on: str | None,
    policy_files: tuple[str, ...],
    guards_from: str | None,
    test_files: tuple[str, ...],
) -> None:
    """Compare the configuration at PATH with the live organization and show the changes."""
    from fedctl.cli.formats import echo
    from fedctl.cli.guards import guard_inputs
    from fedctl.core.errors import UsageError
    from fedctl.pipeline import GateChecks, plan_from_config

    if template_path and output_format != "markdown":
        raise UsageError("--template applies to --format markdown only")
    guards = guard_inputs(
        path, guards_from=guards_from, tests=test_files, variables=variables, var_files=var_files
    )
    run = functools.partial(
        plan_from_config,
        path,
        variables=variables,
        var_files=var_files,
        options=options,
        while_reading=_import_output_path,
        guards=guards,
        checks=GateChecks(overrides=overrides, policy_files=policy_files),
    )
    plan = _run_against(run, api, snapshot_path)
    echo_lint_findings(plan, path)
    if out_path and plan.gate_verdict != "refused":
        _save(plan.model_copy(update={"config_path": recorded_path(path)}), out_path)
    colour = use_colour(no_color)
    echo("plan", output_format, plan, color=colour, template_path=template_path)
    stop_if_refused(plan, saved_to=out_path)
    if out_path and output_format == "text":
        command = apply_command(out_path, path, variables, var_files, api, plan, snapshot_path)
        click.echo(f"\nSaved the plan to {out_path}; apply it with: {command}")
    _exit_as_asked(plan, fail_on=fail_on, detailed_exitcode=detailed_exitcode)


def _import_output_path(_config: Config) -> None:
    """While the live read waits: the output path's imports, used after the read."""
    import fedctl.render.text  # noqa: F401


def stop_if_refused(plan: Plan, *, saved_to: str | None = None) -> None:
    """Exit 1 naming each check that refuses the plan, as `apply` will."""
    from fedctl.apply.gate import GateRefused, enforce

    try:
        enforce(plan)
    except GateRefused as refused:
        if saved_to:
            refused.message += f"; the plan was not saved to {saved_to}"
        refused.args = (refused.message,)
        raise


def _run_against(
    run: Callable[..., tuple[Plan, LiveState, Config]], api: ApiSettings, snapshot_path: str | None
) -> Plan:
    """The plan against the snapshot (no network, no credential) or the live API."""
    if snapshot_path is None:
        with api.open(read_only=True) as client:
            return run(client=client)[0]
    from fedctl.cli.live_source import refuse_api_options
    from fedctl.live.snapshot import read_snapshot

    refuse_api_options(api, without_api="plans without the API")
    return run(snapshot=read_snapshot(Path(snapshot_path)))[0]


def _exit_as_asked(plan: Plan, *, fail_on: str | None, detailed_exitcode: bool) -> None:
    """--fail-on and --detailed-exitcode: the exit codes CI reads."""
    if fail_on == "test-change" and plan.access_test_changes:
        click.echo("error: --fail-on test-change: this plan changes access tests.", err=True)
        raise click.exceptions.Exit(EXIT_BROADENING)
    if fail_on == "broadening" and plan.access.broadens:
        click.echo("error: --fail-on broadening: this plan broadens access.", err=True)
        raise click.exceptions.Exit(EXIT_BROADENING)
    if fail_on == "proven-broadening" and plan.access.proven_broadening:
        click.echo("error: --fail-on proven-broadening: this plan broadens access.", err=True)
        raise click.exceptions.Exit(EXIT_BROADENING)
    weakening = [change for change in plan.guardrail_changes if change.effect == "weakens"]
    if fail_on in ("broadening", "proven-broadening") and weakening:
        click.echo(f"error: --fail-on {fail_on}: this plan weakens a guard.", err=True)
        raise click.exceptions.Exit(EXIT_BROADENING)
    if fail_on == "guardrail-change" and plan.guardrail_changes:
        click.echo("error: --fail-on guardrail-change: this plan changes a guard.", err=True)
        raise click.exceptions.Exit(EXIT_BROADENING)
    if detailed_exitcode and not plan.is_empty():
        raise click.exceptions.Exit(2)


def recorded_path(path: str) -> str:
    """PATH relative to the current folder, as a saved plan records it."""
    return os.path.relpath(path)


def apply_command(
    out_path: str,
    config_path: str,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    api: ApiSettings,
    plan: Plan,
    snapshot_path: str | None = None,
) -> str:
    """The exact `fedctl apply` of a saved plan: the configuration (apply never loads the
    folder a plan file names), the options that shaped the plan (apply refuses others),
    the same variables (the digest depends on them) and the same local emulator; a token
    given with --auth-token is never repeated."""
    import shlex

    words = ["fedctl", "apply", out_path, "--config", recorded_path(config_path)]
    words += bound_option_words(plan)
    words += ["--snapshot", snapshot_path] if snapshot_path else []
    from fedctl.config.templating import variable_options

    words += variable_options(variables)
    words += [word for value in var_files for word in ("--var-file", value)]
    if api.local_state is not None:
        from fedctl.cli.options import LOCAL_STATE

        words += (
            ["--local"] if api.local_state == LOCAL_STATE else ["--local-state", api.local_state]
        )
    if api.base_url is not None and _given_on_command_line("base_url"):
        words += ["--base-url", api.base_url]
    return shlex.join(words)


def bound_option_words(plan: Plan) -> list[str]:
    """The command-line words of the options a plan was made with (shape, snapshot,
    overrides): what `apply PLANFILE` must be given again."""
    shape, words = plan.shape, []
    if shape.prune is not None:
        words.append("--prune" if shape.prune else "--no-prune")
    words += [word for target in shape.targets for word in ("--target", target)]
    words += ["--recreate-archived"] * shape.recreate_archived
    words += ["--allow-self-lockout"] * shape.allow_self_lockout
    words += ["--allow-large-changes"] * plan.overrides.allow_large_changes
    words += ["--allow-lint-errors"] * plan.overrides.allow_lint_errors
    return words


def _given_on_command_line(name: str) -> bool:
    source = click.get_current_context().get_parameter_source(name)
    return source is click.core.ParameterSource.COMMANDLINE


def _save(plan: Plan, out_path: str) -> None:
    from fedctl.core.errors import UsageError

    try:
        plan.to_file(out_path)
    except OSError as exc:
        raise UsageError(
            f"--out {out_path}: cannot write the plan: {exc.strerror}; give a path in an "
            "existing, writable folder"
        ) from None


def echo_lint_findings(plan: Plan, path: str, *, overridden: bool = False) -> None:
    """Each lint finding the plan carries, then a count; on stderr, so JSON/Markdown stay
    clean. When apply will refuse on an error finding (and `overridden` is off), say so."""
    from fedctl.core.escape import escape_terminal

    findings = plan.lint_findings
    if not findings:
        return
    for finding in findings:
        # NOTE: locations, resource names and messages quote configuration values.
        click.echo(escape_terminal(finding.line()), err=True)
    severities = [finding.severity for finding in findings]
    counts = ", ".join(
        f"{severities.count(level)} {level}"
        for level in ("error", "warning", "note")
        if level in severities
    )
    noun = "finding" if len(findings) == 1 else "findings"
    if not overridden and any(finding.blocks for finding in findings):
        advice = (
            "`fedctl plan` and `fedctl apply` refuse while a lint error remains "
            "(see `fedctl lint`, or pass --allow-lint-errors to both)"
        )
    else:
        advice = f"run `fedctl lint {path}` for details."
    click.echo(f"lint: {len(findings)} {noun} ({counts}); {advice}", err=True)
