"""`fedctl emulator`: serve the local Admin API emulator until Ctrl-C."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from fedctl.emulator.faults import FaultConfig


@click.command(
    "emulator",
    epilog=(
        "Examples:\n\n\b\n"
        "  fedctl emulator --workspace production --workspace staging\n"
        "  fedctl emulator --state org.db --seed console.yaml"
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8787,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0 picks a free one).",
)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="SQLite state file (default: in memory, lost on exit).",
)
@click.option(
    "--admin-token",
    default=None,
    metavar="TOKEN",
    help="Bearer token acting as an org:admin user [default: the documented local token]. "
    "Giving it (or --admin-api-key) turns both documented credentials off.",
)
@click.option(
    "--admin-api-key",
    default=None,
    metavar="KEY",
    help="Admin API key (sk-ant-admin01-...) accepted on /v1/organizations/me, the "
    "workspace and the API-key endpoints [default: the documented local key]. Giving it "
    "(or --admin-token) turns both documented credentials off.",
)
@click.option(
    "--workspace",
    "workspaces",
    multiple=True,
    metavar="NAME",
    help="Seed a workspace besides 'default' (repeatable, idempotent).",
)
@click.option(
    "--latency-ms",
    default=0,
    show_default=True,
    type=click.IntRange(0),
    help="Delay added to every response.",
)
@click.option(
    "--fault-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0.0, 1.0),
    help="Probability that a /v1 request gets an injected fault.",
)
@click.option(
    "--fault-kinds",
    default="",
    metavar="LIST",
    help="Comma-separated: 429,500,503,529,409,reset,lost-response,stale-read.",
)
@click.option(
    "--fault-seed",
    default=0,
    show_default=True,
    type=int,
    help="Seed of the deterministic fault sequence.",
)
@click.option(
    "--read-lag-ms",
    default=1000,
    show_default=True,
    type=click.IntRange(0),
    help="How long after a write stale-read faults may serve the old version.",
)
@click.option(
    "--seed",
    "seed_path",
    type=click.Path(exists=True),
    default=None,
    help="fedctl YAML describing Console-made resources to create at start-up.",
)
@click.option(
    "--api-keys",
    "api_keys_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="JSON list of APIKey objects (wire shape; missing id, created_at and hint are made "
    "up; workspace: NAME and principal_service_account: NAME allowed).",
)
@click.option(
    "--api-keys-bearer",
    type=click.Choice(["accept", "refuse"]),
    default="accept",
    show_default=True,
    help="refuse: the API-key endpoints answer 401 to bearer tokens and take only the "
    "emulator's Admin API key.",
)
@click.option(
    "--org-api-key-limit",
    type=click.IntRange(0),
    default=None,
    metavar="N",
    help="Refuse to make a key active when N keys are already active in the organization "
    "(400 org_api_key_limit_exceeded).",
)
@click.option(
    "--workspace-api-key-limit",
    type=click.IntRange(0),
    default=None,
    metavar="N",
    help="Refuse to make a key active when N keys are already active in its workspace "
    "(400 workspace_api_key_limit_exceeded).",
)
@click.option(
    "--empty-pages",
    is_flag=True,
    help="Serve an empty page carrying a cursor before every page of the opaque-cursor "
    "lists (clients must keep paging, as the SDKs do).",
)
def command(
    host: str,
    port: int,
    state_path: str | None,
    admin_token: str | None,
    workspaces: tuple[str, ...],
    latency_ms: int,
    fault_rate: float,
    fault_kinds: str,
    fault_seed: int,
    read_lag_ms: int,
    seed_path: str | None,
    api_keys_path: str | None,
    api_keys_bearer: str,
    admin_api_key: str | None,
    org_api_key_limit: int | None,
    workspace_api_key_limit: int | None,
    empty_pages: bool,
) -> None:
    """Run the local Admin API emulator (WIF endpoints) until interrupted."""
    from fedctl.core.errors import UsageError
    from fedctl.emulator.db import EmulatorStateError
    from fedctl.emulator.seed import SeedError
    from fedctl.emulator.server import start_emulator

    faults = _faults(fault_rate, fault_kinds, fault_seed, read_lag_ms, latency_ms)
    token, api_key = _credentials(host, admin_token, admin_api_key)
    try:
        running = start_emulator(
            state_path=state_path,
            host=host,
            port=port,
            admin_token=token,
            admin_api_key=api_key,
            workspaces=workspaces,
            seed_path=seed_path,
            faults=faults,
            api_keys_path=api_keys_path,
            api_keys_bearer="refuse" if api_keys_bearer == "refuse" else "accept",
            org_api_key_limit=org_api_key_limit,
            workspace_api_key_limit=workspace_api_key_limit,
            empty_pages=empty_pages,
        )
    except (SeedError, EmulatorStateError, OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    click.echo(f"emulator listening on {running.base_url} admin token {_shown(token)}")
    _serve_until_interrupted(running.stop)


def _shown(token: str | None) -> str:
    """The one line a user (or a script) waits for names only the documented local token:
    one the user chose may be a real secret, and this line lands in CI logs."""
    from fedctl.emulator.server import DEFAULT_ADMIN_TOKEN

    if token is None:
        return "(none: only the --admin-api-key given)"
    return token if token == DEFAULT_ADMIN_TOKEN else "(the --admin-token given)"


def _credentials(
    host: str, admin_token: str | None, admin_api_key: str | None
) -> tuple[str | None, str | None]:
    """The credentials to accept: the documented pair, or exactly the ones given.

    An explicit credential replaces both documented ones (a well-known Admin API key left
    working beside a chosen token would still open the API-key endpoints to anyone). A
    non-loopback bind needs at least one explicit, non-default credential.
    """
    from fedctl.core.errors import UsageError
    from fedctl.emulator.calls import DEFAULT_ADMIN_API_KEY
    from fedctl.emulator.server import DEFAULT_ADMIN_TOKEN

    for option, value in (("--admin-token", admin_token), ("--admin-api-key", admin_api_key)):
        if value is not None and not value.strip():
            raise UsageError(f"{option} must not be empty; leave it out to use the local default")
    if admin_api_key is not None and not admin_api_key.startswith("sk-ant-admin01-"):
        raise UsageError("--admin-api-key must start with sk-ant-admin01- (an Admin API key)")
    if admin_token is not None and admin_token.startswith("sk-ant-admin01-"):
        raise UsageError(
            "--admin-token takes a bearer token; give an Admin API key as --admin-api-key"
        )
    loopback = _is_loopback(host)
    if admin_token is None and admin_api_key is None:
        if not loopback:
            raise UsageError(
                f"--host {host} would let anyone who can reach this machine administer the "
                "emulator with its well-known admin token; give --admin-token, or listen on "
                "127.0.0.1"
            )
        return DEFAULT_ADMIN_TOKEN, DEFAULT_ADMIN_API_KEY
    if not loopback and (
        admin_token == DEFAULT_ADMIN_TOKEN or admin_api_key == DEFAULT_ADMIN_API_KEY
    ):
        raise UsageError(
            f"--host {host}: the documented local credentials are public knowledge; choose "
            "your own --admin-token / --admin-api-key, or listen on 127.0.0.1"
        )
    return admin_token, admin_api_key


def _faults(rate: float, kinds: str, seed: int, read_lag_ms: int, latency_ms: int) -> FaultConfig:
    from fedctl.emulator.faults import FaultConfig, parse_kinds

    try:
        return FaultConfig(
            rate=rate,
            kinds=parse_kinds(kinds),
            seed=seed,
            read_lag_ms=read_lag_ms,
            latency_ms=latency_ms,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fault-kinds") from None


def _serve_until_interrupted(stop: Callable[[], None]) -> None:
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    click.echo("emulator stopped", err=True)


def _is_loopback(host: str) -> bool:
    """Whether only this machine can connect (the default token is public knowledge)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
