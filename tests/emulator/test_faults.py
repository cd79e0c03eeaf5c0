"""Injected faults each show their documented effect (fedctl/emulator/faults.py)."""

from __future__ import annotations

import httpx
import pytest

from fedctl.emulator.faults import FaultConfig, FaultPlan, parse_kinds
from fedctl.emulator.server import RunningEmulator
from tests.emulator.helpers import assert_error

SA = "/v1/organizations/service_accounts"


def client(emulator: RunningEmulator) -> httpx.Client:
    return httpx.Client(
        base_url=emulator.base_url,
        timeout=5,
        headers={"authorization": f"Bearer {emulator.admin_token}"},
    )


def names(emulator: RunningEmulator) -> list[str]:
    emulator.set_faults(FaultConfig())
    with client(emulator) as http:
        return [doc["name"] for doc in http.get(SA).json()["data"]]


@pytest.mark.parametrize(
    ("kind", "status", "error_type"),
    [
        ("429", 429, "rate_limit_error"),
        ("500", 500, "api_error"),
        ("503", 503, "api_error"),
        ("529", 529, "overloaded_error"),
    ],
)
def test_status_faults_answer_without_processing(
    emulator: RunningEmulator, kind: str, status: int, error_type: str
) -> None:
    emulator.set_faults(FaultConfig(rate=1.0, kinds=(kind,)))
    with client(emulator) as http:
        response = http.post(SA, json={"name": "never"})
    assert_error(response, status, error_type)
    assert ("retry-after" in response.headers) == (kind == "429")
    assert names(emulator) == []


def test_reset_drops_the_connection_and_commits_nothing(emulator: RunningEmulator) -> None:
    emulator.set_faults(FaultConfig(rate=1.0, kinds=("reset",)))
    with client(emulator) as http, pytest.raises(httpx.TransportError):
        http.post(SA, json={"name": "never"})
    assert names(emulator) == []


def test_lost_response_commits_the_write(emulator: RunningEmulator) -> None:
    emulator.set_faults(FaultConfig(rate=1.0, kinds=("lost-response",)))
    with client(emulator) as http, pytest.raises(httpx.TransportError):
        http.post(SA, json={"name": "committed"})
    assert names(emulator) == ["committed"]


def test_stale_read_serves_the_previous_version_within_the_lag(emulator: RunningEmulator) -> None:
    with client(emulator) as http:
        account = http.post(SA, json={"name": "ci", "description": "old"}).json()
        emulator.set_faults(FaultConfig(rate=1.0, kinds=("stale-read",), read_lag_ms=60_000))
        updated = http.post(f"{SA}/{account['id']}", json={"description": "new"})
        assert updated.json()["description"] == "new"  # writes are not faulted
        assert http.get(f"{SA}/{account['id']}").json()["description"] == "old"
        assert [doc["description"] for doc in http.get(SA).json()["data"]] == ["old"]
        emulator.set_faults(FaultConfig(rate=1.0, kinds=("stale-read",), read_lag_ms=0))
        assert http.get(f"{SA}/{account['id']}").json()["description"] == "new"


def test_latency_delays_responses(emulator: RunningEmulator) -> None:
    emulator.set_faults(FaultConfig(latency_ms=50))
    with client(emulator) as http:
        response = http.get(SA)
    assert response.status_code == 200
    assert response.elapsed.total_seconds() >= 0.05


def test_fault_sequence_is_deterministic_from_the_seed() -> None:
    config = FaultConfig(rate=0.5, kinds=("429", "reset", "stale-read"), seed=42)
    first, second = FaultPlan(config), FaultPlan(config)
    methods = ["GET", "POST", "DELETE", "GET"] * 10
    assert [first.draw(m) for m in methods] == [second.draw(m) for m in methods]
    assert {first.draw("GET") for _ in range(40)} == {"429", "reset", "stale-read", None}
    assert "stale-read" not in [FaultPlan(config).draw("POST") for _ in range(20)]


def test_unknown_fault_kinds_are_refused() -> None:
    assert parse_kinds("429, reset") == ("429", "reset")
    with pytest.raises(ValueError, match="unknown fault kind 'boom'"):
        parse_kinds("429,boom")
