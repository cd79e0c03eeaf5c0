"""`fedctl keys`: the inventory against the emulator, one positive and one negative per
finding, --fail-on, and the refused-credential path (with and without an Admin API key)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.app import DEFAULT_ADMIN_API_KEY
from fedctl.emulator.server import RunningEmulator, running_emulator
from tests.support.cli import k8s_org, k8s_rule, run_api

RECENT = (datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
LATER = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
CLEAN = {"status": "active", "created_at": RECENT, "expires_at": LATER, "workspace": "staging"}
KEYS = [
    {**CLEAN, "name": "bound", "principal_service_account": "ci"},
    {**CLEAN, "name": "in-production", "workspace": "production"},
    {**CLEAN, "name": "forever", "expires_at": None},
    {**CLEAN, "name": "ancient", "created_at": "2020-01-01T00:00:00Z"},
    {**CLEAN, "name": "by-workload", "created_by": {"id": "svac_01x", "type": "service_account"}},
    {**CLEAN, "name": "clean", "created_by": {"id": "user_01x", "type": "user"}},
    {**CLEAN, "name": "switched-off", "status": "inactive", "expires_at": None},
]
EXPECTED = {
    "KEY001": "bound",
    "KEY002": "in-production",
    "KEY003": "forever",
    "KEY004": "ancient",
    "KEY005": "by-workload",
}


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[RunningEmulator, Path, Path]]:
    config = tmp_path / "federation"
    config.mkdir()
    (config / "fedctl.yaml").write_text(k8s_org(k8s_rule("deploy", "deploy")))
    keys = tmp_path / "keys.json"
    with running_emulator(workspaces=("production", "staging")) as emulator:
        assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
        keys.write_text(json.dumps(KEYS))
        yield emulator, config, keys


def test_each_finding_names_exactly_its_key(setup: tuple[RunningEmulator, Path, Path]) -> None:
    emulator, config, keys = setup
    emulator.load_api_keys(str(keys))
    result = run_api(emulator, "keys", str(config), "--format", "json")
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    assert {(f["id"], f["key_name"]) for f in findings} == set(EXPECTED.items())


def test_text_shows_hints_only_and_fail_on_exits_4(
    setup: tuple[RunningEmulator, Path, Path],
) -> None:
    emulator, config, keys = setup
    emulator.load_api_keys(str(keys))
    result = run_api(emulator, "keys", str(config), "--fail-on", "KEY003")
    assert result.exit_code == 4
    assert "KEY003 forever (apikey_" in result.output
    assert "): never expires" in result.output
    assert "sk-ant-api03-" in result.output  # the hint, never more
    without = run_api(emulator, "keys", "--fail-on", "KEY003")
    assert without.exit_code == 0  # without PATH: the inventory only, no findings
    assert "0 finding(s)." in without.output


def test_refused_credential_says_an_admin_key_may_be_needed(
    setup: tuple[RunningEmulator, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator, config, keys = setup
    emulator.load_api_keys(str(keys), bearer="refuse")
    refused = run_api(emulator, "keys", str(config))
    assert refused.exit_code == 1
    assert "API-key management may need an Admin API key: set ANTHROPIC_ADMIN_API_KEY" in (
        refused.output
    )
    result = CliRunner().invoke(
        cli,
        [
            "keys",
            str(config),
            "--base-url",
            emulator.base_url,
            "--auth-token",
            emulator.admin_token,
        ],
        env={"ANTHROPIC_ADMIN_API_KEY": DEFAULT_ADMIN_API_KEY},
    )
    assert result.exit_code == 0, result.output
    assert DEFAULT_ADMIN_API_KEY not in result.output


def test_markdown_is_a_table_with_findings(setup: tuple[RunningEmulator, Path, Path]) -> None:
    emulator, config, keys = setup
    emulator.load_api_keys(str(keys))
    result = run_api(emulator, "keys", str(config), "--format", "markdown")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "| workspace | name | hint | status | age | expires | principal | creator |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = [line for line in lines[2:] if line.startswith("| ")]
    assert len(rows) == len(KEYS)
    assert any(
        row.startswith("| `production (wrkspc_") and "| `in-production` |" in row for row in rows
    )
    assert any(line.startswith("- KEY003 `forever`: never expires") for line in lines)


def test_text_is_a_table_with_a_header_one_key_per_line(
    setup: tuple[RunningEmulator, Path, Path],
) -> None:
    emulator, config, keys = setup
    emulator.load_api_keys(str(keys))
    result = run_api(emulator, "keys", str(config))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "\\n" not in result.stdout
    assert lines[0].split() == [
        "WORKSPACE",
        "NAME",
        "HINT",
        "STATUS",
        "AGE",
        "EXPIRES",
        "PRINCIPAL",
        "CREATOR",
    ]
    table = lines[1 : 1 + len(KEYS)]
    assert sorted(line.split()[2] for line in table) == sorted(k["name"] for k in KEYS)
    # Columns line up: every row has NAME where the header has it.
    column = lines[0].index("NAME")
    assert all(line[column - 2 : column] == "  " for line in table)
    assert lines[-1] == f"{len(KEYS)} key(s), {len(EXPECTED)} finding(s)."


def test_keys_without_path_discovers_the_configuration(
    setup: tuple[RunningEmulator, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator, config, keys = setup
    emulator.load_api_keys(str(keys))
    monkeypatch.chdir(config.parent)  # holds federation/, as `fedctl plan` expects
    result = run_api(emulator, "keys", "--format", "json")
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    assert {(f["id"], f["key_name"]) for f in findings} == set(EXPECTED.items())


def test_hostile_key_names_stay_one_cell(setup: tuple[RunningEmulator, Path, Path]) -> None:
    emulator, config, keys = setup
    hostile = "x\n| forged | row @acme/team ![p](https://evil.example/p.png)"
    keys.write_text(json.dumps([{**CLEAN, "name": hostile}]))
    emulator.load_api_keys(str(keys))
    text = run_api(emulator, "keys", str(config)).stdout
    assert len(text.splitlines()) == 3  # header, the key, the count
    markdown = run_api(emulator, "keys", str(config), "--format", "markdown").stdout
    row = markdown.splitlines()[2]
    assert "`x\\n\\| forged \\| row @acme/team ![p](https://evil.example/p.png)`" in row
