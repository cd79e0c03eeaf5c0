"""Pagination both ways (issue 27 item 4): never truncated, never endless.

- A hostile server answering `has_more: true` forever on the ID-cursor lists
  (workspaces, API keys), alternating `last_id`, is stopped with a clear error in bounded
  time and memory; so is one that hands out a fresh cursor forever (10,000 pages).
- An empty page that still carries `next_page` does not end an opaque-cursor list:
  the emulator's `--empty-pages` serves one before every page, and fedctl reads the
  same complete list as the official Python SDK.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anthropic
import pytest

from fedctl.api import resources
from fedctl.api.client import AdminClient
from fedctl.api.connect import open_client
from fedctl.core.errors import ApiError
from fedctl.emulator.server import RunningEmulator
from tests.support.cli import k8s_org, k8s_rule, run_api

TOKEN = "sk-ant-oat01-hostile-pagination-test"
WALL_SECONDS = 30.0  # generous: the real cost is a few pages
PEAK_BYTES = 64 * 1024 * 1024
WORKSPACE = {
    "type": "workspace",
    "id": "wrkspc_01Hostile",
    "name": "hostile",
    "display_color": "#000000",
    "created_at": "2026-01-01T00:00:00Z",
    "archived_at": None,
}


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture
def hostile() -> Iterator[Callable[[Callable[[str], dict[str, Any]]], str]]:
    """A loopback server answering every GET with `page(path)` as JSON; yields its URL."""
    servers: list[_Quiet] = []

    def start(page: Callable[[str], dict[str, Any]]) -> str:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: thousands of pages stay quick

            def do_GET(self) -> None:
                body = json.dumps(page(self.path)).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("request-id", "req_01hostile")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = _Quiet(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _alternating_id_pages(item: dict[str, Any]) -> Callable[[str], dict[str, Any]]:
    ids = itertools.cycle(["id_A", "id_B"])
    lock = threading.Lock()

    def page(path: str) -> dict[str, Any]:
        with lock:
            last_id = next(ids)
        return {"data": [item], "has_more": True, "first_id": last_id, "last_id": last_id}

    return page


def _bounded(read: Callable[[], object]) -> tuple[ApiError, float, int]:
    """Run `read`, which must fail with ApiError; its error, wall time and peak memory."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ApiError) as caught:
            read()
    finally:
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return caught.value, elapsed, peak


def test_workspaces_alternating_last_id_forever_stop_with_a_clear_error(
    hostile: Callable[[Callable[[str], dict[str, Any]]], str],
) -> None:
    url = hostile(_alternating_id_pages(WORKSPACE))
    with open_client(base_url=url, auth_token=TOKEN) as client:
        error, elapsed, peak = _bounded(lambda: resources.list_workspaces(client))
    assert "page cursor it had already given in this listing" in error.render()
    assert "GET /v1/organizations/workspaces" in error.render()
    assert elapsed < WALL_SECONDS and peak < PEAK_BYTES


def test_api_keys_alternating_last_id_forever_stop_with_a_clear_error(
    hostile: Callable[[Callable[[str], dict[str, Any]]], str],
) -> None:
    key = {"type": "api_key", "id": "apikey_01Hostile", "name": "k", "status": "active"}
    url = hostile(_alternating_id_pages(key))
    with open_client(base_url=url, auth_token=TOKEN) as client:
        error, elapsed, peak = _bounded(lambda: resources.list_api_keys(client))
    assert "already given in this listing" in error.message
    assert error.url_path == "/v1/organizations/api_keys"
    assert elapsed < WALL_SECONDS and peak < PEAK_BYTES


def test_a_fresh_cursor_forever_stops_at_the_page_bound(
    hostile: Callable[[Callable[[str], dict[str, Any]]], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Over real HTTP with a lowered bound (10,000 loopback requests would only be slow);
    # the real bound is held in-process below.
    monkeypatch.setattr(resources, "MAX_PAGES", 200)
    counter = itertools.count()
    url = hostile(lambda path: {"data": [], "next_page": f"page_{next(counter)}"})
    with open_client(base_url=url, auth_token=TOKEN) as client:
        error, elapsed, peak = _bounded(lambda: resources.list_issuers(client))
    assert "passed 200 pages without ending" in error.message
    assert elapsed < WALL_SECONDS and peak < PEAK_BYTES


class _EndlessClient:
    """Stands in for AdminClient: every request returns a new page and a new cursor."""

    def __init__(self, *, id_cursor: bool) -> None:
        self.requests = 0
        self._id_cursor = id_cursor

    def request(self, method: str, path: str, *, params: Any = None, **_: Any) -> Any:
        self.requests += 1
        cursor = f"c{self.requests}"
        if self._id_cursor:
            return {"data": [], "has_more": True, "first_id": cursor, "last_id": cursor}
        return {"data": [], "next_page": cursor}


@pytest.mark.parametrize("id_cursor", [False, True], ids=["opaque-cursor", "id-cursor"])
def test_the_real_bound_is_ten_thousand_pages(id_cursor: bool) -> None:
    endless = _EndlessClient(id_cursor=id_cursor)
    client: AdminClient = endless  # type: ignore[assignment]
    read = resources.list_workspaces if id_cursor else resources.list_service_accounts
    error, elapsed, peak = _bounded(lambda: read(client))
    assert endless.requests == resources.MAX_PAGES == 10_000
    assert "passed 10000 pages" in error.message
    assert elapsed < WALL_SECONDS and peak < PEAK_BYTES


# --- empty pages that carry a cursor -------------------------------------------------


def _populate(emulator: RunningEmulator, client: AdminClient) -> None:
    production = next(w.id for w in resources.list_workspaces(client) if w.name == "production")
    for index in range(3):
        account = client.request(
            "POST", resources.SERVICE_ACCOUNTS, json={"name": f"account-{index}"}
        )
        client.request(
            "POST",
            f"{resources.SERVICE_ACCOUNTS}/{account['id']}/workspaces",
            json={"workspace_id": production, "workspace_role": "workspace_developer"},
        )
    client.request(
        "POST",
        resources.ISSUERS,
        json={"name": "corp-idp", "issuer_url": "https://idp.example.com"},
    )


def _names(items: list[Any]) -> list[str]:
    return [item.name for item in items]


def test_empty_pages_with_a_cursor_do_not_truncate_any_list(emulator: RunningEmulator) -> None:
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        _populate(emulator, client)
        production = next(w.id for w in resources.list_workspaces(client) if w.name == "production")
        expected = (
            _names(resources.list_service_accounts(client)),
            _names(resources.list_issuers(client)),
            len(resources.list_workspace_members(client, production)),
        )
        emulator.set_empty_pages(True)
        emulator.reset_request_log()
        seen = (
            _names(resources.list_service_accounts(client)),
            _names(resources.list_issuers(client)),
            len(resources.list_workspace_members(client, production)),
        )
    assert seen == expected
    assert expected == (["account-2", "account-1", "account-0"], ["corp-idp"], 3)
    # Each list was served an empty page first: two requests for each one-page list.
    assert len(emulator.requests()) == 6


def test_the_official_sdk_and_fedctl_see_the_same_list_through_empty_pages(
    emulator: RunningEmulator,
) -> None:
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        for index in range(5):
            client.request("POST", resources.SERVICE_ACCOUNTS, json={"name": f"sa-{index}"})
        emulator.set_empty_pages(True)
        # Pages of 2 on the SDK side: an empty page precedes each of its three pages.
        with anthropic.Anthropic(
            auth_token=emulator.admin_token, base_url=emulator.base_url, max_retries=0
        ) as sdk:
            sdk_names = [sa.name for sa in sdk.organization.service_accounts.list(limit=2)]
        fedctl_names = _names(resources.list_service_accounts(client))
    assert sdk_names == fedctl_names == [f"sa-{index}" for index in reversed(range(5))]


def test_an_empty_page_cursor_the_emulator_never_gave_is_refused(
    emulator: RunningEmulator,
) -> None:
    emulator.set_empty_pages(True)
    with (
        open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client,
        pytest.raises(ApiError) as caught,
    ):
        client.request("GET", resources.ISSUERS, params={"page": "empty_%%%"})
    assert caught.value.status == 400


def test_a_plan_through_empty_pages_creates_nothing_that_exists(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    config = tmp_path / "federation"
    config.mkdir()
    (config / "fedctl.yaml").write_text(k8s_org(k8s_rule("deploy", "payments")))
    applied = run_api(emulator, "apply", str(config), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    emulator.set_empty_pages(True)
    planned = run_api(emulator, "plan", str(config), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "No changes." in planned.output
