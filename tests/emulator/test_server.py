"""Start/stop of the emulator and its runtime hooks (fedctl/emulator/server.py)."""

from __future__ import annotations

import httpx

from fedctl.emulator.server import (
    DEFAULT_ADMIN_TOKEN,
    DEFAULT_ORGANIZATION_ID,
    RunningEmulator,
    running_emulator,
)


def test_fixture_serves_organization_and_logs_requests(emulator: RunningEmulator) -> None:
    response = httpx.get(
        emulator.base_url + "/v1/organizations/me",
        headers={"authorization": f"Bearer {emulator.admin_token}"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": DEFAULT_ORGANIZATION_ID,
        "name": "Local Emulator Org",
        "type": "organization",
    }
    assert emulator.admin_token == DEFAULT_ADMIN_TOKEN
    assert emulator.requests() == [("GET", "/v1/organizations/me")]
    emulator.reset_request_log()
    assert emulator.requests() == []


def test_repr_hides_the_admin_token(emulator: RunningEmulator) -> None:
    assert emulator.admin_token not in repr(emulator)


def test_stop_closes_the_port() -> None:
    with running_emulator() as running:
        base_url = running.base_url
    try:
        httpx.get(base_url + "/v1/organizations/me", timeout=2)
    except httpx.TransportError:
        return
    raise AssertionError("the emulator still answers after stop()")
