"""The emulator's credentials and API-key fixture (issue 27 item 5, issue 31 items 9, 18).

- On a network, only explicit, non-default credentials; an explicit one replaces both
  documented defaults (the well-known Admin API key stops working); empty ones refused.
- Its Admin API key works on /v1/organizations/me and the workspace endpoints (§1.2);
  each 401 names the header the credential came in.
- The API-key fixture never invents a workspace; `default` is the default workspace;
  `principal_service_account` may name an account the --seed file creates.
- Configured API-key limits answer §9's error codes, which fedctl explains.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import anthropic
import httpx
import pytest
from click.testing import CliRunner

import fedctl.cli.emulator
import fedctl.emulator.server
from fedctl.api.connect import open_client
from fedctl.cli.main import cli
from fedctl.core.errors import ApiError
from fedctl.emulator.app import DEFAULT_ADMIN_API_KEY
from fedctl.emulator.server import DEFAULT_ADMIN_TOKEN, RunningEmulator, running_emulator

ME = "/v1/organizations/me"
WORKSPACES = "/v1/organizations/workspaces"
API_KEYS = "/v1/organizations/api_keys"
CHOSEN_TOKEN = "sk-ant-oat01-chosen-by-the-operator"
CHOSEN_KEY = "sk-ant-admin01-chosen-by-the-operator"


class _Interrupted:
    def wait(self) -> None:
        raise KeyboardInterrupt


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[RunningEmulator]]:
    """`fedctl emulator` runs, is interrupted at once, and its emulator is kept for checks
    (its stop is deferred to the end of the test)."""
    kept: list[RunningEmulator] = []
    real_start = fedctl.emulator.server.start_emulator

    def start(**kwargs: Any) -> RunningEmulator:
        running = real_start(**{**kwargs, "host": "127.0.0.1", "port": 0})
        kept.append(running)
        return SimpleNamespace(base_url=running.base_url, stop=lambda: None)  # type: ignore[return-value]

    monkeypatch.setattr(fedctl.emulator.server, "start_emulator", start)
    monkeypatch.setattr(fedctl.cli.emulator, "threading", SimpleNamespace(Event=_Interrupted))
    yield kept
    for running in kept:
        running.stop()


def _status(emulator: RunningEmulator, path: str, **headers: str) -> int:
    return httpx.get(emulator.base_url + path, headers=headers).status_code


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--admin-token", ""], "error: --admin-token must not be empty"),
        (["--admin-token", "   "], "error: --admin-token must not be empty"),
        (["--admin-api-key", ""], "error: --admin-api-key must not be empty"),
        (["--admin-api-key", "not-an-admin-key"], "error: --admin-api-key must start with"),
        (
            ["--host", "0.0.0.0", "--admin-token", ""],
            "error: --admin-token must not be empty",
        ),
        (
            ["--host", "0.0.0.0", "--admin-token", DEFAULT_ADMIN_TOKEN],
            "error: --host 0.0.0.0: the documented local credentials are public knowledge",
        ),
        (
            ["--host", "0.0.0.0", "--admin-api-key", DEFAULT_ADMIN_API_KEY],
            "error: --host 0.0.0.0: the documented local credentials are public knowledge",
        ),
    ],
)
def test_weak_credentials_are_refused_before_listening(
    args: list[str], message: str, started: list[RunningEmulator]
) -> None:
    result = CliRunner().invoke(cli, ["emulator", "--port", "0", *args])
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert started == []  # nothing listened


def test_an_explicit_admin_token_turns_the_well_known_admin_api_key_off(
    started: list[RunningEmulator],
) -> None:
    result = CliRunner().invoke(
        cli, ["emulator", "--host", "0.0.0.0", "--port", "0", "--admin-token", CHOSEN_TOKEN]
    )
    assert result.exit_code == 0, result.output
    assert CHOSEN_TOKEN not in result.output
    (emulator,) = started
    # The well-known key no longer lists API keys or reads the organization...
    assert _status(emulator, API_KEYS, **{"x-api-key": DEFAULT_ADMIN_API_KEY}) == 401
    assert _status(emulator, ME, **{"x-api-key": DEFAULT_ADMIN_API_KEY}) == 401
    assert _status(emulator, API_KEYS, authorization=f"Bearer {DEFAULT_ADMIN_API_KEY}") == 401
    # ...nor does the well-known token; the chosen one does.
    assert _status(emulator, ME, authorization=f"Bearer {DEFAULT_ADMIN_TOKEN}") == 401
    assert _status(emulator, ME, authorization=f"Bearer {CHOSEN_TOKEN}") == 200


def test_an_explicit_admin_api_key_turns_the_well_known_token_off(
    started: list[RunningEmulator],
) -> None:
    args = ["emulator", "--host", "0.0.0.0", "--port", "0", "--admin-api-key", CHOSEN_KEY]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert CHOSEN_KEY not in result.output
    assert "admin token (none: only the --admin-api-key given)" in result.stdout
    (emulator,) = started
    assert _status(emulator, ME, authorization=f"Bearer {DEFAULT_ADMIN_TOKEN}") == 401
    assert _status(emulator, API_KEYS, **{"x-api-key": DEFAULT_ADMIN_API_KEY}) == 401
    assert _status(emulator, API_KEYS, **{"x-api-key": CHOSEN_KEY}) == 200
    assert _status(emulator, ME, **{"x-api-key": CHOSEN_KEY}) == 200


def test_on_loopback_without_options_both_documented_credentials_work(
    started: list[RunningEmulator],
) -> None:
    assert CliRunner().invoke(cli, ["emulator", "--port", "0"]).exit_code == 0
    (emulator,) = started
    assert _status(emulator, ME, authorization=f"Bearer {DEFAULT_ADMIN_TOKEN}") == 200
    assert _status(emulator, API_KEYS, **{"x-api-key": DEFAULT_ADMIN_API_KEY}) == 200


# --- the Admin API key on the organization and workspace endpoints (§1.2) -------------


def test_the_admin_api_key_reads_the_organization_and_workspaces(
    emulator: RunningEmulator,
) -> None:
    # The SDK sends an API key as a bearer token; curl users send x-api-key.
    with anthropic.Anthropic(
        api_key=DEFAULT_ADMIN_API_KEY, base_url=emulator.base_url, max_retries=0
    ) as sdk:
        assert sdk.organization.retrieve().id == emulator.organization_id
        names = [workspace.name for workspace in sdk.organization.workspaces.list()]
        production = next(w for w in sdk.organization.workspaces.list() if w.name == "production")
        assert sdk.organization.workspaces.retrieve(production.id).name == "production"
    assert names == ["production", "staging"]
    for path in (ME, WORKSPACES, f"{WORKSPACES}/{production.id}"):
        assert _status(emulator, path, **{"x-api-key": DEFAULT_ADMIN_API_KEY}) == 200
    # ...and stays refused on the WIF endpoints.
    sa = "/v1/organizations/service_accounts"
    assert _status(emulator, sa, **{"x-api-key": DEFAULT_ADMIN_API_KEY}) == 403


@pytest.mark.parametrize(
    ("headers", "named"),
    [
        ({"x-api-key": "sk-ant-admin01-wrong"}, "Invalid Admin API key in the x-api-key header."),
        (
            {"authorization": "Bearer sk-ant-admin01-wrong"},
            "Invalid Admin API key in the Authorization header.",
        ),
        ({"authorization": "Bearer nope"}, "Invalid bearer token in the Authorization header."),
        ({"x-api-key": "nope"}, "Invalid x-api-key header: it takes an Admin API key"),
        ({"x-api-key": ""}, "Missing credential (the x-api-key header is empty or absent)"),
    ],
)
def test_a_401_names_the_header_used(
    emulator: RunningEmulator, headers: dict[str, str], named: str
) -> None:
    response = httpx.get(emulator.base_url + ME, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["message"].startswith(named)


# --- the API-key fixture --------------------------------------------------------------


def _fixture(tmp_path: Path, keys: list[dict[str, Any]]) -> str:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(keys))
    return str(path)


def _workspace_names(emulator: RunningEmulator) -> list[str]:
    headers = {"authorization": f"Bearer {emulator.admin_token}"}
    listing = httpx.get(emulator.base_url + WORKSPACES, headers=headers).json()
    return [workspace["name"] for workspace in listing["data"]]


@pytest.mark.parametrize("spelling", ["default", "Default"])
def test_workspace_default_is_the_default_workspace_not_a_new_one(
    tmp_path: Path, spelling: str
) -> None:
    path = _fixture(tmp_path, [{"name": "k", "status": "active", "workspace": spelling}])
    with running_emulator(workspaces=("production",), api_keys_path=path) as emulator:
        key = httpx.get(
            emulator.base_url + API_KEYS, headers={"x-api-key": DEFAULT_ADMIN_API_KEY}
        ).json()["data"][0]
        assert key["scope"]["workspace_id"] == emulator.store.default_workspace_id
        assert _workspace_names(emulator) == ["production"]  # no second "default"


def test_an_unknown_workspace_is_refused_not_created(tmp_path: Path) -> None:
    path = _fixture(tmp_path, [{"name": "k", "status": "active", "workspace": "prodution"}])
    result = CliRunner().invoke(
        cli, ["emulator", "--port", "0", "--workspace", "production", "--api-keys", path]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {path}: workspace 'prodution' does not exist in the emulator (known: "
        "default, production); create it with --workspace NAME or in the --seed file\n"
    )


def test_principal_service_account_may_name_an_account_the_seed_creates(
    tmp_path: Path, started: list[RunningEmulator]
) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("service_accounts:\n  - name: legacy-bot\n")
    keys = _fixture(
        tmp_path,
        [{"name": "bot-key", "status": "active", "principal_service_account": "legacy-bot"}],
    )
    # The key fixture is given before the seed on the command line: order does not matter.
    result = CliRunner().invoke(
        cli, ["emulator", "--port", "0", "--api-keys", keys, "--seed", str(seed)]
    )
    assert result.exit_code == 0, result.output
    (emulator,) = started
    headers = {"x-api-key": DEFAULT_ADMIN_API_KEY}
    key = httpx.get(emulator.base_url + API_KEYS, headers=headers).json()["data"][0]
    accounts = emulator.store.list_service_accounts(include_archived=False, limit=10, page=None)
    assert key["principal"] == {
        "type": "service_account_actor",
        "service_account_id": accounts["data"][0]["id"],
    }


# --- API-key limits (§9) --------------------------------------------------------------


def test_activation_past_a_limit_answers_the_documented_error_codes(tmp_path: Path) -> None:
    keys = [
        {"name": "a", "status": "active", "workspace": "production"},
        {"name": "b", "status": "inactive", "workspace": "production"},
        {"name": "c", "status": "inactive"},
    ]
    path = _fixture(tmp_path, keys)
    with running_emulator(workspaces=("production",)) as emulator:
        emulator.load_api_keys(path, workspace_limit=1)
        with anthropic.Anthropic(
            api_key=DEFAULT_ADMIN_API_KEY, base_url=emulator.base_url, max_retries=0
        ) as sdk:
            ids = {key.name: key.id for key in sdk.organization.api_keys.list()}
            with pytest.raises(anthropic.BadRequestError) as caught:
                sdk.organization.api_keys.update(ids["b"], status="active")
            # The SDK reads error.details.error_code (its exceptions' `error_code`).
            assert caught.value.error_code == "workspace_api_key_limit_exceeded"
            # Another workspace is under its own limit.
            assert sdk.organization.api_keys.update(ids["c"], status="active").status == "active"
        emulator.load_api_keys(path, org_limit=1)
        with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
            listing = client.request("GET", API_KEYS)
            b_id = next(key["id"] for key in listing["data"] if key["name"] == "b")
            with pytest.raises(ApiError) as error:
                client.request("POST", f"{API_KEYS}/{b_id}", json={"status": "active"})
    rendered = error.value.render()
    assert rendered.startswith(
        f"POST {API_KEYS}/{b_id} failed 400 invalid_request_error: the organization has "
        "reached its limit of active API keys (the server said: The organization already "
        "has 1 active API keys (limit 1).)"
    )
    assert "deactivate or archive API keys the organization no longer uses" in rendered
