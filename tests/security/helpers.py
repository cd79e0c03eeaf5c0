"""Shared pieces of the attack tests: run the CLI against the emulator, list its writes."""

from __future__ import annotations

from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator


def run(emulator: RunningEmulator, *args: str, stdin: str | None = None) -> Result:
    api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
    return CliRunner().invoke(cli, [*args, *api], input=stdin)


def writes(emulator: RunningEmulator) -> list[tuple[str, str]]:
    return [(method, path) for method, path in emulator.requests() if method != "GET"]
