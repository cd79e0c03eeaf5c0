"""Every change of a rule's workspaces, applied against the emulator (revision 2, §2.7.3, §5.8).

The emulator refuses to remove a rule's last enablement, so these transitions fail outright
if fedctl ever orders a disable before the enable it needs. Each case also pins the plan's
step order (with dependencies) in a golden file, so a reviewer sees the sequence: enable
new workspaces before disabling old ones; "all workspaces" off only after an explicit
workspace is enabled, on before the explicit ones go; memberships added before a rule is
enabled there and removed only after the rules relying on them are disabled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from fedctl.api.connect import open_client
from fedctl.config.load import load_config
from fedctl.core.state import LiveRule, Workspace
from fedctl.desired import build_desired
from fedctl.emulator.server import RunningEmulator, running_emulator
from fedctl.live.read import read_live
from fedctl.plan.plan import Plan, compute_plan
from tests.support.cli import k8s_org, k8s_rule, run_api
from tests.support.golden import assert_golden


def config(members: tuple[str, ...], where: str) -> str:
    return k8s_org(k8s_rule("deploy", "deploy", extra=where), memberships=members)


# name -> (memberships before, workspaces before, memberships after, workspaces after)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...], str]] = {
    "swap-one-for-another": (
        ("production", "staging"),
        "workspaces: [production]",
        ("production", "staging"),
        "workspaces: [staging]",
    ),
    "add-one": (
        ("production", "staging"),
        "workspaces: [production]",
        ("production", "staging"),
        "workspaces: [production, staging]",
    ),
    "drop-one-keep-one": (
        ("production", "staging"),
        "workspaces: [production, staging]",
        ("production", "staging"),
        "workspaces: [staging]",
    ),
    "all-to-explicit": (
        ("production",),
        "applies_to_all_workspaces: true",
        ("production",),
        "workspaces: [production]",
    ),
    "explicit-to-all": (
        ("production",),
        "workspaces: [production]",
        ("production",),
        "applies_to_all_workspaces: true",
    ),
    "move-with-its-membership": (
        ("production",),
        "workspaces: [production]",
        ("staging",),
        "workspaces: [staging]",
    ),
}


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator(workspaces=("production", "staging")) as running:
        yield running


def apply(emulator: RunningEmulator, path: Path) -> str:
    result = run_api(emulator, "apply", str(path), "--auto-approve")
    assert result.exit_code == 0, result.output
    return result.output


def plan_for(emulator: RunningEmulator, path: Path) -> Plan:
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        live = read_live(client)
    return compute_plan(build_desired(load_config(path), live.workspaces), live)


def render_steps(plan: Plan) -> str:
    lines = []
    for step in plan.steps:
        after = f" (after {', '.join(map(str, step.depends_on))})" if step.depends_on else ""
        lines.append(f"{step.id}. {step.description}{after}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_workspace_transition_applies_in_a_safe_order(
    name: str, emulator: RunningEmulator, tmp_path: Path
) -> None:
    members_before, before, members_after, after = TRANSITIONS[name]
    path = tmp_path / "fedctl.yaml"
    path.write_text(config(members_before, before))
    apply(emulator, path)
    path.write_text(config(members_after, after))
    plan = plan_for(emulator, path)
    ids = {ws.id: ws.name for ws in read_workspaces(emulator)}
    assert_golden(f"workspace-transitions/{name}.txt", _named(render_steps(plan), ids))
    apply(emulator, path)
    again = plan_for(emulator, path)
    assert again.is_empty(), again.changes
    rule = again_live_rule(emulator)
    expected_all = "applies_to_all_workspaces" in after
    assert rule.spec.applies_to_all_workspaces is expected_all
    if not expected_all:
        wanted = after.split("[", 1)[1].rstrip("]").split(", ")
        assert sorted(ids[w] for w in rule.spec.workspace_ids) == sorted(wanted)


def read_workspaces(emulator: RunningEmulator) -> list[Workspace]:
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        return list(read_live(client).workspaces)


def again_live_rule(emulator: RunningEmulator) -> LiveRule:
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        return read_live(client).rules["deploy"]


def _named(text: str, ids: dict[str, str]) -> str:
    # Workspace and resource IDs change per run; the golden file keeps names only.
    for workspace_id, workspace_name in ids.items():
        text = text.replace(workspace_id, workspace_name)
    return re.sub(r"\b(fdrl|svac|fdis)_[0-9A-Za-z]+", r"\1_…", text)
