"""The Plan model: saved plans round-trip; --target keeps only what the targets need."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fedctl.core.errors import PlanError, UsageError
from fedctl.core.state import Kind, LiveState
from fedctl.plan.plan import FORMAT_VERSION, Plan, compute_plan
from fedctl.plan.records import AccessTestChange, HeldResource, PolicyFailure
from tests.support.states import (
    ORG,
    PROD_WS,
    WORKSPACES,
    baseline,
    desired,
    issuer,
    live_from,
    rule,
    sa,
)


def empty_live() -> LiveState:
    return LiveState(organization=ORG, workspaces=WORKSPACES)


def test_saved_plan_round_trips(tmp_path: Path) -> None:
    live = live_from(baseline())
    state = baseline().model_copy(update={"rules": {"deploy": rule("deploy", description="x")}})
    plan = compute_plan(state, live, config_digest="sha256:abc")
    path = tmp_path / "plan.json"
    plan.to_file(path)

    assert Plan.from_file(path) == plan
    assert plan.config_digest == "sha256:abc"
    assert list(plan.live_versions) == ["rule/deploy"]


def test_a_file_that_is_not_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(f'{{"format_version": {FORMAT_VERSION}}}')
    with pytest.raises(PlanError) as caught:
        Plan.from_file(path)
    assert caught.value.render().startswith(f"{path}: not a fedctl plan file (")
    with pytest.raises(PlanError, match="cannot read the saved plan"):
        Plan.from_file(tmp_path / "missing.json")


def test_a_plan_saved_in_format_1_is_refused_by_its_version(tmp_path: Path) -> None:
    # Format 1 held policy failures, access-test changes and held resources as lines.
    plan = compute_plan(baseline(), live_from(baseline()))
    document = json.loads(plan.model_dump_json())
    document.update(format_version=1, policy_failures=["deny: policy p: rule/x: no"])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    with pytest.raises(PlanError) as caught:
        Plan.from_file(path)
    assert caught.value.render() == (
        f"{path}: plan format_version 1 is not supported (this fedctl reads "
        f"{FORMAT_VERSION}); plan again with this version"
    )


def test_records_are_saved_as_fields_and_read_back(tmp_path: Path) -> None:
    records = {
        "policy_failures": (
            PolicyFailure(policy="p", severity="deny", resource="rule/x", message="a: b"),
        ),
        "access_test_changes": (AccessTestChange(case="c: d", before="denied", after="rule x"),),
        "unmanageable": (
            HeldResource(kind=Kind.RULE, name="x", live_id="fdrl_1", reason="attributes"),
        ),
    }
    plan = compute_plan(baseline(), live_from(baseline())).model_copy(update=records)
    path = tmp_path / "plan.json"
    plan.to_file(path)
    saved = json.loads(path.read_text())
    assert saved["access_test_changes"] == [{"case": "c: d", "before": "denied", "after": "rule x"}]
    assert saved["unmanageable"][0]["live_id"] == "fdrl_1"
    assert Plan.from_file(path) == plan


def test_target_keeps_the_target_and_what_it_needs() -> None:
    state = desired(
        [sa("ci", memberships={PROD_WS: "workspace_developer"}), sa("unrelated")],
        [issuer("github"), issuer("other", url="https://other.example")],
        [rule("deploy")],
    )
    plan = compute_plan(state, empty_live(), targets=["rule/deploy"])

    assert [(c.kind.value, c.name) for c in plan.changes] == [
        ("issuer", "github"),
        ("service_account", "ci"),
        ("rule", "deploy"),
    ]
    assert [s.id for s in plan.steps] == [1, 2, 3, 4]
    assert plan.steps[3].depends_on == (1, 2, 3)

    only_issuer = compute_plan(state, empty_live(), targets=["issuer/other"])
    assert [c.name for c in only_issuer.changes] == ["other"]


def test_unknown_or_malformed_targets() -> None:
    with pytest.raises(UsageError, match="no rule of that name is declared or live"):
        compute_plan(baseline(), empty_live(), targets=["rule/nope"])
    with pytest.raises(UsageError, match="expected KIND/NAME"):
        compute_plan(baseline(), empty_live(), targets=["deploy"])


def test_a_binary_file_is_not_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "plan.bin"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(PlanError) as caught:
        Plan.from_file(path)
    assert caught.value.render() == (
        f"{path}: cannot read the saved plan (not UTF-8 text); write one with "
        "`fedctl plan --out FILE`"
    )


def test_find_private_jwk_looks_everywhere_and_names_the_kid() -> None:
    from fedctl.plan.plan import find_private_jwk

    public = {"kty": "RSA", "kid": "a", "n": "x", "e": "AQAB"}
    assert find_private_jwk({"changes": [{"after": {"jwks": {"keys": [public]}}}]}) is None
    nested = {
        "steps": [{"payload": {"jwks": {"keys": [public, {**public, "kid": "b", "d": "s"}]}}}]
    }
    assert find_private_jwk(nested) == ("b", ["d"])
    assert find_private_jwk([{"kty": "oct", "k": "s"}]) == ("(no kid)", ["k"])
