"""`fedctl plan --snapshot`: no network, no credential; the access diff heads every output."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import running_emulator
from tests.cli.access_fixtures import build_quickstart, copy_quickstart

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "plan.schema.json"
MAIN = "pipeline:payments:ref:refs/heads/main"


@pytest.fixture
def snapshot_file(tmp_path: Path) -> Path:
    """A snapshot of the built quickstart; the emulator is stopped before the test runs."""
    path = tmp_path / "snapshot.json"
    with running_emulator(workspaces=("production", "staging")) as emulator:
        build_quickstart(emulator)
        result = CliRunner().invoke(
            cli,
            ["snapshot", "--out", str(path), "--base-url", emulator.base_url],
            env={"ANTHROPIC_AUTH_TOKEN": emulator.admin_token},
        )
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("plan --snapshot tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert not [
        name for name in os.environ if name.startswith("ANTHROPIC_") and "CONFIG" not in name
    ]


def widened_config(tmp_path: Path) -> Path:
    config = copy_quickstart(tmp_path)
    file = config / "fedctl.yaml"
    file.write_text(file.read_text().replace(MAIN, "pipeline:payments:*"))
    return config


def plan(*args: str):
    return CliRunner().invoke(cli, ["plan", *args])


def test_plan_against_a_snapshot_uses_no_network_and_no_credential(
    snapshot_file, no_network, tmp_path
):
    digest = json.loads(snapshot_file.read_text())["digest"]

    result = plan(str(copy_quickstart(tmp_path)), "--snapshot", str(snapshot_file))

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith(f"Live state: snapshot {digest} (taken ")
    assert lines[3] == "Access changes (who can mint what, where): none."
    assert lines[-1] == "No changes."


def test_the_access_diff_heads_text_output_and_fail_on_broadening_exits_4(
    snapshot_file, no_network, tmp_path
):
    result = plan(
        str(widened_config(tmp_path)), "--snapshot", str(snapshot_file), "--fail-on", "broadening"
    )

    assert result.exit_code == 4, result.output
    lines = result.output.splitlines()
    assert lines[3:5] == [
        "Access changes (who can mint what, where): 1 broadening; this plan BROADENS ACCESS.",
        "  + broadening rule/payments-main: match widened: admits tokens it did not; "
        "e.g. admits sub=pipeline:payments:, project=payments",
    ]
    assert lines[-1] == "error: --fail-on broadening: this plan broadens access."


def test_fail_on_broadening_passes_a_narrowing_plan(snapshot_file, no_network, tmp_path):
    config = copy_quickstart(tmp_path)
    file = config / "fedctl.yaml"
    file.write_text(
        file.read_text().replace("token_lifetime_seconds: 600", "token_lifetime_seconds: 300")
    )

    result = plan(str(config), "--snapshot", str(snapshot_file), "--fail-on", "broadening")

    assert result.exit_code == 0, result.output
    assert (
        "  - narrowing rule/payments-main: token_lifetime_seconds lowered from 600 to 300: "
        "minted tokens expire sooner" in result.output
    )


def test_json_and_markdown_name_the_snapshot_and_lead_with_access(
    snapshot_file, no_network, tmp_path
):
    config = str(widened_config(tmp_path))
    recorded = json.loads(snapshot_file.read_text())

    as_json = plan(config, "--snapshot", str(snapshot_file), "--format", "json")
    as_markdown = plan(config, "--snapshot", str(snapshot_file), "--format", "markdown")

    document = json.loads(as_json.output)
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    assert document["snapshot"] == {"digest": recorded["digest"], "taken_at": recorded["taken_at"]}
    assert list(document)[list(document).index("access") + 1] == "changes"
    assert [(c["resource"], c["effect"]) for c in document["access"]["changes"]] == [
        ("rule/payments-main", "broadening")
    ]
    markdown = as_markdown.output
    assert (
        f"Planned against snapshot `{recorded['digest']} (taken {recorded['taken_at']})`"
        in markdown
    )
    assert markdown.index("### Access changes") < markdown.index("### Changes")
    assert "| **broadening** | `rule/payments-main` |" in markdown


def test_a_tampered_snapshot_is_refused_by_plan(snapshot_file, no_network, tmp_path):
    document = json.loads(snapshot_file.read_text())
    document["state"]["rules"]["payments-main"]["spec"]["token_lifetime_seconds"] = 86400
    snapshot_file.write_text(json.dumps(document))

    result = plan(str(copy_quickstart(tmp_path)), "--snapshot", str(snapshot_file))

    assert result.exit_code == 1
    assert result.output.startswith(
        f"error: {snapshot_file}: snapshot digest mismatch: the file records "
    )
    assert result.output.endswith(
        "; the snapshot was edited or corrupted, take a new one with `fedctl snapshot`\n"
    )


@pytest.mark.parametrize(
    ("flags", "named"),
    [(["--base-url", "https://api.anthropic.com"], "--base-url"), (["--local"], "--local")],
)
def test_snapshot_refuses_api_options(snapshot_file, tmp_path, flags, named):
    result = plan(str(copy_quickstart(tmp_path)), "--snapshot", str(snapshot_file), *flags)

    assert (result.exit_code, result.output) == (
        1,
        f"error: --snapshot plans without the API; drop {named} (or drop --snapshot to read "
        "the live organization)\n",
    )
