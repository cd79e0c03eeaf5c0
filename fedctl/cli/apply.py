"""`fedctl apply [PATH|PLANFILE]`: plan (or load a saved plan), show, confirm, apply, verify.

PATH is a configuration file or folder, as for `fedctl plan`. Any other file is a saved
plan (`fedctl plan --out FILE`), applied with `--config PATH`: a plan file is untrusted
input, so apply never loads the folder it names. Give the same `--var`/`--var-file` and
the same options the plan was made with (--prune, --target, --allow-large-changes, ...):
they come from apply's command line, never from the file, and apply refuses when they
differ. A saved plan is applied only while the configuration and the live organization
are exactly what the reviewer saw.

Before the first write, apply runs the gate (fedctl.apply.gate): protection, policies,
lint and the safety limits, the same checks `fedctl plan` runs and shows.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fedctl.cli.guards import guards_from_option
from fedctl.cli.options import (
    ApiSettings,
    api_options,
    config_options,
    gate_options,
    plan_options,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from fedctl.api.client import AdminClient
    from fedctl.apply.executor import ApplyResult, StepOutcome
    from fedctl.config import Config
    from fedctl.core.state import LiveState
    from fedctl.guards.effective import GuardInputs
    from fedctl.live.snapshot import Snapshot
    from fedctl.pipeline import GateChecks
    from fedctl.plan.plan import Plan, PlanOptions
    from fedctl.plan.refusals import Overrides


@click.command(
    "apply",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl apply federation/\n"
        "  fedctl apply plan.json --config federation/\n"
        "  fedctl apply federation/ --auto-approve --snapshot snapshot.json"
    ),
)
@config_options
@api_options
@plan_options
@gate_options
@click.option("--auto-approve", is_flag=True, help="Apply without asking (for CI).")
@click.option(
    "--config",
    "config_path",
    default=None,
    type=click.Path(),
    help="With a saved PLANFILE (required): the configuration to check it against; a plan "
    "file's own path is never loaded.",
)
@click.option("--no-color", is_flag=True, help="No colour in the text output (also NO_COLOR).")
@click.option(
    "--policy",
    "policy_files",
    multiple=True,
    metavar="FILE",
    help="An organization policy file (repeatable), with settings.policy_files, as for "
    "`fedctl plan`; a failing deny policy stops apply before any write.",
)
@click.option(
    "--snapshot",
    "snapshot_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="The snapshot the change was reviewed against (`plan --snapshot`); apply refuses "
    "when live state moved away from it in the resources the plan touches.",
)
@guards_from_option
def command(
    path: str,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
    api: ApiSettings,
    options: PlanOptions,
    overrides: Overrides,
    auto_approve: bool,
    config_path: str | None,
    no_color: bool,
    snapshot_path: str | None,
    policy_files: tuple[str, ...],
    guards_from: str | None,
) -> None:
    """Make the live organization match the configuration at PATH, or apply a PLANFILE."""
    from fedctl.cli.plan import use_colour

    saved = _is_saved_plan(Path(path))
    _check_usage(saved=saved, plan_path=path, config_path=config_path)
    guards = _guards(path, saved, config_path, snapshot_path, guards_from, variables, var_files)
    with api.open(read_only=False) as client:
        run = _ApplyRun(
            client=client,
            variables=variables,
            var_files=var_files,
            color=use_colour(no_color),
            parallelism=api.parallelism,
            auto_approve=auto_approve,
            overrides=overrides,
            policy_files=policy_files,
            guards=guards,
        )
        if saved and config_path is not None:
            run.apply_saved(
                Path(path),
                Path(config_path),
                options,
                snapshot_path=Path(snapshot_path) if snapshot_path else None,
            )
        else:
            run.apply_config(
                path, options, snapshot_path=Path(snapshot_path) if snapshot_path else None
            )


def _guards(
    path: str,
    saved: bool,
    config_path: str | None,
    snapshot_path: str | None,
    guards_from: str | None,
    variables: tuple[str, ...],
    var_files: tuple[str, ...],
) -> GuardInputs:
    """The trusted guards: the snapshot's record and --guards-from, read before any write."""
    from fedctl.cli.guards import guard_inputs

    snapshot = None
    if snapshot_path is not None:
        from fedctl.live.snapshot import read_snapshot

        snapshot = read_snapshot(Path(snapshot_path))
    # A saved plan is applied with --config (never the folder the file names).
    where = config_path if saved and config_path is not None else path
    return guard_inputs(
        where, guards_from=guards_from, variables=variables, var_files=var_files, snapshot=snapshot
    )


def _is_saved_plan(path: Path) -> bool:
    from fedctl.config.discover import is_config_file

    return path.is_file() and not is_config_file(path)


def _check_usage(*, saved: bool, plan_path: str, config_path: str | None) -> None:
    from fedctl.core.errors import UsageError

    if saved and config_path is None:
        # NOTE: the plan file is untrusted; the folder it names could be any on disk.
        raise UsageError(
            f"apply {plan_path} needs the configuration on its command line: pass --config "
            "PATH (the folder the plan was made from); apply never loads the folder a plan "
            "file names"
        )
    if not saved and config_path is not None:
        raise UsageError("--config goes with a saved PLANFILE; give the configuration as PATH")


def stdin_is_interactive() -> bool:
    """Whether a person can answer the question (a seam for tests)."""
    return sys.stdin.isatty()


def stdout_is_terminal() -> bool:
    """Whether to draw the progress bar (a seam for tests)."""
    return sys.stdout.isatty()


@dataclass
class _ApplyRun:
    """One apply: the client, the person's answers, and the flags that govern the run."""

    client: AdminClient
    variables: tuple[str, ...]
    var_files: tuple[str, ...]
    color: bool
    parallelism: int
    auto_approve: bool
    overrides: Overrides
    policy_files: tuple[str, ...] = ()
    guards: GuardInputs | None = None

    def apply_config(self, path: str, options: PlanOptions, *, snapshot_path: Path | None) -> None:
        snapshot = None
        if snapshot_path is not None:
            from fedctl.live.snapshot import read_snapshot

            snapshot = read_snapshot(snapshot_path)
        plan, live, config = self._plan(path, options, checks=self._checks(snapshot))
        if snapshot is not None:
            # The pull request was reviewed against this snapshot; what is applied
            # must start from the same live resources, or nobody reviewed it.
            from fedctl.live.snapshot import check_live_matches_snapshot, touched_addresses

            check_live_matches_snapshot(snapshot, live, touched_addresses(plan))
        self._echo_lint(plan, path)
        self._apply(
            plan,
            live,
            config,
            replan=lambda: self._plan(path, options, checks=None)[0],
            whole=not options.targets,
        )

    def apply_saved(
        self,
        plan_file: Path,
        config_path: Path,
        options: PlanOptions,
        *,
        snapshot_path: Path | None = None,
    ) -> None:
        from fedctl.pipeline import plan_from_saved

        plan, live, config = plan_from_saved(
            plan_file,
            config_path,
            client=self.client,
            options=options,
            checks=self._checks(None),
            variables=self.variables,
            var_files=self.var_files,
            guards=self.guards,
            snapshot_path=snapshot_path,
        )
        self._echo_lint(plan, str(config_path))
        self._apply(
            plan,
            live,
            config,
            replan=lambda: self._plan(str(config_path), options, checks=None)[0],
            whole=False,
        )

    def _checks(self, snapshot: Snapshot | None) -> GateChecks:
        """The gate `plan` runs, with apply's overrides and policy files."""
        from fedctl.pipeline import GateChecks

        return GateChecks(
            overrides=self.overrides, policy_files=self.policy_files, snapshot=snapshot
        )

    def _echo_lint(self, plan: Plan, path: str) -> None:
        from fedctl.cli.plan import echo_lint_findings

        echo_lint_findings(plan, path, overridden=self.overrides.allow_lint_errors)

    def _plan(
        self, path: str, options: PlanOptions, *, checks: GateChecks | None
    ) -> tuple[Plan, LiveState, Config]:
        from fedctl.pipeline import plan_from_config

        return plan_from_config(
            path,
            variables=self.variables,
            var_files=self.var_files,
            client=self.client,
            options=options,
            guards=self.guards,
            checks=checks,
        )

    def _apply(
        self,
        plan: Plan,
        live: LiveState,
        config: Config,
        *,
        replan: Callable[[], Plan],
        whole: bool,
    ) -> None:
        """Show the plan (the sections `plan` shows), stop on a refusal, then `apply_plan`:
        question, guard, writes, read-back."""
        from fedctl.cli.formats import echo
        from fedctl.cli.plan import stop_if_refused

        echo("plan", "text", plan, color=self.color)
        stop_if_refused(plan)
        if plan.is_empty():
            return
        progress = _Progress(total=len(plan.steps), color=self.color, bar=stdout_is_terminal())
        with _explain_interruption(progress):
            result = self._execute(plan, live, config, replan, whole, progress)
        from fedctl.apply.run import resource_counts

        click.echo(result.render_summary(resource_counts(plan)))
        click.echo(
            "The live organization matches the configuration."
            if whole
            else "The resources this plan changed match the configuration."
        )

    def _execute(
        self,
        plan: Plan,
        live: LiveState,
        config: Config,
        replan: Callable[[], Plan],
        whole: bool,
        progress: _Progress,
    ) -> ApplyResult:
        from fedctl.apply.run import ApplyOptions, apply_plan

        return apply_plan(
            self.client,
            plan,
            live,
            config,
            replan=replan,
            options=ApplyOptions(parallelism=self.parallelism, whole=whole),
            approve=self._confirm,
            on_finished=progress.report,
            on_done=progress.close,
        )

    def _confirm(self) -> None:
        from fedctl.core.errors import UsageError

        if self.auto_approve:
            return
        if not stdin_is_interactive():
            raise UsageError(
                "refusing to apply without confirmation: stdin is not a terminal; nothing "
                "was changed; review the plan above and re-run with --auto-approve"
            )
        answer = click.prompt(
            "Apply these changes? Only 'yes' is accepted", default="", show_default=False
        )
        if answer.strip() != "yes":
            raise UsageError("apply cancelled; nothing was changed")


@contextlib.contextmanager
def _explain_interruption(progress: _Progress) -> Iterator[None]:
    """Ctrl-C mid-apply: say what stays done and how to continue (the executor has already
    let the running writes finish and started nothing new)."""
    try:
        yield
    except KeyboardInterrupt:
        progress.close()
        click.echo(
            f"Interrupted: the {progress.done} step(s) reported done above stay done, and "
            "steps already sent were let finish; run `fedctl plan` to see what is left, then "
            "`fedctl apply` again",
            err=True,
        )
        raise click.exceptions.Exit(130) from None


class _Progress:
    """One line per finished step; on a terminal, a one-line bar kept below them."""

    def __init__(self, *, total: int, color: bool, bar: bool) -> None:
        self.total = total
        self.finished = 0
        self.done = 0
        self.color = color
        self.bar = bar

    def report(self, outcome: StepOutcome) -> None:
        from fedctl.apply.executor import StepStatus

        self.finished += 1
        self.done += outcome.status is StepStatus.DONE
        colors = {StepStatus.DONE: "green", StepStatus.FAILED: "red", StepStatus.SKIPPED: "yellow"}
        from fedctl.core.escape import escape_terminal

        line = "\n".join(escape_terminal(part) for part in outcome.render().split("\n"))
        if self.color:
            line = click.style(line, fg=colors[outcome.status])
        if self.bar:
            click.echo("\r\x1b[K", nl=False)
        click.echo(line)
        if self.bar:
            click.echo(self._bar(), nl=False)

    def _bar(self) -> str:
        width = 30
        filled = width * self.finished // max(1, self.total)
        return f"[{'#' * filled}{'.' * (width - filled)}] {self.finished}/{self.total}"

    def close(self) -> None:
        if self.bar:
            click.echo("\r\x1b[K", nl=False)
