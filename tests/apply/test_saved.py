"""A saved plan is refused, naming what moved, once configuration or organization changed."""

from __future__ import annotations

import pytest

from fedctl.apply.saved import SavedPlanStale, check_saved_plan_current
from fedctl.core.state import Organization
from fedctl.plan.actions import Action
from tests.apply.helpers import T1, change, live_account, live_state, plan_of

REPLAN = "nothing was changed; run `fedctl plan` again and review the new plan"


def test_unchanged_world_passes() -> None:
    live = live_state(live_account("ci"), live_account("other"))
    plan = plan_of(change(Action.UPDATE, "ci"), change(Action.CREATE, "new"), live=live)
    check_saved_plan_current(plan, live, config_digest="d1")


def test_changed_configuration_digest_is_refused() -> None:
    live = live_state(live_account("ci"))
    plan = plan_of(change(Action.UPDATE, "ci"), live=live, digest="a" * 64)
    with pytest.raises(SavedPlanStale) as caught:
        check_saved_plan_current(plan, live, config_digest="b" * 64)
    assert caught.value.render() == (
        "the configuration changed since this plan was made (digest aaaaaaaaaaaa in the plan, "
        f"bbbbbbbbbbbb now); {REPLAN}"
    )


def test_resource_updated_since_is_refused_by_name() -> None:
    live = live_state(live_account("ci"), live_account("other"))
    plan = plan_of(change(Action.UPDATE, "ci"), live=live)
    moved = live_state(live_account("ci", updated_at=T1), live_account("other"))
    with pytest.raises(SavedPlanStale) as caught:
        check_saved_plan_current(plan, moved, config_digest="d1")
    assert caught.value.render() == (
        "service_account/ci: changed since the plan was made: service_account/ci was updated "
        f"at {T1} (plan saw 2026-01-01T00:00:00Z); {REPLAN}"
    )


def test_resource_archived_since_is_refused() -> None:
    live = live_state(live_account("ci"))
    plan = plan_of(change(Action.UPDATE, "ci"), live=live)
    moved = live_state(archived=(live_account("ci", archived_at=T1),))
    with pytest.raises(SavedPlanStale) as caught:
        check_saved_plan_current(plan, moved, config_digest="d1")
    assert caught.value.resources == ["service_account/ci"]
    assert f"service_account/ci was archived at {T1}" in caught.value.message


def test_resource_gone_since_is_refused() -> None:
    live = live_state(live_account("ci"))
    plan = plan_of(change(Action.ARCHIVE, "ci"), live=live)
    with pytest.raises(SavedPlanStale) as caught:
        check_saved_plan_current(plan, live_state(), config_digest="d1")
    assert "service_account/ci no longer exists (svac_ci is gone or was renamed)" in (
        caught.value.message
    )


def test_resource_replaced_by_another_id_is_refused() -> None:
    live = live_state(live_account("ci"))
    plan = plan_of(change(Action.UPDATE, "ci"), live=live)
    other = live_account("ci").model_copy(
        update={"meta": live_account("ci").meta.model_copy(update={"id": "svac_new"})}
    )
    with pytest.raises(SavedPlanStale, match=r"was replaced \(svac_ci in the plan, svac_new now\)"):
        check_saved_plan_current(plan, live_state(other), config_digest="d1")


def test_resource_created_since_by_someone_else_is_refused() -> None:
    plan = plan_of(change(Action.CREATE, "ci"), live=live_state())
    with pytest.raises(
        SavedPlanStale, match=r"service_account/ci exists now \(the plan would create it\)"
    ):
        check_saved_plan_current(plan, live_state(live_account("ci")), config_digest="d1")


def test_every_moved_resource_is_named_in_one_message() -> None:
    live = live_state(live_account("a"), live_account("b"))
    plan = plan_of(change(Action.UPDATE, "a"), change(Action.UPDATE, "b"), live=live)
    moved = live_state(live_account("a", updated_at=T1))
    with pytest.raises(SavedPlanStale) as caught:
        check_saved_plan_current(plan, moved, config_digest="d1")
    assert caught.value.resources == ["service_account/a", "service_account/b"]


def test_another_organization_is_refused() -> None:
    live = live_state(live_account("ci"))
    plan = plan_of(change(Action.UPDATE, "ci"), live=live)
    elsewhere = live.model_copy(
        update={"organization": Organization(id="99999999-0000-0000-0000-000000000000", name="X")}
    )
    with pytest.raises(SavedPlanStale, match="made for organization 1111"):
        check_saved_plan_current(plan, elsewhere, config_digest="d1")
