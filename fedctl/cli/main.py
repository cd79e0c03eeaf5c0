"""The `fedctl` click group and the single error boundary.

Commands are imported lazily (one module per command, `fedctl.cli.<name>.command`), so
`fedctl --help` never pays for pydantic, httpx or the emulator. Only `LazyGroup.invoke` catches
`FedctlError`: it prints the error's one line to stderr and exits with its code. An
OSError becomes one line naming the file (exit 1); any other exception is a bug and
becomes one line naming its type, never its message (exit 70). No traceback reaches a
user unless `--debug` asks for one.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import click

from fedctl import __version__

# EX_SOFTWARE (sysexits.h): an unexpected exception, i.e. a fedctl bug.
EXIT_INTERNAL_ERROR = 70

# name -> one-line help, shown without importing the command's module.
COMMANDS: dict[str, str] = {
    "init": "Write a starter configuration for one provider.",
    "fmt": "Rewrite configuration files in one canonical style, keeping comments.",
    "validate": "Check configuration files offline and report every problem.",
    "lint": "Security and hygiene findings on the configuration (text, JSON, SARIF).",
    "plan": "Compare the configuration with the live organization and show the changes.",
    "apply": "Make the live organization match the configuration (or a saved plan).",
    "show": "Show a saved plan as `fedctl plan` printed it, or one live resource.",
    "render": "Print the configuration with its templates expanded.",
    "policy": "Evaluate organization policies (CEL) on the configuration.",
    "test": "Run access tests: which tokens must (and must not) get which rule.",
    "explain": "Explain which rules would accept an identity token, and why.",
    "export": "Write the live organization as fedctl configuration.",
    "import-terraform": "Write fedctl configuration from a Terraform state or plan (JSON).",
    "snapshot": "Save the normalised live state for credential-free plans.",
    "output": "Print the IDs a workload needs per rule (env, JSON, SDK profile, CI snippets).",
    "graph": "Draw the trust graph: issuers -> rules -> service accounts -> workspaces.",
    "keys": "List static API keys and flag the ones that undermine federation.",
    "drift": "Report live changes that did not come from fedctl, with their authors.",
    "whoami": "Show the organization and the credential fedctl would use.",
    "login": "Write an SDK federation profile (any issuer) to share one token exchange.",
    "doctor": "Check, read-only, that the live API says what fedctl expects.",
    "gitops": "Decisions of the shipped GitHub Actions workflow, on recorded `gh` JSON.",
    "schema": "Write the JSON Schemas of the configuration language.",
    "emulator": "Run the local Admin API emulator.",
}


class LazyGroup(click.Group):
    """A group whose subcommands live in `fedctl.cli.<name>` and load on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _module_exists(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _module_exists(cmd_name):
            return None
        module = importlib.import_module(_module_name(cmd_name))
        command: click.Command = module.command
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, with a did-you-mean for a mistyped command (`paln` -> `plan`)."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, list(COMMANDS), n=1, cutoff=0.6)
            if close:
                ctx.fail(f"No such command {name!r}. Did you mean {close[0]!r}?")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """The error boundary: a FedctlError becomes one line on stderr and its exit code."""
        from fedctl.core.errors import FedctlError

        try:
            return super().invoke(ctx)
        except FedctlError as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            click.echo(f"error: {_escaped(exc.render())}", err=True)
            raise click.exceptions.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            raise click.exceptions.Exit(130) from None
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`fedctl validate --format json | head`): not an error
            # to report. click's standalone main silences stdout and exits 1, quietly.
            raise
        except OSError as exc:
            # The file system said no (permissions, a full disk, a missing folder): the
            # user's to fix, so one line naming the file, like any other FedctlError.
            if (ctx.obj or {}).get("debug"):
                raise
            where = f"{_escaped(str(exc.filename))}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or type(exc).__name__}", err=True)
            raise click.exceptions.Exit(1) from None
        except Exception as exc:
            # A bug, not bad input. The message is not shown: it may quote anything,
            # a token included; --debug shows the traceback to whoever asks for it.
            if (ctx.obj or {}).get("debug"):
                raise
            click.echo(
                f"error: internal error ({type(exc).__name__}); this is a fedctl bug: run the "
                "command again with --debug to see the traceback, and report it",
                err=True,
            )
            raise click.exceptions.Exit(EXIT_INTERNAL_ERROR) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _module_exists(name: str) -> bool:
    return importlib.util.find_spec(_module_name(name)) is not None


def _module_name(command_name: str) -> str:
    # A hyphenated command (`import-terraform`) lives in an underscored module.
    return f"fedctl.cli.{command_name.replace('-', '_')}"


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fedctl")
@click.option("--debug", is_flag=True, help="Show Python tracebacks (may include URLs).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Anthropic Workload Identity Federation as code."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `fedctl` console script."""
    _tune_gc()
    cli.main(args=argv, prog_name="fedctl")


def _tune_gc() -> None:
    """Collect young objects every 100,000 allocations instead of every 700.

    A run builds large, long-lived, acyclic structures (parsed YAML with locations,
    models, live state); with the default thresholds the cycle collector rescans them
    over and over: ~0.5 s of a 5,000-resource plan's 2.4 s CPU. Cyclic garbage is still
    collected, just in larger batches (peak memory +~15 MB at that size).
    """
    import gc

    gc.set_threshold(100_000, 50, 100)


def _escaped(text: str) -> str:
    """Each line of an error with its control characters shown, not obeyed: messages
    quote configuration values and server text."""
    from fedctl.core.escape import escape_terminal

    return "\n".join(escape_terminal(line) for line in text.split("\n"))
