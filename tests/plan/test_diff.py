"""Planner on pure data: every action, renames and replacements, prune and protect."""

from __future__ import annotations

from deepdiff import DeepDiff
from hypothesis import given, settings
from hypothesis import strategies as st

from fedctl.core.state import Kind, LiveState, RuleMatchSpec
from fedctl.plan.actions import Action, Operation, Step
from fedctl.plan.diff import changed_paths, same_value
from fedctl.plan.plan import Plan, compute_plan
from tests.support.states import (
    DEFAULT_WS,
    ORG,
    PROD_WS,
    STAGING_WS,
    WORKSPACES,
    baseline,
    desired,
    issuer,
    live_from,
    live_id,
    rule,
    sa,
)


def ops(plan: Plan) -> list[tuple[str, str]]:
    return [(step.operation.value, step.name) for step in plan.steps]


def step(plan: Plan, operation: Operation, name: str) -> Step:
    return next(s for s in plan.steps if s.operation is operation and s.name == name)


def test_empty_organization_creates_everything_in_dependency_order() -> None:
    plan = compute_plan(baseline(), LiveState(organization=ORG, workspaces=WORKSPACES))

    assert ops(plan) == [
        ("create_issuer", "github"),
        ("create_service_account", "ci"),
        ("put_membership", "ci"),
        ("create_rule", "deploy"),
    ]
    create_rule = step(plan, Operation.CREATE_RULE, "deploy")
    assert create_rule.depends_on == (1, 2, 3)
    assert create_rule.payload == {
        "name": "deploy",
        "issuer_name": "github",
        "service_account_name": "ci",
        "match": {"subject_prefix": "repo:acme/app:ref:refs/heads/main"},
        "oauth_scope": "workspace:developer",
        "token_lifetime_seconds": 3600,
        "workspace_id": PROD_WS,
    }
    assert [(c.action, c.kind, c.name) for c in plan.changes] == [
        (Action.CREATE, Kind.ISSUER, "github"),
        (Action.CREATE, Kind.SERVICE_ACCOUNT, "ci"),
        (Action.CREATE, Kind.RULE, "deploy"),
    ]
    assert plan.changes[1].step_ids == (2, 3)


def test_planning_a_state_against_itself_is_empty() -> None:
    state = baseline()
    plan = compute_plan(state, live_from(state))
    assert plan.is_empty()
    assert plan.steps == ()
    assert plan.live_versions == {}


def test_service_account_update_sends_changed_fields_only_and_clears_description() -> None:
    live = live_from(baseline())
    changed = baseline().model_copy(
        update={
            "service_accounts": {
                "ci": sa(
                    "ci", organization_role="admin", memberships={PROD_WS: "workspace_developer"}
                )
            }
        }
    )
    plan = compute_plan(changed, live)

    (change,) = plan.changes
    assert change.action is Action.UPDATE
    assert change.changed_fields == ("description", "organization_role")
    assert change.before is not None and change.before["description"] == "CI deployer"
    assert ops(plan) == [("update_service_account", "ci")]
    assert plan.steps[0].payload == {"description": None, "organization_role": "admin"}
    assert plan.steps[0].live_id == live_id("svac", "ci")
    assert plan.live_versions["service_account/ci"].id == live_id("svac", "ci")
    assert plan.live_versions["service_account/ci"].updated_at == "2026-01-02T00:00:00Z"


def test_membership_add_change_role_and_remove() -> None:
    before = baseline().model_copy(
        update={
            "service_accounts": {
                "ci": sa(
                    "ci",
                    memberships={PROD_WS: "workspace_developer", DEFAULT_WS: "workspace_admin"},
                )
            }
        }
    )
    after = baseline().model_copy(
        update={
            "service_accounts": {
                "ci": sa(
                    "ci", memberships={PROD_WS: "workspace_user", STAGING_WS: "workspace_user"}
                )
            }
        }
    )
    plan = compute_plan(after, live_from(before))

    (change,) = plan.changes
    assert change.changed_fields == (
        "memberships.wrkspc_01default",
        "memberships.wrkspc_01prod",
        "memberships.wrkspc_01staging",
    )
    assert [(s.operation.value, s.payload) for s in plan.steps] == [
        ("put_membership", {"workspace_id": PROD_WS, "workspace_role": "workspace_user"}),
        ("put_membership", {"workspace_id": STAGING_WS, "workspace_role": "workspace_user"}),
        ("remove_membership", {"workspace_id": DEFAULT_WS}),
    ]


def test_issuer_rename_through_previous_names_is_an_in_place_update() -> None:
    live = live_from(baseline())
    renamed = desired(
        [sa("ci", description="CI deployer", memberships={PROD_WS: "workspace_developer"})],
        [issuer("gha", max_jwt_lifetime_seconds=600)],
        [rule("deploy", issuer_name="gha")],
        previous_names={(Kind.ISSUER, "gha"): ("github",)},
    )
    plan = compute_plan(renamed, live)

    (change,) = plan.changes
    assert (change.action, change.kind, change.name) == (Action.UPDATE, Kind.ISSUER, "gha")
    assert change.reason == "renamed from github"
    assert change.changed_fields == ("max_jwt_lifetime_seconds", "name")
    assert ops(plan) == [("update_issuer", "github")]
    assert plan.steps[0].payload == {"max_jwt_lifetime_seconds": 600, "name": "gha"}
    assert plan.steps[0].live_id == live_id("fdis", "github")


def test_rule_rename_is_in_place_and_keeps_its_id() -> None:
    live = live_from(baseline())
    state = baseline()
    renamed = state.model_copy(
        update={
            "rules": {"deploy-main": rule("deploy-main")},
            "previous_names": {(Kind.RULE, "deploy-main"): ("deploy",)},
        }
    )
    plan = compute_plan(renamed, live)

    (change,) = plan.changes
    assert change.action is Action.UPDATE
    assert change.ids_retired == ()
    assert ops(plan) == [("update_rule", "deploy")]
    assert plan.steps[0].payload == {
        "name": "deploy-main",
        "match": {"subject_prefix": "repo:acme/app:ref:refs/heads/main"},
    }


def test_rule_update_sends_match_whole_and_orders_workspace_changes() -> None:
    live = live_from(
        baseline().model_copy(
            update={
                "service_accounts": {
                    "ci": sa(
                        "ci",
                        memberships={PROD_WS: "workspace_developer", STAGING_WS: "workspace_user"},
                    )
                }
            }
        )
    )
    changed = desired(
        [sa("ci", memberships={PROD_WS: "workspace_developer", STAGING_WS: "workspace_user"})],
        [issuer("github")],
        [
            rule(
                "deploy",
                match=RuleMatchSpec(subject_prefix="repo:acme/app:*", audience="aud"),
                workspace_ids=frozenset({STAGING_WS}),
                description="now documented",
            )
        ],
    )
    plan = compute_plan(changed, live)

    (change,) = plan.changes
    assert change.changed_fields == (
        "description",
        "match.audience",
        "match.subject_prefix",
        "workspace_ids",
    )
    # Revision 2, §2.7.3: no workspace stays enabled throughout, so the new one is enabled
    # before the old one is disabled; the rule is never enabled nowhere.
    assert [(s.operation.value, s.payload) for s in plan.steps] == [
        (
            "update_rule",
            {
                "description": "now documented",
                "match": {"subject_prefix": "repo:acme/app:*", "audience": "aud"},
            },
        ),
        ("enable_rule_workspace", {"workspace_id": STAGING_WS}),
        ("disable_rule_workspace", {"workspace_id": PROD_WS}),
    ]
    assert plan.steps[1].depends_on == (1,)
    assert plan.steps[2].depends_on == (2,)


def test_turning_all_workspaces_off_enables_a_workspace_first() -> None:
    live = live_from(
        baseline().model_copy(
            update={
                "rules": {
                    "deploy": rule(
                        "deploy", applies_to_all_workspaces=True, workspace_ids=frozenset()
                    )
                }
            }
        )
    )
    plan = compute_plan(baseline(), live)

    assert [(s.operation.value, s.payload, s.depends_on) for s in plan.steps] == [
        ("enable_rule_workspace", {"workspace_id": PROD_WS}, ()),
        (
            "update_rule",
            {
                "applies_to_all_workspaces": False,
                "match": {"subject_prefix": "repo:acme/app:ref:refs/heads/main"},
            },
            (1,),
        ),
    ]


def test_service_account_rename_is_a_replacement_create_move_archive() -> None:
    live = live_from(baseline())
    renamed = desired(
        [sa("deployer", description="CI deployer", memberships={PROD_WS: "workspace_developer"})],
        [issuer("github")],
        [rule("deploy", service_account_name="deployer")],
        previous_names={(Kind.SERVICE_ACCOUNT, "deployer"): ("ci",)},
    )
    plan = compute_plan(renamed, live)

    assert ops(plan) == [
        ("create_service_account", "deployer"),
        ("put_membership", "deployer"),
        ("update_rule", "deploy"),
        ("archive_service_account", "ci"),
    ]
    retarget = step(plan, Operation.UPDATE_RULE, "deploy")
    assert retarget.payload == {
        "service_account_name": "deployer",
        "match": {"subject_prefix": "repo:acme/app:ref:refs/heads/main"},
    }
    assert retarget.depends_on == (1, 2)
    assert step(plan, Operation.ARCHIVE_SERVICE_ACCOUNT, "ci").depends_on == (1, 3)
    replace = next(c for c in plan.changes if c.kind is Kind.SERVICE_ACCOUNT)
    assert replace.action is Action.REPLACE
    assert replace.ids_retired == (live_id("svac", "ci"),)
    assert (
        replace.in_place_alternative
        == f"keep the name ci (drop the rename) to keep {live_id('svac', 'ci')}"
    )
    rule_change = next(c for c in plan.changes if c.kind is Kind.RULE)
    assert rule_change.changed_fields == ("service_account_name",)


def test_issuer_change_replaces_the_rule_renaming_the_old_one_out_of_the_way() -> None:
    live = live_from(baseline())
    moved = desired(
        [sa("ci", description="CI deployer", memberships={PROD_WS: "workspace_developer"})],
        [issuer("github"), issuer("gitlab", url="https://gitlab.com")],
        [
            rule(
                "deploy",
                issuer_name="gitlab",
                match=RuleMatchSpec(
                    subject_prefix="project_path:acme/app:ref_type:branch:ref:main"
                ),
            )
        ],
    )
    plan = compute_plan(moved, live)
    old_id = live_id("fdrl", "deploy")
    parking = f"deploy-replaced-{old_id[-8:].lower()}"

    assert ops(plan) == [
        ("create_issuer", "gitlab"),
        ("update_rule", "deploy"),
        ("create_rule", "deploy"),
        ("archive_rule", parking),
    ]
    assert plan.steps[1].payload == {
        "name": parking,
        "match": {"subject_prefix": "repo:acme/app:ref:refs/heads/main"},
    }
    assert plan.steps[1].live_id == old_id
    assert step(plan, Operation.CREATE_RULE, "deploy").depends_on == (1, 2)
    assert step(plan, Operation.ARCHIVE_RULE, parking).depends_on == (3,)
    replace = next(c for c in plan.changes if c.kind is Kind.RULE)
    assert replace.action is Action.REPLACE
    assert replace.ids_retired == (old_id,)
    assert "issuer/github" in replace.in_place_alternative


def test_unmanaged_resources_are_listed_and_archived_only_with_prune() -> None:
    live = live_from(baseline())
    empty = desired()

    listed = compute_plan(empty, live)
    assert listed.is_empty()
    assert listed.unmanaged == ("service_account/ci", "issuer/github", "rule/deploy")

    pruned = compute_plan(empty, live, prune=True)
    assert ops(pruned) == [
        ("archive_rule", "deploy"),
        ("archive_service_account", "ci"),
        ("archive_issuer", "github"),
    ]
    assert pruned.steps[1].depends_on == (1,)
    assert pruned.steps[2].depends_on == (1,)
    assert {c.name: c.ids_retired for c in pruned.changes} == {
        "deploy": (live_id("fdrl", "deploy"),),
        "ci": (live_id("svac", "ci"),),
        "github": (),
    }


def test_settings_prune_and_protect() -> None:
    live = live_from(baseline())
    state = desired(
        [sa("ci", description="CI deployer", memberships={PROD_WS: "workspace_developer"})],
        [issuer("github")],
        prune=True,
        protect=frozenset({"deploy"}),
    )
    plan = compute_plan(state, live)
    assert plan.is_empty()
    assert plan.unmanaged == ("rule/deploy",)

    unprotected = state.model_copy(update={"protect": frozenset()})
    assert ops(compute_plan(unprotected, live)) == [("archive_rule", "deploy")]


def test_memberships_are_removed_only_after_the_rules_leave_the_workspace() -> None:
    two = baseline().model_copy(
        update={
            "service_accounts": {
                "ci": sa(
                    "ci", memberships={PROD_WS: "workspace_developer", STAGING_WS: "workspace_user"}
                )
            },
            "rules": {"deploy": rule("deploy", workspace_ids=frozenset({PROD_WS, STAGING_WS}))},
        }
    )
    one = baseline().model_copy(
        update={"service_accounts": {"ci": sa("ci", memberships={PROD_WS: "workspace_developer"})}}
    )
    plan = compute_plan(one, live_from(two))

    assert ops(plan) == [("disable_rule_workspace", "deploy"), ("remove_membership", "ci")]
    assert plan.steps[1].depends_on == (1,)


# changed_paths skips DeepDiff for values same_value calls identical; that shortcut must
# never hide a difference DeepDiff would report.

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(-3, 3), st.text("ab", max_size=2)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.text("xyz", max_size=1), inner, max_size=3),
        st.frozensets(st.text("ab", max_size=2), max_size=3),
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(_values, _values)
def test_same_value_only_where_deepdiff_finds_nothing(a: object, b: object) -> None:
    if same_value(a, b):
        assert DeepDiff(a, b) == {}
    assert same_value(a, a) or a != a  # NaN is never the same as itself


def test_changed_paths_reports_type_changes_that_equality_misses() -> None:
    assert changed_paths({"check_jti": True, "n": 1}, {"check_jti": 1, "n": 1}) == ("check_jti",)
    assert changed_paths({"ids": [1, 2]}, {"ids": (1, 2)}) == ("ids",)
    assert changed_paths({"a": {"b": 1}}, {"a": {"b": 1}}) == ()
    assert changed_paths({"a": {"b": 1}}, {"a": {"b": 2}}) == ("a.b",)
