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
    help="Bearer token acting as an org:admin user [default: the documented local token].",
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
) -> None:
    """Run the local Admin API emulator (WIF endpoints) until interrupted."""
    from fedctl.emulator.db import EmulatorStateError
    from fedctl.emulator.seed import SeedError
    from fedctl.emulator.server import DEFAULT_ADMIN_TOKEN, start_emulator
    from fedctl.errors import UsageError

    faults = _faults(fault_rate, fault_kinds, fault_seed, read_lag_ms, latency_ms)
    token = admin_token or DEFAULT_ADMIN_TOKEN
    if admin_token is None and not _is_loopback(host):
        raise UsageError(
            f"--host {host} would let anyone who can reach this machine administer the "
            "emulator with its well-known admin token; give --admin-token, or listen on "
            "127.0.0.1"
        )
    try:
        running = start_emulator(
            state_path=state_path,
            host=host,
            port=port,
            admin_token=token,
            workspaces=workspaces,
            seed_path=seed_path,
            faults=faults,
            api_keys_path=api_keys_path,
            api_keys_bearer="refuse" if api_keys_bearer == "refuse" else "accept",
        )
    except (SeedError, EmulatorStateError, OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    # The one line a user (or a script) waits for. Only the documented local token is
    # shown: one the user chose may be a real secret, and this line lands in CI logs.
    shown = token if token == DEFAULT_ADMIN_TOKEN else "(the --admin-token given)"
    click.echo(f"emulator listening on {running.base_url} admin token {shown}")
    _serve_until_interrupted(running.stop)


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
