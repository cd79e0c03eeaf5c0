"""The field tables: what a field's row decides, shown on `attributes`, the newest field.

`attributes` is read and compared; it is never sent unless declared, and declaring it is a
validate error until the API accepts it (admin-api.md §2.6.1).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from fedctl.api.connect import open_client
from fedctl.cli.main import cli
from fedctl.core.fields import RULE_FIELDS
from fedctl.core.state import RuleMatchSpec, RuleSpec
from fedctl.emulator.server import RunningEmulator
from fedctl.emulator.unsafe import unsafe_patch_resource
from fedctl.live.read import read_live
from fedctl.plan.normalise import rule_compare, rule_create_payload
from tests.support.cli import run_api

CONFIG = """\
service_accounts:
  - name: ci
issuers:
  - name: k8s
    issuer_url: https://k8s.acme-corp.dev
rules:
  - name: deploy
    issuer: k8s
    service_account: ci
    match:
      subject_prefix: "system:serviceaccount:deploy:app"
    oauth_scope: workspace:developer
    workspaces: [production]
"""


def _rule(**changes: object) -> RuleSpec:
    base = RuleSpec(
        name="deploy",
        issuer_name="k8s",
        service_account_name="ci",
        match=RuleMatchSpec(subject_prefix="system:serviceaccount:deploy:app"),
        oauth_scope="workspace:developer",
        workspace_ids=frozenset({"wrkspc_prod"}),
    )
    return base.model_copy(update=changes)


def test_live_attributes_are_read_and_compared(emulator: RunningEmulator, tmp_path: Path) -> None:
    config = tmp_path / "fedctl.yaml"
    config.write_text(CONFIG)
    assert run_api(emulator, "apply", str(config), "--auto-approve").exit_code == 0
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        rule_id = read_live(client).rules["deploy"].meta.id
        unsafe_patch_resource(
            emulator.store, "federation_rule", rule_id, {"attributes": {"team": "payments"}}
        )
        live = read_live(client).rules["deploy"]
    assert live.spec.attributes == {"team": "payments"}
    assert rule_compare(live.spec)["attributes"] == {"team": "payments"}
    assert "attributes" not in rule_compare(_rule())


def test_attributes_at_their_default_are_neither_shown_nor_sent() -> None:
    spec = _rule()
    assert "attributes" not in rule_compare(spec)
    assert "attributes" not in rule_create_payload(spec)
    assert RULE_FIELDS.update_body(spec, {"attributes", "description"}) == {"description": None}


def test_declared_attributes_would_be_sent() -> None:
    spec = _rule(attributes={"team": "payments"})
    assert rule_create_payload(spec)["attributes"] == {"team": "payments"}
    assert RULE_FIELDS.update_body(spec, {"attributes"}) == {"attributes": {"team": "payments"}}


def test_declaring_attributes_is_a_validate_error(tmp_path: Path) -> None:
    config = tmp_path / "fedctl.yaml"
    config.write_text(CONFIG + "    attributes:\n      team: payments\n")
    result = CliRunner().invoke(cli, ["validate", str(config)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{config}:15:7: rule/deploy: rules[0].attributes: is not accepted by the Admin API "
        "yet (it refuses any non-empty value with 400, §2.6.1); remove attributes"
    )
