"""`fedctl plan`'s first Admin API requests, sent before the command's heavy imports.

Once click has parsed the command line it calls the command through its option wrappers,
which build pydantic models (PlanOptions, Overrides), and the command imports the
configuration, the guards, lint and the planner: about 0.2 s before its first request.
`ReadAheadCommand` starts the live read as soon as the options are parsed instead: it
opens the read-only client the command would open (the same `ApiSettings`), starts the
read on it (fedctl.live.requests), and hands that client to the command's own
`api.open(read_only=True)`; the pipeline then takes the read over.

What the command does and reports stays the same:
- no read ahead with --snapshot or --local: there is no network to wait on;
- when the client cannot be opened (no credential, a refused base URL), the read-ahead
  is dropped without a word and the command fails where it always did, with its error;
- only GETs, on a read-only client. A command that stops before it reads (a usage or
  configuration error) leaves them unread, and the client is closed when it ends; by
  then the credential may have been exchanged (and its token cached) as the read would
  have done, which before happened only once the configuration had loaded.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import click

from fedctl.cli.options import ApiSettings, opened_ahead

if TYPE_CHECKING:
    from fedctl.api.client import AdminClient
    from fedctl.core.state import LiveState
    from fedctl.live.requests import LiveReads


class ReadAheadCommand(click.Command):
    """A command whose live read starts before its body runs (see the module docstring)."""

    def invoke(self, ctx: click.Context) -> Any:
        settings = http_settings(ctx.params)
        with contextlib.ExitStack() as stack:
            client = _opened_quietly(stack, settings) if settings is not None else None
            if client is None or settings is None:
                return super().invoke(ctx)
            from fedctl.live.requests import start_read

            start_read(client, _read_live)
            with opened_ahead(settings, client):
                return super().invoke(ctx)


def http_settings(params: dict[str, Any]) -> ApiSettings | None:
    """The ApiSettings `api_options` will build, when the command reads over HTTP."""
    if params.get("snapshot_path") is not None:
        return None
    if params.get("local") or params.get("local_state") is not None:
        return None
    if params.get("local_workspaces"):
        return None
    return ApiSettings(
        params.get("base_url"),
        params.get("auth_token"),
        params.get("parallelism", 8),
        None,
        params.get("timeout", 120.0),
    )


def _read_live(client: AdminClient, reads: LiveReads) -> LiveState:
    from fedctl.live.read import read_live  # the models: imported once the requests are out

    return read_live(client, started=reads)


def _opened_quietly(stack: contextlib.ExitStack, settings: ApiSettings) -> AdminClient | None:
    try:
        return stack.enter_context(settings.open(read_only=True))
    except Exception:  # the command opens it again and reports the error itself
        return None
