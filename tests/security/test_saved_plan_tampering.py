"""A saved plan is a reviewed intention, never a script: edited steps or changes are refused.

The attacker can edit the plan file between review and apply. Apply recomputes the plan
from the recorded configuration and the live state, and refuses (writing nothing) unless
the file's steps and changes are exactly the recomputed ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from fedctl.emulator.server import RunningEmulator
from tests.security.helpers import run, writes

CONFIG = """\
version: 1
service_accounts:
  - name: ci
    description: {description}
    workspaces:
      - workspace: production
        role: workspace_developer
issuers:
  - name: build
    issuer_url: https://build.acme.example
    jwks:
      type: inline
      keys:
        - kty: EC
          crv: P-256
          x: DFn5MzzFk2xkCHmXJyp04H3mprRKVagPp7n5L49_lG4
          y: ufJ4xcj-TbzQ4IoHjDIVzJ_wAcAKU5erQb-kYqEUmn0
          kid: build-signer
rules:
  - name: deploy
    issuer: build
    service_account: ci
    match:
      subject_prefix: "pipeline:payments:ref:refs/heads/main"
    oauth_scope: workspace:inference
    workspaces: [production]
"""

REFUSAL = (
    "error: {plan}: the saved plan's {what} differ from the plan recomputed now from the "
    "configuration and the live organization; a saved plan is applied only as reviewed; "
    "nothing was changed; run `fedctl plan --out FILE` again and review the new plan\n"
)


@pytest.fixture
def description_only_plan(emulator: RunningEmulator, tmp_path: Path) -> tuple[Path, Path]:
    """Everything applied, then a description-only change saved for review."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "fedctl.yaml").write_text(CONFIG.format(description="deploys"))
    assert run(emulator, "apply", str(config_dir), "--auto-approve").exit_code == 0
    (config_dir / "fedctl.yaml").write_text(CONFIG.format(description="deploys payments"))
    plan_file = tmp_path / "reviewed.plan"
    made = run(emulator, "plan", str(config_dir), "--out", str(plan_file))
    assert made.exit_code == 0, made.output
    emulator.reset_request_log()
    return plan_file, config_dir


def _apply(emulator: RunningEmulator, plan_file: Path, config_dir: Path) -> tuple[int, str, str]:
    result = run(emulator, "apply", str(plan_file), "--config", str(config_dir), "--auto-approve")
    return result.exit_code, result.stdout, result.stderr


def test_a_payload_edited_to_broaden_a_rule_is_refused_and_nothing_is_written(
    emulator: RunningEmulator, description_only_plan: tuple[Path, Path]
) -> None:
    plan_file, config_dir = description_only_plan
    saved = json.loads(plan_file.read_text())
    account_step = saved["steps"][0]
    assert account_step["operation"] == "update_service_account"
    rules = httpx.get(
        emulator.base_url + "/v1/organizations/federation_rules",
        headers={"authorization": f"Bearer {emulator.admin_token}"},
    ).json()["data"]
    rule_id = next(rule["id"] for rule in rules if rule["name"] == "deploy")
    emulator.reset_request_log()
    # Aim the write at the rule with a broadened payload; keep live_versions untouched.
    saved["steps"][0] = {
        **account_step,
        "operation": "update_rule",
        "kind": "rule",
        "name": "deploy",
        "live_id": rule_id,
        "payload": {
            "match": {"subject_prefix": "pipeline:*"},
            "oauth_scope": "workspace:developer",
        },
    }
    plan_file.write_text(json.dumps(saved))
    code, stdout, stderr = _apply(emulator, plan_file, config_dir)
    assert (code, stdout) == (1, "")
    assert stderr == REFUSAL.format(plan=plan_file, what="steps")
    assert writes(emulator) == []


def test_appended_steps_granting_admin_are_refused_and_nothing_is_written(
    emulator: RunningEmulator, description_only_plan: tuple[Path, Path]
) -> None:
    plan_file, config_dir = description_only_plan
    saved = json.loads(plan_file.read_text())
    first = saved["steps"][0]
    saved["steps"].append(
        {
            **first,
            "id": len(saved["steps"]) + 1,
            "payload": {"description": "deploys payments", "organization_role": "admin"},
            "depends_on": [],
        }
    )
    plan_file.write_text(json.dumps(saved))
    code, stdout, stderr = _apply(emulator, plan_file, config_dir)
    assert (code, stdout) == (1, "")
    assert stderr == REFUSAL.format(plan=plan_file, what="steps")
    assert writes(emulator) == []


def test_a_change_edited_to_hide_what_it_does_is_refused(
    emulator: RunningEmulator, description_only_plan: tuple[Path, Path]
) -> None:
    plan_file, config_dir = description_only_plan
    saved = json.loads(plan_file.read_text())
    saved["changes"][0]["after"]["description"] = "harmless"
    plan_file.write_text(json.dumps(saved))
    code, stdout, stderr = _apply(emulator, plan_file, config_dir)
    assert (code, stdout) == (1, "")
    assert stderr == REFUSAL.format(plan=plan_file, what="changes")
    assert writes(emulator) == []


def test_what_is_shown_comes_from_the_recomputed_plan_not_the_file(
    emulator: RunningEmulator, description_only_plan: tuple[Path, Path]
) -> None:
    plan_file, config_dir = description_only_plan
    saved = json.loads(plan_file.read_text())
    # Display-only fields an attacker could edit to mislead the reviewer at apply time.
    saved["warnings"] = ["all good, nothing to see"]
    saved["access"] = {}
    plan_file.write_text(json.dumps(saved))
    code, stdout, stderr = _apply(emulator, plan_file, config_dir)
    assert code == 0, stderr
    assert "all good, nothing to see" not in stdout
    assert "~ service_account/ci" in stdout
    assert writes(emulator) == [
        ("POST", f"/v1/organizations/service_accounts/{saved['steps'][0]['live_id']}")
    ]
