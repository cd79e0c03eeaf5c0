"""Round trip through Terraform: live organization -> `export --format terraform` -> the
state Terraform would hold after importing it -> `import-terraform` -> `plan`: no change.

Terraform cannot run here; `tests.support.terraform_state` builds its state from the
exported resources and their live IDs.
"""

from __future__ import annotations

import json
from pathlib import Path
from tempfile import TemporaryDirectory

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from fedctl.api.connect import open_client
from fedctl.cli.main import cli
from fedctl.config.load import load_config
from fedctl.desired import build_desired
from fedctl.emulator.server import RunningEmulator, running_emulator
from fedctl.export.terraform import build_terraform, render_terraform
from fedctl.export.terraform_import.configuration import import_terraform
from fedctl.live.read import read_live
from fedctl.plan.plan import compute_plan
from tests.cli.test_plan import EVERY_FIELD, apply_config
from tests.export.test_round_trip import WORKSPACE_NAMES, OrgPlan, create_org, orgs
from tests.support.cli import run_api
from tests.support.terraform_state import terraform_state

# Made in the Console: an org:admin rule fedctl (and the provider) can read, never change.
CONSOLE_SEED = """\
service_accounts:
  - name: bootstrap
    organization_role: admin
issuers:
  - name: console-idp
    issuer_url: https://idp.console.example
rules:
  - name: bootstrap-admin
    issuer: console-idp
    service_account: bootstrap
    match:
      subject_prefix: "pipeline:infra:main"
    oauth_scope: org:admin
    applies_to_all_workspaces: true
"""


def test_export_terraform_then_import_plans_no_change(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(CONSOLE_SEED, encoding="utf-8")
    with running_emulator(workspaces=("production", "staging"), seed_path=str(seed)) as emulator:
        apply_config(emulator, EVERY_FIELD)
        exported = run_api(emulator, "export", "--format", "terraform")
        assert exported.exit_code == 0, exported.output
        with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
            live = read_live(client)
        export = build_terraform(live)
        assert exported.stdout == render_terraform(export)
        assert 'resource "anthropic_federation_rule" "bootstrap_admin"' in exported.stdout
        state = tmp_path / "terraform.json"
        state.write_text(json.dumps(terraform_state(export)), encoding="utf-8")

        imported = CliRunner().invoke(
            cli,
            ["import-terraform", str(state), "--organization-id", live.organization.id,
             "--out", str(tmp_path / "federation")],
        )  # fmt: skip
        assert (imported.exit_code, imported.stdout, imported.stderr) == (
            0,
            f"Wrote 3 file(s) to {tmp_path / 'federation'}: "
            "issuers.yaml, rules.yaml, service_accounts.yaml\n",
            "",
        )
        _assert_plan_is_empty(emulator, tmp_path / "federation")


def _assert_plan_is_empty(emulator: RunningEmulator, folder: Path) -> None:
    # every-field carries lint errors on purpose; the round trip is about the plan's changes.
    planned = run_api(emulator, "plan", str(folder), "--detailed-exitcode", "--allow-lint-errors")
    assert planned.exit_code == 0, planned.output
    assert planned.stdout.endswith("\nNo changes.\n")
    rules = (folder / "rules.yaml").read_text(encoding="utf-8")
    # Marked as `fedctl export` marks it: a comment with the reason, not a declaration.
    assert "# rules: Console-managed, not declared (fedctl never changes these):" in rules
    assert "#   - name: bootstrap-admin" in rules


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(org=orgs)
def test_any_organization_survives_the_terraform_round_trip(org: OrgPlan) -> None:
    with (
        running_emulator(workspaces=WORKSPACE_NAMES) as emulator,
        open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client,
    ):
        before = read_live(client)
        workspace_ids = {w.name: w.id for w in before.workspaces if not w.is_default}
        workspace_ids["default"] = next(w.id for w in before.workspaces if w.is_default)
        create_org(client, org, workspace_ids)
        live = read_live(client)
    with TemporaryDirectory() as folder:
        state = Path(folder) / "state.json"
        state.write_text(json.dumps(terraform_state(build_terraform(live))), encoding="utf-8")
        imported = import_terraform(state, organization_id=live.organization.id)
        config_dir = Path(folder) / "federation"
        config_dir.mkdir()
        for name, text in imported.files().items():
            (config_dir / name).write_text(text, encoding="utf-8")
        config = load_config(config_dir)
    plan = compute_plan(build_desired(config, live.workspaces), live)
    assert plan.is_empty(), [change.model_dump() for change in plan.changes]
