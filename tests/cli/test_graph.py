"""`fedctl graph`: the configuration, a snapshot or the live organization, drawn."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator
from fedctl.live.snapshot import take_snapshot, write_snapshot
from tests.graph.test_graph import CONFIG
from tests.support.golden import GOLDEN_DIR, assert_golden
from tests.support.mermaid import check_flowchart
from tests.support.states import baseline, live_from


def run(args: list[str], **env: str) -> Result:
    return CliRunner().invoke(cli, args, env=env)


def test_graph_of_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "fedctl.yaml").write_text(CONFIG)
    result = run(["graph", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output == (GOLDEN_DIR / "graph" / "configuration.mmd").read_text()


def test_graph_of_a_snapshot_as_dot(tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshot.json"
    write_snapshot(take_snapshot(live_from(baseline())), snapshot)
    result = run(["graph", "--snapshot", str(snapshot), "--format", "dot"])
    assert result.exit_code == 0, result.output
    assert_golden("graph/snapshot.dot", result.output)


def test_graph_of_the_live_organization(emulator: RunningEmulator, tmp_path: Path) -> None:
    (tmp_path / "fedctl.yaml").write_text(
        CONFIG.replace("    oauth_scope: org:admin\n", "    oauth_scope: workspace:developer\n")
    )
    env = {"ANTHROPIC_BASE_URL": emulator.base_url, "ANTHROPIC_AUTH_TOKEN": emulator.admin_token}
    applied = run(["apply", str(tmp_path), "--auto-approve", "--allow-lint-errors"], **env)
    assert applied.exit_code == 0, applied.output
    result = run(["graph", "--live"], **env)
    assert result.exit_code == 0, result.output
    assert check_flowchart(result.output) == (11, 9)
    as_json = json.loads(run(["graph", "--live", "--format", "json"], **env).output)
    assert {edge["to"] for edge in as_json["edges"] if edge["from"] == "service_account/ops"} == {
        "workspace/Default"
    }


def test_path_and_live_are_exclusive(tmp_path: Path) -> None:
    result = run(["graph", str(tmp_path), "--live"])
    assert result.exit_code == 1
    assert result.output == (
        "error: PATH draws the configuration; drop it to draw --live or --snapshot\n"
    )
    result = run(["graph", "--live", "--snapshot", "s.json"])
    assert result.exit_code == 1
    assert result.output == "error: --live and --snapshot both name the live state; give one\n"


def test_local_without_live_says_to_add_it(tmp_path: Path) -> None:
    result = run(["graph", str(tmp_path), "--local"])
    assert result.exit_code == 1
    assert result.output == (
        "error: --local draws the emulator's organization only with --live; add it\n"
    )
