"""Runs the emulator: uvicorn in a background thread on a loopback port, stopped cleanly.

Used by `fedctl emulator`, by `fedctl ... --local` and by the test fixtures.

    with running_emulator(workspaces=["production"]) as emulator:
        httpx.get(emulator.base_url + "/v1/organizations/me",
                  headers={"authorization": f"Bearer {emulator.admin_token}"})
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import uvicorn
from starlette.types import Scope

from fedctl.emulator.api_keys import ApiKeys, load_api_keys
from fedctl.emulator.app import build_app
from fedctl.emulator.calls import DEFAULT_ADMIN_API_KEY, EmulatorContext
from fedctl.emulator.faults import FaultConfig
from fedctl.emulator.seed import load_seed
from fedctl.emulator.store import Store

__all__ = [
    "DEFAULT_ADMIN_TOKEN",
    "DEFAULT_ORGANIZATION_ID",
    "FaultConfig",
    "RunningEmulator",
    "running_emulator",
    "start_emulator",
]

# A documented local credential, not a secret: it only opens the local emulator.
DEFAULT_ADMIN_TOKEN = "sk-ant-oat01-local-emulator-admin"  # noqa: S105
DEFAULT_ORGANIZATION_ID = "7f3c2a10-5b1e-4c8a-9d2f-0e6a1b4c8d01"
STARTUP_TIMEOUT_SECONDS = 15.0


class RunningEmulator:
    """A started emulator; `stop()` shuts it down and closes its state file."""

    def __init__(
        self,
        *,
        server: uvicorn.Server,
        thread: threading.Thread,
        context: EmulatorContext,
        base_url: str,
    ) -> None:
        self._server = server
        self._thread = thread
        self._context = context
        self.base_url = base_url
        # "" when no static admin token is accepted (only an Admin API key was given).
        self.admin_token = context.admin_token or ""
        self.admin_api_key = context.admin_api_key
        self.organization_id = context.store.organization_id
        self.store = context.store
        self.exchange_history = context.exchange.history
        # Stands in for the browser login of `ant auth login` (issue, then refresh).
        self.logins = context.exchange.logins

    def __repr__(self) -> str:  # never show the token
        return f"RunningEmulator(base_url={self.base_url!r})"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._context.store.close()

    def set_faults(self, faults: FaultConfig) -> None:
        self._context.set_faults(faults)

    def load_api_keys(
        self,
        path: str,
        *,
        bearer: Literal["accept", "refuse"] = "accept",
        org_limit: int | None = None,
        workspace_limit: int | None = None,
    ) -> None:
        """Replace the API keys with the fixture at `path` (what `--api-keys` loads)."""
        self._context.api_keys = load_api_keys(
            path, self.store, org_limit=org_limit, workspace_limit=workspace_limit
        )
        self._context.api_keys_bearer = bearer

    def set_empty_pages(self, enabled: bool) -> None:
        """What `--empty-pages` turns on: an empty page with a cursor before every page."""
        self._context.empty_pages = enabled

    def requests(self) -> list[tuple[str, str]]:
        with self._context.log_lock:
            return list(self._context.request_log)

    def reset_request_log(self) -> None:
        with self._context.log_lock:
            self._context.request_log.clear()


def start_emulator(
    *,
    state_path: str | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    admin_token: str | None = DEFAULT_ADMIN_TOKEN,
    admin_api_key: str | None = DEFAULT_ADMIN_API_KEY,
    workspaces: Sequence[str] = (),
    seed_path: str | None = None,
    faults: FaultConfig | None = None,
    organization_id: str = DEFAULT_ORGANIZATION_ID,
    organization_name: str = "Local Emulator Org",
    api_keys_path: str | None = None,
    api_keys_bearer: Literal["accept", "refuse"] = "accept",
    org_api_key_limit: int | None = None,
    workspace_api_key_limit: int | None = None,
    empty_pages: bool = False,
) -> RunningEmulator:
    """Start serving; returns once the server accepts connections (port 0 = a free port).

    `admin_token` / `admin_api_key` None: that kind of static credential is refused.
    """
    _check_can_listen(host, port)
    store = Store(state_path, organization_id=organization_id, organization_name=organization_name)
    try:
        _fill_store(store, workspaces, seed_path)
        context = EmulatorContext(
            store,
            admin_token,
            api_keys_bearer=api_keys_bearer,
            admin_api_key=admin_api_key,
            empty_pages=empty_pages,
            api_keys=_api_keys(
                store,
                api_keys_path,
                org_limit=org_api_key_limit,
                workspace_limit=workspace_api_key_limit,
            ),
        )
        context.set_faults(faults or FaultConfig())
    except BaseException:
        store.close()
        raise
    return _serve_in_thread(context, host, port)


def _serve_in_thread(context: EmulatorContext, host: str, port: int) -> RunningEmulator:
    # uvicorn binds the socket itself: a socket handed in through `sockets=` ends up
    # without TCP_NODELAY and costs ~40 ms per request (Nagle + delayed ACK).
    config = uvicorn.Config(
        build_app(context),
        host=host,
        port=port,
        log_config=None,
        log_level="error",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    server = _QuickStopServer(config)
    context.drop_connection = lambda scope: _abort_connection(server, scope)
    thread = threading.Thread(target=_serve, args=(server,), name="fedctl-emulator", daemon=True)
    thread.start()
    _wait_until_started(server, thread, context.store, f"{host}:{port}")
    bound_host, bound_port = server.servers[0].sockets[0].getsockname()[:2]
    shown_host = f"[{bound_host}]" if ":" in bound_host else bound_host
    return RunningEmulator(
        server=server, thread=thread, context=context, base_url=f"http://{shown_host}:{bound_port}"
    )


def _api_keys(
    store: Store, path: str | None, *, org_limit: int | None, workspace_limit: int | None
) -> ApiKeys:
    """The `--api-keys` fixture (none: no keys), with the configured limits (§9)."""
    if path is None:
        return ApiKeys(org_limit=org_limit, workspace_limit=workspace_limit)
    return load_api_keys(path, store, org_limit=org_limit, workspace_limit=workspace_limit)


def _fill_store(store: Store, workspaces: Sequence[str], seed_path: str | None) -> None:
    for name in workspaces:
        store.ensure_workspace(name)
    if seed_path is not None:
        load_seed(store, seed_path)


@contextmanager
def running_emulator(**kwargs: Any) -> Iterator[RunningEmulator]:
    """`start_emulator(**kwargs)`, stopped on exit."""
    emulator = start_emulator(**kwargs)
    try:
        yield emulator
    finally:
        emulator.stop()


class _QuickStopServer(uvicorn.Server):
    """uvicorn.Server polling should_exit every 10 ms instead of 100 ms: tests stop fast."""

    async def main_loop(self) -> None:
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            await asyncio.sleep(0.01)
            should_exit = await self.on_tick(counter)


def _check_can_listen(host: str, port: int) -> None:
    """Fail with one clear OSError before uvicorn would log and sys.exit in its thread."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(address)
    except (OSError, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise OSError(
            f"the emulator cannot listen on {host}:{port}: {reason}; pick another --host or --port"
        ) from None


def _serve(server: uvicorn.Server) -> None:
    # uvicorn calls sys.exit when it cannot start; _wait_until_started reports it.
    with contextlib.suppress(SystemExit):
        server.run()


def _wait_until_started(
    server: uvicorn.Server, thread: threading.Thread, store: Store, address: str
) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            store.close()
            raise OSError(f"the emulator could not start serving on {address} (port in use?)")
        time.sleep(0.005)


def _abort_connection(server: uvicorn.Server, scope: Scope) -> None:
    """Drop the client's TCP connection without a response (reset / lost-response faults)."""
    client = tuple(scope.get("client") or ())
    for connection in list(server.server_state.connections):
        if getattr(connection, "client", None) == client:
            connection.transport.abort()
