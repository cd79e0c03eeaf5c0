"""A saved plan names resources by Address: the text on disk is kind/name, read back through
Address.parse, so a malformed name is refused when the file is read, not mid-apply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fedctl.core.address import Address
from fedctl.core.errors import PlanError
from fedctl.core.state import Kind
from fedctl.plan.plan import Plan, compute_plan
from tests.support.states import baseline, live_from, rule


def _saved(tmp_path: Path) -> tuple[Plan, Path]:
    live = live_from(baseline())
    state = baseline().model_copy(update={"rules": {"deploy": rule("deploy", description="x")}})
    plan = compute_plan(state, live)
    path = tmp_path / "plan.json"
    plan.to_file(path)
    return plan, path


def test_live_versions_are_addresses_written_as_kind_slash_name(tmp_path: Path) -> None:
    plan, path = _saved(tmp_path)
    (address,) = plan.live_versions
    assert (type(address), address.kind, address.name) == (Address, Kind.RULE, "deploy")
    assert list(json.loads(path.read_text())["live_versions"]) == ["rule/deploy"]
    (read,) = Plan.from_file(path).live_versions
    assert (type(read), read.kind, read.name) == (Address, Kind.RULE, "deploy")


@pytest.mark.parametrize("key", ["rules/deploy", "deploy", "rule/"])
def test_a_saved_plan_with_a_malformed_address_is_not_a_plan(tmp_path: Path, key: str) -> None:
    _plan, path = _saved(tmp_path)
    document = json.loads(path.read_text())
    (version,) = document["live_versions"].values()
    document["live_versions"] = {key: version}
    path.write_text(json.dumps(document))
    with pytest.raises(PlanError) as caught:
        Plan.from_file(path)
    assert caught.value.render().startswith(f"{path}: not a fedctl plan file (1 problem(s)")


def test_targets_select_by_address() -> None:
    live = live_from(baseline())
    state = baseline().model_copy(update={"rules": {"deploy": rule("deploy", description="x")}})
    plan = compute_plan(state, live, targets=["rules/deploy"])
    assert [change.address for change in plan.changes] == [Address(Kind.RULE, "deploy")]
