"""SQLite state survives restarts; concurrent clients lose no writes (fedctl/emulator/db.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from fedctl.emulator.db import EmulatorStateError
from fedctl.emulator.server import RunningEmulator, running_emulator

SA = "/v1/organizations/service_accounts"


def test_restart_on_the_same_state_file_keeps_everything(tmp_path: Path) -> None:
    state = str(tmp_path / "org.db")
    with running_emulator(state_path=state, workspaces=["production"]) as first:
        headers = {"authorization": f"Bearer {first.admin_token}"}
        created = httpx.post(first.base_url + SA, json={"name": "ci"}, headers=headers).json()
        production = first.store.ensure_workspace("production")["id"]
        httpx.post(
            f"{first.base_url}{SA}/{created['id']}/workspaces",
            headers=headers,
            json={"workspace_id": production, "workspace_role": "workspace_user"},
        )
    with running_emulator(state_path=state, workspaces=["production"]) as second:
        headers = {"authorization": f"Bearer {second.admin_token}"}
        assert (
            httpx.get(f"{second.base_url}{SA}/{created['id']}", headers=headers).json() == created
        )
        rows = httpx.get(
            f"{second.base_url}{SA}/{created['id']}/workspaces", headers=headers
        ).json()["data"]
        assert [row["workspace_id"] for row in rows][1:] == [production]
        assert second.store.ensure_workspace("production")["id"] == production


def test_state_file_of_another_organization_is_refused(tmp_path: Path) -> None:
    state = str(tmp_path / "org.db")
    with running_emulator(state_path=state):
        pass
    with pytest.raises(EmulatorStateError, match="belongs to organization"):
        running_emulator(
            state_path=state, organization_id="00000000-0000-0000-0000-000000000000"
        ).__enter__()


def test_sixteen_concurrent_clients_lose_no_writes(emulator: RunningEmulator) -> None:
    headers = {"authorization": f"Bearer {emulator.admin_token}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=60) as http:
        shared = http.post(SA, json={"name": "shared"}).json()

    def work(worker: int) -> None:
        with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=60) as http:
            for step in range(5):
                created = http.post(SA, json={"name": f"w{worker}-{step}"})
                assert created.status_code == 200, created.text
                updated = http.post(f"{SA}/{shared['id']}", json={"description": f"{worker}"})
                assert updated.status_code == 200

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(work, range(16)))
    with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=60) as http:
        listed, page = [], None
        while True:
            params = {"limit": "100", **({"page": page} if page else {})}
            body = http.get(SA, params=params).json()
            listed += [doc["name"] for doc in body["data"]]
            page = body["next_page"]
            if page is None:
                break
        final = http.get(f"{SA}/{shared['id']}").json()
    assert len(listed) == len(set(listed)) == 16 * 5 + 1
    assert final["description"] in {str(worker) for worker in range(16)}
