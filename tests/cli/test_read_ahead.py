"""`fedctl plan` starts its live read before its body runs (fedctl.cli.read_ahead) without
changing what it sends or says: the same requests, the same errors, its own client."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

import fedctl.cli.read_ahead
import fedctl.live.requests
from fedctl.cli.main import cli
from fedctl.cli.options import ApiSettings, opened_ahead
from fedctl.emulator.server import RunningEmulator

QUICKSTART = Path(__file__).parents[2] / "examples" / "quickstart"


def _plan(emulator: RunningEmulator) -> tuple[int, str, int]:
    emulator.reset_request_log()
    env = {"ANTHROPIC_BASE_URL": emulator.base_url, "ANTHROPIC_AUTH_TOKEN": emulator.admin_token}
    result = CliRunner().invoke(cli, ["plan", str(QUICKSTART)], env=env)
    return result.exit_code, result.stdout, len(emulator.requests())


def test_the_read_ahead_is_the_read_the_plan_uses(
    emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = []
    start_read = fedctl.live.requests.start_read

    def recording(client: object, finish: object) -> object:
        started.append(client)
        return start_read(client, finish)  # type: ignore[arg-type]

    monkeypatch.setattr(fedctl.live.requests, "start_read", recording)
    ahead = _plan(emulator)
    assert len(started) == 1

    monkeypatch.setattr(fedctl.cli.read_ahead, "http_settings", lambda params: None)
    without = _plan(emulator)
    assert len(started) == 1
    assert ahead == without  # same exit, output and number of requests: nothing read twice


def test_without_a_credential_the_error_is_the_plans_own() -> None:
    result = CliRunner().invoke(cli, ["plan", str(QUICKSTART)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no credential found")


def test_a_client_opened_ahead_goes_to_its_own_command_only() -> None:
    settings = ApiSettings("http://127.0.0.1:9", "sk-ant-oat01-test")
    opened = object()
    elsewhere: list[object] = []

    def other_command() -> None:
        with settings.open(read_only=True) as client:
            elsewhere.append(client)

    with opened_ahead(settings, opened):  # type: ignore[arg-type]
        thread = threading.Thread(target=other_command)
        thread.start()
        thread.join()
        with settings.open(read_only=True) as client:
            assert client is opened
        with settings.open(read_only=True) as again:  # handed out once
            assert again is not opened
    assert elsewhere and elsewhere[0] is not opened
