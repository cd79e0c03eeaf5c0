from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator, running_emulator

SEED = Path(__file__).parent / "data" / "console-seed.yaml"


@pytest.fixture
def seeded() -> Iterator[RunningEmulator]:
    with running_emulator(workspaces=("production", "staging"), seed_path=str(SEED)) as running:
        yield running


def run(emulator: RunningEmulator, command: str, *args: str) -> Result:
    api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
    return CliRunner().invoke(cli, [command, *args, *api])


def test_export_prints_one_document_with_console_managed_rules_as_comments(
    seeded: RunningEmulator,
) -> None:
    result = run(seeded, "export")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# yaml-language-server: $schema=")
    assert "  - name: deploy-main\n    issuer: github-actions\n    service_account: ci\n" in text
    assert (
        "#   Console-managed: oauth_scope 'org:admin' is outside workspace:inference / "
        "workspace:developer, so the Admin API refuses to create or change this rule from "
        "fedctl; change it in the Console.\n#   - name: bootstrap-admin\n"
    ) in text
    assert (
        "#   Not declared: it backs only Console-managed rules (bootstrap-admin), so the Admin "
        "API refuses to update it from fedctl; change it in the Console.\n"
    ) in text
    assert "      - workspace: production\n        role: workspace_developer\n" in text


def test_export_out_writes_files_that_plan_without_changes(
    seeded: RunningEmulator, tmp_path: Path
) -> None:
    out = tmp_path / "exported"
    result = run(seeded, "export", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Wrote 3 file(s) to {out}: issuers.yaml, rules.yaml, service_accounts.yaml\n"
    )
    from fedctl.api.connect import open_client
    from fedctl.config.load import load_config
    from fedctl.desired import build_desired
    from fedctl.live.read import read_live
    from fedctl.plan.plan import compute_plan

    with open_client(base_url=seeded.base_url, auth_token=seeded.admin_token) as client:
        live = read_live(client)
    plan = compute_plan(build_desired(load_config(out), live.workspaces), live)
    assert plan.is_empty(), plan.changes
    # The planner, too, treats the commented issuer and rule as Console-managed.
    assert plan.console_managed == ("issuer/admin-idp", "rule/bootstrap-admin")
    assert plan.unmanaged == ()


def test_split_by_issuer_writes_one_file_per_issuer(
    seeded: RunningEmulator, tmp_path: Path
) -> None:
    out = tmp_path / "split"
    result = run(seeded, "export", "--out", str(out), "--split-by-issuer")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "admin-idp.yaml",
        "github-actions.yaml",
        "service_accounts.yaml",
    ]
    assert "#   - name: bootstrap-admin\n" in (out / "admin-idp.yaml").read_text()


def test_split_by_issuer_needs_out(seeded: RunningEmulator) -> None:
    result = run(seeded, "export", "--split-by-issuer")
    assert result.exit_code == 1
    assert result.stderr == "error: --split-by-issuer writes several files; give --out DIR\n"


def test_export_refuses_a_directory_with_configuration(
    seeded: RunningEmulator, tmp_path: Path
) -> None:
    (tmp_path / "mine.yaml").write_text("version: 1\n")
    result = run(seeded, "export", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: --out {tmp_path}: already holds configuration files ({tmp_path / 'mine.yaml'}); "
        "export into an empty or new directory, then move the files you want\n"
    )
    assert (tmp_path / "mine.yaml").read_text() == "version: 1\n"


def test_include_archived_comments_archived_resources(
    seeded: RunningEmulator,
) -> None:
    from fedctl.api import writes
    from fedctl.api.connect import open_client
    from fedctl.live.read import read_live

    with open_client(base_url=seeded.base_url, auth_token=seeded.admin_token) as client:
        rule_id = read_live(client).rules["deploy-main"].meta.id
        writes.archive_rule(client, rule_id, name="deploy-main")
    without = run(seeded, "export")
    assert "deploy-main" not in without.stdout
    result = run(seeded, "export", "--include-archived")
    assert result.exit_code == 0, result.output
    assert "# rules: Archived, not declared (--include-archived):\n" in result.stdout
    assert "#   - name: deploy-main\n" in result.stdout


def test_with_ids_writes_each_live_id_as_a_comment(seeded: RunningEmulator, tmp_path: Path) -> None:
    import re

    result = run(seeded, "export", "--with-ids")
    assert result.exit_code == 0, result.output
    assert re.search(r"\n  # id: fdrl_01\w+\n  - name: deploy-main\n", result.stdout)
    assert re.search(r"\n  # id: svac_01\w+\n  - name: ci\n", result.stdout)
    assert re.search(r"\n#   id: fdrl_01\w+\n#   Console-managed", result.stdout)
    # Comments only: the files still plan without changes.
    out = tmp_path / "exported"
    assert run(seeded, "export", "--with-ids", "--out", str(out)).exit_code == 0
    # The seeded rules carry lint errors that the export keeps faithfully.
    planned = run(seeded, "plan", str(out), "--detailed-exitcode", "--allow-lint-errors")
    assert planned.exit_code == 0, planned.output
