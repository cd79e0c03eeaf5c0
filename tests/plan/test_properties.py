"""Property tests: steps are always topologically valid; a state against itself is empty."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fedctl.core.errors import PlanError
from fedctl.core.state import DesiredState, RuleMatchSpec, ServiceAccountSpec
from fedctl.plan.plan import Plan, compute_plan
from tests.support.states import DEFAULT_WS, PROD_WS, STAGING_WS, desired, issuer, live_from, rule

ROLES = ("workspace_admin", "workspace_developer", "workspace_user")
WORKSPACE_CHOICES = (DEFAULT_WS, PROD_WS, STAGING_WS)


@st.composite
def states(draw: st.DrawFn) -> DesiredState:
    sa_names = draw(st.lists(st.sampled_from(["ci", "bot", "ops"]), min_size=1, unique=True))
    issuer_names = draw(st.lists(st.sampled_from(["gha", "gl"]), min_size=1, unique=True))
    rule_names = draw(st.lists(st.sampled_from(["r1", "r2", "r3"]), unique=True))
    memberships: dict[str, dict[str, str]] = {
        name: draw(st.dictionaries(st.sampled_from(WORKSPACE_CHOICES), st.sampled_from(ROLES)))
        for name in sa_names
    }
    rules = []
    for name in rule_names:
        account = draw(st.sampled_from(sa_names))
        all_workspaces = draw(st.booleans())
        allowed = sorted({DEFAULT_WS, *memberships[account]})
        workspaces = frozenset(draw(st.lists(st.sampled_from(allowed), min_size=1)))
        rules.append(
            rule(
                name,
                issuer_name=draw(st.sampled_from(issuer_names)),
                service_account_name=account,
                match=RuleMatchSpec(subject_prefix=draw(st.sampled_from(["a:*", "b:*"]))),
                description=draw(st.sampled_from(["", "doc"])),
                applies_to_all_workspaces=all_workspaces,
                workspace_ids=frozenset() if all_workspaces else workspaces,
                token_lifetime_seconds=draw(st.sampled_from([600, 3600])),
            )
        )
    return desired(
        [
            ServiceAccountSpec(
                name=name,
                description=draw(st.sampled_from(["", "x"])),
                memberships=memberships[name],  # type: ignore[arg-type]
            )
            for name in sa_names
        ],
        [
            issuer(name, max_jwt_lifetime_seconds=draw(st.sampled_from([600, 3600])))
            for name in issuer_names
        ],
        rules,
    )


def assert_topologically_valid(plan: Plan) -> None:
    assert [step.id for step in plan.steps] == list(range(1, len(plan.steps) + 1))
    for step in plan.steps:
        assert all(0 < dep < step.id for dep in step.depends_on), step
    owned = sorted(step_id for change in plan.changes for step_id in change.step_ids)
    assert owned == [step.id for step in plan.steps]


@settings(max_examples=60, deadline=None)
@given(states())
def test_a_state_planned_against_itself_is_empty(state: DesiredState) -> None:
    assert compute_plan(state, live_from(state)).is_empty()


@settings(max_examples=80, deadline=None)
@given(states(), states(), st.booleans())
def test_every_plan_orders_its_steps_topologically(
    before: DesiredState, after: DesiredState, prune: bool
) -> None:
    try:
        plan = compute_plan(after, live_from(before), prune=prune)
    except PlanError:
        return
    assert_topologically_valid(plan)
