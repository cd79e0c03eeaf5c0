"""`fedctl emulator` as a user runs it: a subprocess that prints one line and stops on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from fedctl.emulator.server import DEFAULT_ADMIN_TOKEN

LINE = re.compile(r"^emulator listening on (http://127\.0\.0\.1:\d+) admin token (\S+)$")


def test_emulator_command_serves_and_stops_on_interrupt(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    state = tmp_path / "org.db"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fedctl",
            "emulator",
            "--port",
            "0",
            "--workspace",
            "production",
            "--state",
            str(state),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        match = LINE.match(line)
        assert match, line
        base_url, token = match.groups()
        assert token == DEFAULT_ADMIN_TOKEN
        listing = httpx.get(
            base_url + "/v1/organizations/workspaces",
            headers={"authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert [ws["name"] for ws in listing.json()["data"]] == ["production"]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "emulator stopped" in stderr
    assert state.exists()


def test_emulator_command_rejects_unknown_fault_kinds() -> None:
    from click.testing import CliRunner

    from fedctl.cli.main import cli

    result = CliRunner().invoke(cli, ["emulator", "--fault-kinds", "429,boom"])
    assert result.exit_code == 2
    assert "unknown fault kind 'boom'" in result.output


def test_emulator_command_that_cannot_listen_says_so_in_one_line() -> None:
    from click.testing import CliRunner

    from fedctl.cli.main import cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        in_use = CliRunner().invoke(cli, ["emulator", "--port", str(port)])
    assert (in_use.exit_code, in_use.stdout) == (1, "")
    assert in_use.stderr == (
        f"error: the emulator cannot listen on 127.0.0.1:{port}: Address already in use; "
        "pick another --host or --port\n"
    )
    # An own --admin-token: without one, a non-loopback --host is refused before listening.
    bad_host = CliRunner().invoke(
        cli, ["emulator", "--port", "0", "--host", "256.0.0.1", "--admin-token", "t"]
    )
    assert bad_host.exit_code == 1
    assert bad_host.stderr.startswith("error: the emulator cannot listen on 256.0.0.1:0: ")
    assert bad_host.stderr.count("\n") == 1


def test_emulator_command_never_prints_a_chosen_admin_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    from click.testing import CliRunner

    import fedctl.cli.emulator
    from fedctl.cli.main import cli

    class InterruptedEvent:
        def wait(self) -> None:
            raise KeyboardInterrupt

    monkeypatch.setattr(fedctl.cli.emulator, "threading", SimpleNamespace(Event=InterruptedEvent))
    secret = "sk-ant-oat01-chosen-by-the-user"
    result = CliRunner().invoke(cli, ["emulator", "--port", "0", "--admin-token", secret])
    assert result.exit_code == 0
    assert secret not in result.output
    assert re.fullmatch(
        r"emulator listening on http://127\.0\.0\.1:\d+ admin token \(the --admin-token given\)\n",
        result.stdout,
    )
