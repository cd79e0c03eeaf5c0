"""Options shared by several commands, as decorators, so every command spells them alike."""

from __future__ import annotations

import contextlib
import functools
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from fedctl.api.client import AdminClient

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ApiSettings:
    """The shared API options of a command, handed to it as one `api` argument.

    with api.open(read_only=True) as client:
        live = read_live(client)
    """

    base_url: str | None
    auth_token: str | None = None
    parallelism: int = 8
    local_state: str | None = None
    timeout: float = 120.0
    local_workspaces: tuple[str, ...] = ()

    def __repr__(self) -> str:
        # A token given with --auth-token must not reach a log through a repr.
        token = "<set>" if self.auth_token else None
        return (
            f"ApiSettings(base_url={self.base_url!r}, auth_token={token}, "
            f"parallelism={self.parallelism}, local_state={self.local_state!r}, "
            f"timeout={self.timeout})"
        )

    def open(self, *, read_only: bool) -> AbstractContextManager[AdminClient]:
        if read_only:
            with _OPENED_LOCK:
                ahead = _OPENED.pop((threading.get_ident(), self), None)
            if ahead is not None:  # opened, and closed, by fedctl.cli.read_ahead
                return contextlib.nullcontext(ahead)
        from fedctl.api.connect import Limits, open_client

        if self.local_state is not None:
            from fedctl.cli.local import open_local_client

            limits = Limits(parallelism=self.parallelism, read_only=read_only, timeout=self.timeout)
            return open_local_client(self.local_state, self.local_workspaces, limits)
        return open_client(
            base_url=self.base_url,
            auth_token=self.auth_token,
            parallelism=self.parallelism,
            read_only=read_only,
            timeout=self.timeout,
        )


# Read-only clients opened ahead of a command's body (fedctl.cli.read_ahead), by the
# thread the command runs in and the settings that opened them; `ApiSettings.open`
# hands each out once, and only to that command (two commands in two threads with the
# same settings each get their own).
_OPENED: dict[tuple[int, ApiSettings], AdminClient] = {}
_OPENED_LOCK = threading.Lock()


@contextlib.contextmanager
def opened_ahead(settings: ApiSettings, client: AdminClient) -> Iterator[None]:
    """While inside, `settings.open(read_only=True)` gives `client` (the caller closes it)."""
    key = (threading.get_ident(), settings)
    with _OPENED_LOCK:
        _OPENED[key] = client
    try:
        yield
    finally:
        with _OPENED_LOCK:
            _OPENED.pop(key, None)


def _finite_seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    # FloatRange lets nan and inf through; neither bounds anything.
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number of seconds.")
    return value


LOCAL_STATE = ".fedctl/local.db"
# A state path with one of these endings is a configuration file typed in the wrong place:
# the emulator would turn it into SQLite and every later run would fail to read it.
_CONFIG_SUFFIXES = (".yaml", ".yml", ".j2")


def _local_options(func: F) -> F:
    # --local is a plain flag: an optional value would swallow the PATH that follows it.
    func = click.option(
        "--local-workspace",
        "local_workspaces",
        multiple=True,
        metavar="NAME",
        help="A workspace of the bundled emulator (repeatable; implies --local) "
        "[default: production and staging].",
    )(func)
    func = click.option(
        "--local-state",
        "local_state",
        default=None,
        type=click.Path(),
        metavar="FILE",
        help=f"The bundled emulator's state file (implies --local) [default: {LOCAL_STATE}].",
    )(func)
    func = click.option(
        "--local",
        "local",
        is_flag=True,
        help=f"Run against the bundled emulator in-process (state in {LOCAL_STATE}).",
    )(func)
    return func


def _local_state(*, local: bool, state: str | None, workspaces: tuple[str, ...]) -> str | None:
    """The emulator's state path when the command runs locally, else None."""
    from fedctl.core.errors import UsageError

    if not (local or state is not None or workspaces):
        return None
    if state is None:
        return LOCAL_STATE
    advice = f"give a path such as {LOCAL_STATE}"
    if state.lower().endswith(_CONFIG_SUFFIXES):
        raise UsageError(
            f"--local-state {state}: names a configuration file, not the emulator's state; {advice}"
        )
    if Path(state).is_dir():
        raise UsageError(f"--local-state {state}: is a folder, not the emulator's state; {advice}")
    return state


def config_options(func: F) -> F:
    """PATH (file or directory; default federation/, see `default_path`) plus --var /
    --var-file for `.j2` templates."""
    return _config_options(func, callback=_default_path)


def config_options_path_optional(func: F) -> F:
    """As `config_options`, but PATH stays None when not given: for a command that may
    not read the configuration at all (`explain --live`); it calls `default_path` itself."""
    return _config_options(func, callback=None)


def _config_options(func: F, *, callback: Callable[..., Any] | None) -> F:
    func = _with_json_variables(func)
    func = click.option(
        "--var-json",
        "json_variables",
        multiple=True,
        metavar="KEY=JSON",
        help="A typed template variable (a list, number, mapping...); --var values stay strings.",
    )(func)
    func = click.option(
        "--var-file",
        "var_files",
        multiple=True,
        type=click.Path(dir_okay=False),
        help="YAML mapping of template variables (repeatable).",
    )(func)
    func = click.option(
        "--var",
        "variables",
        multiple=True,
        metavar="KEY=VALUE",
        help="Template variable (repeatable; wins over --var-file).",
    )(func)
    func = click.argument(
        "path", required=False, default=None, type=click.Path(), callback=callback
    )(func)
    return func


def _with_json_variables(func: F) -> F:
    """The command gets --var-json pairs among its `variables` (marked, see
    fedctl.config.templating), so every command that takes --var takes --var-json too
    without a parameter of its own."""

    @functools.wraps(func)
    def wrapper(*args: Any, json_variables: tuple[str, ...] = (), **kwargs: Any) -> Any:
        if json_variables:
            # Only here: fedctl.config imports the configuration models, which would
            # otherwise delay a plan's first request.
            from fedctl.config.templating import mark_json_variable

            marked = tuple(mark_json_variable(pair) for pair in json_variables)
            kwargs["variables"] = (*kwargs.get("variables", ()), *marked)
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _default_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """PATH when not given: `federation/`, else the folder `.fedctl-config` names."""
    if value is not None:
        return value
    from fedctl.config.discover import default_path

    return default_path()


def api_options(func: F) -> F:
    """Where the Admin API is and how to authenticate to it, passed as `api: ApiSettings`."""

    command = func

    @functools.wraps(command)
    def with_settings(
        *args: Any,
        base_url: str | None,
        auth_token: str | None,
        parallelism: int,
        local: bool,
        local_state: str | None,
        local_workspaces: tuple[str, ...],
        timeout: float,
        **kwargs: Any,
    ) -> Any:
        state = _local_state(local=local, state=local_state, workspaces=local_workspaces)
        api = ApiSettings(
            base_url,
            auth_token,
            parallelism,
            state,
            timeout,
            local_workspaces=local_workspaces,
        )
        return command(*args, api=api, **kwargs)

    func = with_settings  # type: ignore[assignment]
    return _api_flags(_local_options(func))


def _api_flags(func: F) -> F:
    func = click.option(
        "--timeout",
        default=120.0,
        show_default=True,
        envvar="FEDCTL_TIMEOUT",
        type=click.FloatRange(min=0, min_open=True),
        callback=_finite_seconds,
        metavar="SECONDS",
        help="Give up on an API call after this long, retries included; each attempt waits "
        "at most 5 s to connect and 30 s for an answer [env FEDCTL_TIMEOUT].",
    )(func)
    func = click.option(
        "--parallelism",
        default=8,
        show_default=True,
        type=click.IntRange(1, 64),
        help="Concurrent API requests.",
    )(func)
    func = click.option(
        "--auth-token",
        default=None,
        metavar="TOKEN",
        help="org:admin bearer token [env ANTHROPIC_AUTH_TOKEN]. Prefer the variable.",
    )(func)
    func = click.option(
        "--base-url",
        envvar="ANTHROPIC_BASE_URL",
        default=None,
        metavar="URL",
        help="Admin API base URL [env ANTHROPIC_BASE_URL; default https://api.anthropic.com].",
    )(func)
    return func


def plan_options(func: F) -> F:
    """The options that shape a plan, passed as one `options: PlanOptions` argument."""
    command = func

    @functools.wraps(command)
    def with_options(
        *args: Any,
        prune: bool | None,
        targets: tuple[str, ...],
        recreate_archived: bool,
        allow_self_lockout: bool,
        **kwargs: Any,
    ) -> Any:
        from fedctl.plan.options import PlanOptions

        options = PlanOptions(
            prune=prune,
            targets=targets,
            recreate_archived=recreate_archived,
            allow_self_lockout=allow_self_lockout,
        )
        return command(*args, options=options, **kwargs)

    func = with_options  # type: ignore[assignment]
    func = click.option(
        "--allow-self-lockout",
        is_flag=True,
        help="Allow changes to the rule, issuer or service account fedctl authenticates through.",
    )(func)
    func = click.option(
        "--recreate-archived",
        is_flag=True,
        help="Create again declared resources whose only live copy is archived.",
    )(func)
    func = click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="KIND/NAME",
        help="Plan only this resource and what it needs (repeatable).",
    )(func)
    func = click.option(
        "--prune/--no-prune",
        default=None,
        help="Archive live resources no file declares (except protected, unmanaged and "
        "Console-managed ones), or with --no-prune leave them alone, for this run "
        "[default: settings.prune, which is true].",
    )(func)
    return func


def gate_options(func: F) -> F:
    """The overrides of the gate's checks (fedctl.apply.gate), the same on `plan` and
    `apply`, passed as one `overrides: Overrides` argument."""
    command = func

    @functools.wraps(command)
    def with_overrides(
        *args: Any, allow_large_changes: bool, allow_lint_errors: bool, **kwargs: Any
    ) -> Any:
        from fedctl.plan.refusals import Overrides

        overrides = Overrides(
            allow_large_changes=allow_large_changes, allow_lint_errors=allow_lint_errors
        )
        return command(*args, overrides=overrides, **kwargs)

    func = with_overrides  # type: ignore[assignment]
    func = click.option(
        "--allow-lint-errors",
        is_flag=True,
        help="Go on although lint rates part of the configuration an error "
        "(see settings.lint.block_apply); give it to plan and apply alike.",
    )(func)
    func = click.option(
        "--allow-large-changes",
        is_flag=True,
        help="Go on past settings.max_archives / max_changes_percent / "
        "max_key_deactivations; give it to plan and apply alike.",
    )(func)
    return func


def format_option(document: str, *, help: str = "Output format.") -> Callable[[F], F]:
    """`--format` with the formats `document` registers (fedctl.cli.formats), the
    first the default; every command that prints a document declares it so."""
    from fedctl.cli.formats import formats

    choices = formats(document)
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help,
    )
