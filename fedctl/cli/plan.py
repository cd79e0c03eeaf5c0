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

from fedctl.cli.options import ApiSettings, api_options, config_options, plan_options

if TYPE_CHECKING:
    from collections.abc import Callable

    from fedctl.config import Config
    from fedctl.lint.findings import Finding
    from fedctl.plan.plan import Plan, PlanOptions
    from fedctl.policy.evaluate import PolicyResult
    from fedctl.state import LiveState

FORMATS = ("text", "json", "markdown")
# `--fail-on broadening`: distinct from 1 (error) and 2 (--detailed-exitcode).
EXIT_BROADENING = 4


def use_colour(no_color: bool) -> bool:
    """Colour only on a terminal, and never with --no-color or NO_COLOR (no-color.org)."""
    if no_color or "NO_COLOR" in os.environ:
        return False
    return sys.stdout.isatty()


@click.command(
    "plan",
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
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
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
    type=click.Choice(["broadening", "proven-broadening", "test-change"]),
    default=None,
    help="Exit 4 when any change broadens (or may broaden) who can mint what, where; "
    "(proven-broadening) only when a broadening is proven by a token; or (test-change) when "
    "the plan changes the outcome of an access test.",
)
@click.option(
    "--policy",
    "policy_files",
    multiple=True,
    metavar="FILE",
    help="An organization policy file (repeatable), with settings.policy_files; a failing "
    "deny policy makes the plan exit 1 and not be saved.",
)
def command(
    path: str,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    api: ApiSettings,
    options: PlanOptions,
    output_format: str,
    template_path: str | None,
    out_path: str | None,
    detailed_exitcode: bool,
    no_color: bool,
    snapshot_path: str | None,
    fail_on: str | None,
    policy_files: tuple[str, ...],
) -> None:
    """Compare the configuration at PATH with the live organization and show the changes."""
    from fedctl.errors import UsageError
    from fedctl.pipeline import plan_from_config

    if template_path and output_format != "markdown":
        raise UsageError("--template applies to --format markdown only")
    ahead = _WhileReading(policy_files)
    run = functools.partial(
        plan_from_config,
        path,
        variables=variables,
        var_files=var_files,
        options=options,
        while_reading=ahead.prepare,
    )
    plan, _live, _config = _run_against(run, api, snapshot_path)
    echo_lint_findings(
        _config, path, gate=_config.settings.lint.block_apply, findings=ahead.lint_findings
    )
    plan, denied = _with_policies_and_tests(plan, path, _config, _live, ahead.failures(_config))
    if out_path and not denied:
        _save(plan.model_copy(update={"config_path": recorded_path(path)}), out_path)
    click.echo(render_plan(plan, output_format, template_path, use_colour(no_color)), nl=False)
    _stop_if_denied(denied)
    if out_path and output_format == "text":
        command = apply_command(out_path, variables, var_files, api)
        click.echo(f"\nSaved the plan to {out_path}; apply it with: {command}")
    _exit_as_asked(plan, fail_on=fail_on, detailed_exitcode=detailed_exitcode)


def _run_against(
    run: Callable[..., tuple[Plan, LiveState, Config]], api: ApiSettings, snapshot_path: str | None
) -> tuple[Plan, LiveState, Config]:
    """The plan against the snapshot (no network, no credential) or the live API."""
    if snapshot_path is None:
        with api.open(read_only=True) as client:
            return run(client=client)
    from fedctl.cli.live_source import refuse_api_options
    from fedctl.snapshot import read_snapshot

    refuse_api_options(api, without_api="plans without the API")
    return run(snapshot=read_snapshot(Path(snapshot_path)))


def _stop_if_denied(denied: bool) -> None:
    if denied:
        click.echo("error: a deny policy fails on this plan; it was not saved.", err=True)
        raise click.exceptions.Exit(1)


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
    if detailed_exitcode and not plan.is_empty():
        raise click.exceptions.Exit(2)


def _with_policies_and_tests(
    plan: Plan, path: str, config: Config, live: LiveState, failures: list[PolicyResult]
) -> tuple[Plan, bool]:
    """The plan with its policy failures and access-test changes; whether a deny failed."""
    plan = plan.model_copy(
        update={
            "policy_failures": tuple(r.line() for r in failures),
            "access_test_changes": tuple(access_test_changes(path, config, live)),
        }
    )
    return plan, any(result.blocks for result in failures)


def failed_policies(config: Config, extra: tuple[str, ...]) -> list[PolicyResult]:
    """The organization policies that fail on the planned configuration."""
    from fedctl.policy.evaluate import evaluate_policies
    from fedctl.policy.load import load_policies, policy_paths

    paths = policy_paths(config, extra)
    if not paths:
        return []
    results = evaluate_policies(load_policies(paths), config)
    return [result for result in results if not result.passed]


def access_test_changes(path: str, config: Config, live: LiveState) -> list[str]:
    """Access-test cases under PATH whose outcome the plan changes (live -> configuration)."""
    from fedctl.accesstest.run import access_test_files, load_cases, outcome_changes
    from fedctl.explain.sources import rulebook_from_config, rulebook_from_live

    files = access_test_files(Path(path))
    if not files:
        return []
    cases = load_cases(files)
    return outcome_changes(cases, rulebook_from_live(live), rulebook_from_config(config))


def recorded_path(path: str) -> str:
    """PATH relative to the current folder, as a saved plan records it."""
    return os.path.relpath(path)


def apply_command(
    out_path: str, variables: tuple[str, ...], var_files: tuple[str, ...], api: ApiSettings
) -> str:
    """The exact `fedctl apply` of a saved plan: the same variables (the digest depends on
    them) and the same local emulator; a token given with --auth-token is never repeated."""
    import shlex

    words = ["fedctl", "apply", out_path]
    words += [word for value in variables for word in ("--var", value)]
    words += [word for value in var_files for word in ("--var-file", value)]
    if api.local_state is not None:
        from fedctl.cli.options import LOCAL_STATE

        words += (
            ["--local"] if api.local_state == LOCAL_STATE else ["--local-state", api.local_state]
        )
    if api.base_url is not None and _given_on_command_line("base_url"):
        words += ["--base-url", api.base_url]
    return shlex.join(words)


def _given_on_command_line(name: str) -> bool:
    source = click.get_current_context().get_parameter_source(name)
    return source is click.core.ParameterSource.COMMANDLINE


def _save(plan: Plan, out_path: str) -> None:
    from fedctl.errors import UsageError

    try:
        plan.to_file(out_path)
    except OSError as exc:
        raise UsageError(
            f"--out {out_path}: cannot write the plan: {exc.strerror}; give a path in an "
            "existing, writable folder"
        ) from None


class _WhileReading:
    """What `plan` needs of the configuration alone, done while the live read waits.

    Lint, the policies and the imports of the output path would otherwise follow the
    last page of the read.
    """

    def __init__(self, policy_files: tuple[str, ...]) -> None:
        self.policy_files = policy_files
        self.lint_findings: list[Finding] | None = None
        self.policy_failures: list[PolicyResult] | None = None

    def failures(self, config: Config) -> list[PolicyResult]:
        """The policy failures found while reading, or found now."""
        if self.policy_failures is not None:
            return self.policy_failures
        return failed_policies(config, self.policy_files)

    def prepare(self, config: Config) -> None:
        # Imported now, used after the read.
        import fedctl.accesstest.run
        import fedctl.explain.sources
        import fedctl.render.text  # noqa: F401
        from fedctl.lint.run import lint_config

        try:
            self.lint_findings = lint_config(config)
            self.policy_failures = failed_policies(config, self.policy_files)
        except Exception:  # raised again after the plan, in its usual order
            return


def echo_lint_findings(
    config: Config, path: str, *, gate: bool, findings: list[Finding] | None = None
) -> list[Finding]:
    """Each lint finding (`findings`, or lint's of `config`), then a count; on stderr, so
    JSON/Markdown stay clean.

    `gate`: apply will refuse on an error finding, so say so.
    """
    from fedctl.lint.gate import blocking
    from fedctl.lint.render import finding_line
    from fedctl.lint.run import lint_config

    if findings is None:
        findings = lint_config(config)
    if not findings:
        return findings
    for finding in findings:
        click.echo(finding_line(finding), err=True)
    severities = [finding.severity.value for finding in findings]
    counts = ", ".join(
        f"{severities.count(level)} {level}"
        for level in ("error", "warning", "note")
        if level in severities
    )
    noun = "finding" if len(findings) == 1 else "findings"
    if gate and blocking(findings):
        advice = (
            "`fedctl apply` refuses while a lint error remains "
            "(see `fedctl lint`, or pass --allow-lint-errors)"
        )
    else:
        advice = f"run `fedctl lint {path}` for details."
    click.echo(f"lint: {len(findings)} {noun} ({counts}); {advice}", err=True)
    return findings


def render_plan(plan: Plan, output_format: str, template_path: str | None, colour: bool) -> str:
    if output_format == "json":
        from fedctl.render.json import render_json

        return render_json(plan)
    if output_format == "markdown":
        from fedctl.render.markdown import render_markdown

        return render_markdown(plan, template_path=template_path)
    from fedctl.render.text import render_text

    return render_text(plan, color=colour)
