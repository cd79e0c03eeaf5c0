"""Safety limits: how many archives, what share of updates/replaces, and the override."""

from __future__ import annotations

import pytest

from fedctl.apply.safety import SafetyLimits, check_safety, count_managed, is_additive
from fedctl.core.errors import UnsafePlanError
from fedctl.core.state import Kind
from fedctl.plan.actions import Action, Change
from tests.apply.helpers import change, live_account, live_state, plan_of


def _accounts(count: int) -> list[str]:
    return [f"sa-{i:02d}" for i in range(count)]


def test_archives_up_to_the_limit_pass() -> None:
    names = _accounts(20)
    live = live_state(*(live_account(n) for n in names))
    plan = plan_of(*(change(Action.ARCHIVE, n) for n in names[:3]), live=live)
    check_safety(plan, live, SafetyLimits(max_archives=3))


def test_one_archive_over_the_limit_is_refused_with_limit_overshoot_and_flag() -> None:
    names = _accounts(20)
    live = live_state(*(live_account(n) for n in names))
    plan = plan_of(*(change(Action.ARCHIVE, n) for n in names[:4]), live=live)
    with pytest.raises(UnsafePlanError) as caught:
        check_safety(plan, live, SafetyLimits(max_archives=3))
    assert caught.value.render() == (
        "service_account/sa-00, service_account/sa-01, service_account/sa-02, "
        "service_account/sa-03: the plan archives 4 resources (replacements included), 1 over "
        "settings.max_archives (3); nothing was changed; review the plan and re-run with "
        "--allow-large-changes if it is intended"
    )


def test_replacements_count_as_archives() -> None:
    names = _accounts(20)
    live = live_state(*(live_account(n) for n in names))
    plan = plan_of(change(Action.REPLACE, names[0]), change(Action.ARCHIVE, names[1]), live=live)
    with pytest.raises(UnsafePlanError, match="archives 2 resources"):
        check_safety(plan, live, SafetyLimits(max_archives=1, max_changes_percent=100))


def test_updates_over_the_percentage_are_refused() -> None:
    # Issue 30: the percentage is judged only above min_changes_for_percent changes
    # (lowered here to judge 4 of 10).
    names = _accounts(10)
    live = live_state(*(live_account(n) for n in names))
    plan = plan_of(*(change(Action.UPDATE, n) for n in names[:4]), live=live)
    with pytest.raises(UnsafePlanError) as caught:
        check_safety(plan, live, SafetyLimits(max_changes_percent=30, min_changes_for_percent=3))
    assert caught.value.message == (
        "the plan updates or replaces 4 of 10 managed resources (40%), 10 points over "
        "settings.max_changes_percent (30%; judged above settings.min_changes_for_percent, "
        "3 changes); nothing was changed; review the plan and re-run with "
        "--allow-large-changes if it is intended"
    )


def test_a_few_changes_in_a_small_organization_pass_the_percentage() -> None:
    # 4 of 11 (36 %): a rename, a tightened condition and a workspace move.
    names = _accounts(11)
    live = live_state(*(live_account(n) for n in names))
    plan = plan_of(*(change(Action.UPDATE, n) for n in names[:4]), live=live)
    check_safety(plan, live, SafetyLimits(max_changes_percent=30))


def test_more_changes_than_the_minimum_are_judged_by_percentage() -> None:
    names = _accounts(40)
    live = live_state(*(live_account(n) for n in names))
    plan = plan_of(*(change(Action.UPDATE, n) for n in names[:15]), live=live)
    with pytest.raises(UnsafePlanError, match=r"updates or replaces 15 of 40 .*\(38%\)"):
        check_safety(plan, live, SafetyLimits(max_changes_percent=30))


def test_updates_at_the_percentage_pass() -> None:
    names = _accounts(10)
    live = live_state(*(live_account(n) for n in names))
    plan = plan_of(*(change(Action.UPDATE, n) for n in names[:3]), live=live)
    check_safety(plan, live, SafetyLimits(max_changes_percent=30))


def test_percentage_is_not_judged_below_ten_managed_resources() -> None:
    names = _accounts(9)
    live = live_state(*(live_account(n) for n in names))
    plan = plan_of(*(change(Action.UPDATE, n) for n in names), live=live)
    check_safety(plan, live, SafetyLimits(max_changes_percent=30))


def test_creates_never_trip_a_limit() -> None:
    live = live_state()
    plan = plan_of(*(change(Action.CREATE, n) for n in _accounts(200)))
    check_safety(plan, live, SafetyLimits(max_archives=0, max_changes_percent=0))


def test_allow_large_changes_lets_everything_through() -> None:
    names = _accounts(20)
    live = live_state(*(live_account(n) for n in names))
    plan = plan_of(*(change(Action.ARCHIVE, n) for n in names), live=live)
    check_safety(plan, live, SafetyLimits(max_archives=0), allow_large_changes=True)


def test_long_resource_lists_are_cut_after_ten_names() -> None:
    names = _accounts(20)
    live = live_state(*(live_account(n) for n in names))
    plan = plan_of(*(change(Action.ARCHIVE, n) for n in names[:15]), live=live)
    with pytest.raises(UnsafePlanError) as caught:
        check_safety(plan, live, SafetyLimits(max_archives=10))
    assert caught.value.resources[-1] == "and 5 more"
    assert len(caught.value.resources) == 11


def test_unmanaged_resources_do_not_count_unless_this_plan_prunes_them() -> None:
    names = _accounts(12)
    live = live_state(*(live_account(n) for n in names))
    unmanaged = ("service_account/sa-10", "service_account/sa-11")
    kept = plan_of(live=live, unmanaged=unmanaged)
    pruned = plan_of(change(Action.ARCHIVE, "sa-11"), live=live, unmanaged=unmanaged)
    assert count_managed(kept, live) == 10
    assert count_managed(pruned, live) == 11


def _rule_update(name: str, before_ws: list[str], after_ws: list[str], **after: object) -> Change:
    base = {"name": name, "oauth_scope": "workspace:inference", "workspace_ids": before_ws}
    return Change(
        kind=Kind.RULE,
        name=name,
        action=Action.UPDATE,
        before=base,
        after={**base, "workspace_ids": after_ws, **after},
    )


def test_adding_workspaces_or_memberships_is_additive() -> None:
    assert is_additive(_rule_update("r", ["ws_a"], ["ws_a", "ws_b"]))
    membership = Change(
        kind=Kind.SERVICE_ACCOUNT,
        name="ci",
        action=Action.UPDATE,
        before={"name": "ci", "memberships": {"ws_a": "workspace_user"}},
        after={"name": "ci", "memberships": {"ws_a": "workspace_user", "ws_b": "workspace_user"}},
    )
    assert is_additive(membership)


def test_removing_or_rewriting_is_not_additive() -> None:
    assert not is_additive(_rule_update("r", ["ws_a", "ws_b"], ["ws_b"]))
    assert not is_additive(_rule_update("r", ["ws_a"], ["ws_a", "ws_b"], oauth_scope="x"))
    role_change = Change(
        kind=Kind.SERVICE_ACCOUNT,
        name="ci",
        action=Action.UPDATE,
        before={"memberships": {"ws_a": "workspace_user"}},
        after={"memberships": {"ws_a": "workspace_admin"}},
    )
    assert not is_additive(role_change)


def test_additive_updates_do_not_count_towards_the_percentage() -> None:
    # What an interrupted apply leaves: every rule created in its first workspace only.
    names = _accounts(10)
    live = live_state(*(live_account(n) for n in names))
    plan = plan_of(*(_rule_update(n, ["ws_a"], ["ws_a", "ws_b"]) for n in names), live=live)
    check_safety(plan, live, SafetyLimits(max_changes_percent=30))


def test_one_point_over_the_percentage_is_singular() -> None:
    names = _accounts(100)
    live = live_state(*(live_account(n) for n in names))
    plan = plan_of(*(change(Action.UPDATE, n) for n in names[:31]), live=live)
    with pytest.raises(UnsafePlanError) as caught:
        check_safety(plan, live, SafetyLimits(max_changes_percent=30))
    assert "(31%), 1 point over settings.max_changes_percent (30%;" in caught.value.message
