"""The Plan model: saved plans round-trip; --target keeps only what the targets need."""

from __future__ import annotations

from pathlib import Path

import pytest

from fedctl.errors import PlanError, UsageError
from fedctl.plan.plan import Plan, compute_plan
from fedctl.state import LiveState
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
    path.write_text('{"format_version": 1}')
    with pytest.raises(PlanError) as caught:
        Plan.from_file(path)
    assert caught.value.render().startswith(f"{path}: not a fedctl plan file (")
    with pytest.raises(PlanError, match="cannot read the saved plan"):
        Plan.from_file(tmp_path / "missing.json")


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
