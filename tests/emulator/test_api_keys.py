"""The emulator's API-key endpoints (admin-api.md §9), driven by the official SDK's
`organization.api_keys` methods: pagination over several pages, filters, status rules,
and both readings of who may call them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import anthropic
import pytest

from fedctl.emulator.app import DEFAULT_ADMIN_API_KEY
from fedctl.emulator.server import RunningEmulator, running_emulator

KEYS = [
    {"name": f"key-{index:02d}", "status": "active", "workspace": "production"}
    for index in range(25)
] + [
    {"name": "ci-legacy", "status": "inactive"},
    {"name": "old", "status": "archived"},
    {"name": "lapsed", "status": "active", "expires_at": "2020-01-01T00:00:00Z"},
]


@pytest.fixture
def keys_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(KEYS))
    return path


@pytest.fixture
def emulator(keys_file: Path) -> Iterator[RunningEmulator]:
    with running_emulator(workspaces=("production",), api_keys_path=str(keys_file)) as running:
        yield running


def sdk(emulator: RunningEmulator, **credential: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=emulator.base_url, max_retries=0, **credential)


def test_listing_pages_through_every_key_and_the_sdk_parses_them(
    emulator: RunningEmulator,
) -> None:
    with sdk(emulator, auth_token=emulator.admin_token) as client:
        first = client.organization.api_keys.list(limit=10)
        assert len(first.data) == 10 and first.has_more
        every = list(client.organization.api_keys.list(limit=10))
    assert [key.name for key in every] == [key["name"] for key in KEYS]
    assert len({key.id for key in every}) == len(KEYS)
    assert all(key.id.startswith("apikey_") for key in every)
    assert all((key.partial_key_hint or "").startswith("sk-ant-api03-") for key in every)


def test_filters_and_expiry(emulator: RunningEmulator) -> None:
    with sdk(emulator, auth_token=emulator.admin_token) as client:
        expired = list(client.organization.api_keys.list(status="expired"))
        inactive = list(client.organization.api_keys.list(status="inactive"))
    assert [key.name for key in expired] == ["lapsed"]
    assert [key.name for key in inactive] == ["ci-legacy"]


def test_status_rules(emulator: RunningEmulator) -> None:
    with sdk(emulator, auth_token=emulator.admin_token) as client:
        keys = {key.name: key for key in client.organization.api_keys.list(limit=100)}
        api = client.organization.api_keys
        assert api.update(keys["key-00"].id, status="inactive").status == "inactive"
        assert api.update(keys["key-00"].id, status="active").status == "active"
        assert api.update(keys["key-01"].id, name="renamed").name == "renamed"
        for key_id, status in ((keys["old"].id, "active"), (keys["lapsed"].id, "active")):
            with pytest.raises(anthropic.BadRequestError):
                api.update(key_id, status=status)  # type: ignore[arg-type]
        with pytest.raises(anthropic.BadRequestError):
            api.update(keys["old"].id, name="again")
        with pytest.raises(anthropic.NotFoundError):
            api.retrieve("apikey_01nope")
        assert api.retrieve(keys["key-02"].id).name == "key-02"


def test_the_admin_api_key_is_accepted_and_bearers_can_be_refused(keys_file: Path) -> None:
    # The fixture's keys live in "production": the emulator no longer invents it (31.9).
    with running_emulator(
        workspaces=("production",), api_keys_path=str(keys_file), api_keys_bearer="refuse"
    ) as emulator:
        with sdk(emulator, api_key=DEFAULT_ADMIN_API_KEY) as client:
            assert len(list(client.organization.api_keys.list(limit=100))) == len(KEYS)
        with (
            sdk(emulator, auth_token=emulator.admin_token) as client,
            pytest.raises(anthropic.AuthenticationError),
        ):
            client.organization.api_keys.list()
