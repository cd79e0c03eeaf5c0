"""What the plan leaves out and adds for a reader (issue 31 item 10): no `description: ""`
on a new rule, IDs once on archive blocks, archives not listed again under Unmanaged, a
key deactivation with its name, and a hint to add `previous_names` to a rename."""

from __future__ import annotations

from pathlib import Path

from fedctl.emulator.server import RunningEmulator
from tests.security.helpers import run

CONFIG = """\
version: 1
service_accounts:
  - name: ci
    workspaces: [{{workspace: default, role: workspace_developer}}]
issuers:
  - name: gha
    preset: github-actions
rules:
  - name: {rule}
    issuer: gha
    service_account: ci
    match:
      subject_prefix: "repo:acme@1/app@2:ref:refs/heads/main"
      audience: https://api.anthropic.com
      claims: {{event_name: push}}
    oauth_scope: workspace:inference
    workspaces: [default]
"""


def _write(folder: Path, rule: str, extra: str = "") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "fedctl.yaml").write_text(CONFIG.format(rule=rule) + extra)
    return folder


def test_a_rename_without_previous_names_gets_a_hint(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    folder = _write(tmp_path / "federation", "deploy")
    assert run(emulator, "apply", str(folder), "--auto-approve").exit_code == 0
    _write(folder, "deploy-main")
    result = run(emulator, "plan", str(folder), "--no-color")
    assert result.exit_code == 0, result.output
    assert (
        "  rule/deploy-main is created while live rule/deploy is identical but for its name: "
        "if this is a rename, add `previous_names: [deploy]` to rule/deploy-main so fedctl "
        "carries rule/deploy over instead\n" in result.stdout
    )
    assert 'description: ""' not in result.stdout
    # With previous_names the rename is planned in place and the hint is gone.
    _write(folder, "deploy-main", "    previous_names: [deploy]\n")
    renamed = run(emulator, "plan", str(folder), "--no-color")
    assert "identical but for its name" not in renamed.stdout


def test_an_archive_block_names_its_id_once_and_is_not_listed_as_unmanaged(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    folder = _write(tmp_path / "federation", "deploy")
    assert run(emulator, "apply", str(folder), "--auto-approve").exit_code == 0
    _write(folder, "deploy-main")
    result = run(emulator, "plan", str(folder), "--no-color", "--prune")
    assert result.exit_code == 0, result.output
    block = result.stdout.split("    - rule/deploy (")[1].split("\n\n")[0]
    rule_id = block.split(")")[0]
    assert rule_id.startswith("fdrl_")
    assert block.count(rule_id) == 1, block
    assert "! retires this ID (workloads with ANTHROPIC_FEDERATION_RULE_ID set to it stop " in (
        block
    )
    assert "Unmanaged" not in result.stdout
