"""Predicted refusals: each one is a PlanError naming the resources, before any write."""

from __future__ import annotations

import pytest

from fedctl.core.errors import PlanError, UnsafePlanError
from fedctl.core.state import (
    Kind,
    LiveMeta,
    LiveRule,
    LiveServiceAccount,
    RuleMatchSpec,
)
from fedctl.plan.actions import Action, Operation
from fedctl.plan.checks import SelfIdentity
from fedctl.plan.plan import compute_plan
from fedctl.plan.problems import PlanProblems
from tests.support.states import (
    OLD_WS,
    ORG,
    PROD_WS,
    STAGING_WS,
    baseline,
    desired,
    issuer,
    live_from,
    live_id,
    meta,
    rule,
    sa,
)

ADMIN_RULE = rule(
    "bootstrap",
    issuer_name="console-issuer",
    service_account_name="admin-bot",
    oauth_scope="org:admin",
    applies_to_all_workspaces=True,
)


def with_console_rule() -> tuple:
    state = desired(
        [
            sa("ci", description="CI deployer", memberships={PROD_WS: "workspace_developer"}),
            sa("admin-bot", organization_role="admin"),
        ],
        [issuer("github"), issuer("console-issuer", url="https://idp.acme.example")],
        [rule("deploy"), ADMIN_RULE],
    )
    return state, live_from(state)


def test_organization_mismatch_stops_the_plan() -> None:
    state = baseline().model_copy(
        update={"organization_id": "11111111-0000-0000-0000-000000000000"}
    )
    with pytest.raises(PlanError) as caught:
        compute_plan(state, live_from(baseline()))
    assert caught.value.render() == (
        "the configuration is for organization 11111111-0000-0000-0000-000000000000, but the "
        f"credential belongs to {ORG.id} (Acme); use a credential of that organization or fix "
        "organization_id in the configuration"
    )


def test_console_managed_rule_and_issuer_are_listed_never_pruned() -> None:
    state, live = with_console_rule()
    only_ci = desired(
        [
            sa("ci", description="CI deployer", memberships={PROD_WS: "workspace_developer"}),
            sa("admin-bot", organization_role="admin"),
        ],
        [issuer("github")],
        [rule("deploy")],
    )
    plan = compute_plan(only_ci, live, prune=True)
    assert plan.is_empty()
    assert plan.console_managed == ("issuer/console-issuer", "rule/bootstrap")
    assert plan.unmanaged == ()

    # Declared exactly as it is live: fine, no change.
    assert compute_plan(state, live).is_empty()


def test_changing_a_console_managed_rule_is_a_plan_error() -> None:
    state, live = with_console_rule()
    changed = state.model_copy(
        update={
            "rules": {
                **state.rules,
                "bootstrap": ADMIN_RULE.model_copy(update={"token_lifetime_seconds": 600}),
            }
        }
    )
    with pytest.raises(PlanError) as caught:
        compute_plan(changed, live)
    assert caught.value.resources == ["rule/bootstrap"]
    assert "is Console-managed" in caught.value.render()
    assert "refuses to change token_lifetime_seconds" in caught.value.render()


def test_changing_an_issuer_backing_a_console_rule_is_a_plan_error() -> None:
    state, live = with_console_rule()
    changed = state.model_copy(
        update={
            "issuers": {
                **state.issuers,
                "console-issuer": issuer("console-issuer", url="https://idp2.acme.example"),
            }
        }
    )
    with pytest.raises(PlanError) as caught:
        compute_plan(changed, live)
    assert caught.value.render() == (
        "issuer/console-issuer: backs a Console-managed rule, so the API refuses to change it "
        "(issuer_url); change it in the Console or declare it as it is"
    )


def test_creating_a_console_scope_rule_is_a_plan_error() -> None:
    state = baseline().model_copy(
        update={"rules": {"deploy": rule("deploy", oauth_scope="workspace:manage_tunnels")}}
    )
    with pytest.raises(PlanError) as caught:
        compute_plan(state, live_from(baseline().model_copy(update={"rules": {}})))
    assert caught.value.resources == ["rule/deploy"]


def test_prune_keeps_the_issuer_a_protected_rule_uses() -> None:
    # Since prune is the default (issue 30) it leaves a staying rule's issuer and service
    # account alone instead of refusing the plan: archiving them would break the rule
    # `protect` keeps, and the API refuses it anyway.
    live = live_from(baseline())
    keep_rule = desired(
        [sa("ci", description="CI deployer", memberships={PROD_WS: "workspace_developer"})],
        protect=frozenset({"rule/deploy"}),
    )
    plan = compute_plan(keep_rule, live, prune=True)
    assert [(c.kind, c.name, c.action) for c in plan.changes if c.action is Action.ARCHIVE] == []
    assert "issuer/github" in plan.unmanaged
    assert plan.still_granting[0].startswith("rule/deploy (")


def test_replacing_a_service_account_an_unmanaged_rule_targets_is_refused() -> None:
    state = baseline()
    extra = rule("other")
    live = live_from(state.model_copy(update={"rules": {**state.rules, "other": extra}}))
    renamed = desired(
        [sa("deployer", memberships={PROD_WS: "workspace_developer"})],
        [issuer("github")],
        [rule("deploy", service_account_name="deployer")],
        previous_names={(Kind.SERVICE_ACCOUNT, "deployer"): ("ci",)},
    )
    with pytest.raises(PlanError) as caught:
        compute_plan(renamed, live)
    assert caught.value.resources == ["service_account/ci", "rule/other"]


def test_rule_in_a_workspace_its_service_account_is_not_a_member_of_is_a_warning() -> None:
    # Revision 2, §5.8: the API accepts it and checks membership only at the exchange.
    state = baseline().model_copy(
        update={"rules": {"deploy": rule("deploy", workspace_ids=frozenset({STAGING_WS}))}}
    )
    plan = compute_plan(state, live_from(baseline()))
    assert plan.warnings == (
        "rule/deploy is enabled in workspace Staging (wrkspc_01staging), where "
        "service_account/ci is not a member: the token exchange refuses that workspace; add "
        "the membership or remove the workspace",
    )
    assert [s.operation for s in plan.steps] == [
        Operation.ENABLE_RULE_WORKSPACE,
        Operation.DISABLE_RULE_WORKSPACE,
    ]


def test_default_workspace_membership_is_implicit() -> None:
    from tests.support.states import DEFAULT_WS

    state = baseline().model_copy(
        update={"rules": {"deploy": rule("deploy", workspace_ids=frozenset({DEFAULT_WS}))}}
    )
    plan = compute_plan(state, live_from(baseline()))
    # Enabled first, then the old workspace goes: never enabled nowhere (§2.7.3).
    assert [s.operation for s in plan.steps] == [
        Operation.ENABLE_RULE_WORKSPACE,
        Operation.DISABLE_RULE_WORKSPACE,
    ]
    assert plan.warnings == ()


def test_archived_workspace_is_refused() -> None:
    state = baseline().model_copy(
        update={
            "service_accounts": {
                "ci": sa(
                    "ci", memberships={PROD_WS: "workspace_developer", OLD_WS: "workspace_user"}
                )
            }
        }
    )
    with pytest.raises(PlanError) as caught:
        compute_plan(state, live_from(baseline()))
    assert caught.value.render() == (
        "service_account/ci: workspace Old (wrkspc_01old) is archived; the API refuses it"
    )


def test_two_resources_claiming_one_previous_name() -> None:
    state = desired(
        issuers=[issuer("a"), issuer("b")],
        previous_names={(Kind.ISSUER, "a"): ("old",), (Kind.ISSUER, "b"): ("old",)},
    )
    live = live_from(desired(issuers=[issuer("old")]))
    with pytest.raises(PlanError) as caught:
        compute_plan(state, live)
    assert caught.value.render() == (
        "issuer/a, issuer/b: both declare issuer/old as a previous name; only one resource "
        "can take it over"
    )


def test_previous_name_that_is_still_declared() -> None:
    state = desired(
        issuers=[issuer("a"), issuer("old")], previous_names={(Kind.ISSUER, "a"): ("old",)}
    )
    with pytest.raises(PlanError) as caught:
        compute_plan(state, live_from(desired(issuers=[issuer("old")])))
    assert caught.value.resources == ["issuer/a", "issuer/old"]


def test_org_admin_rule_on_a_developer_service_account() -> None:
    state, live = with_console_rule()
    demoted = state.model_copy(
        update={"service_accounts": {**state.service_accounts, "admin-bot": sa("admin-bot")}}
    )
    with pytest.raises(PlanError) as caught:
        compute_plan(demoted, live)
    assert caught.value.resources == ["rule/bootstrap", "service_account/admin-bot"]
    assert (
        "grants org:admin, but service_account/admin-bot will have organization_role developer"
        in caught.value.render()
    )


def archived_copy(name: str) -> LiveServiceAccount:
    return LiveServiceAccount(
        spec=sa(name),
        meta=meta(
            "svac",
            name,
            archived_at="2026-03-01T10:00:00Z",
            archived_by_actor_id="user_01revoker",
        ),
    )


def test_service_account_whose_only_copy_is_archived_cannot_get_its_name_back() -> None:
    state = desired([sa("ci")])
    live = live_from(desired(), archived_service_accounts=(archived_copy("ci"),))
    with pytest.raises(PlanError) as caught:
        compute_plan(state, live, recreate_archived=True)
    assert caught.value.render() == (
        f"service_account/ci: its only live copy {live_id('svac', 'ci')} was archived by "
        "user_01revoker at 2026-03-01T10:00:00Z; a service account cannot be un-archived and "
        "its name cannot be reused or changed, so give it a new name in the configuration "
        "(e.g. ci-2) and point its rules at that name"
    )


def test_an_archived_rules_name_is_refused_at_plan_time_with_a_free_name() -> None:
    # Issue 30: the archived rule keeps its name (409 on create), so --recreate-archived
    # cannot help and the plan says so instead of letting apply stop half-way.
    state = baseline()
    live = live_from(state.model_copy(update={"rules": {}}))
    archived = LiveRule(
        spec=rule("deploy"),
        meta=LiveMeta(
            id="fdrl_01gone",
            archived_at="2026-03-01T10:00:00Z",
            archived_by_actor_id="user_01revoker",
        ),
        issuer_id=live_id("fdis", "github"),
        service_account_id=live_id("svac", "ci"),
    )
    live = live.model_copy(update={"archived_rules": (archived,)})
    for recreate in (False, True):
        with pytest.raises(PlanError) as caught:
            compute_plan(state, live, recreate_archived=recreate)
        assert caught.value.render() == (
            "rule/deploy: declared, but its only live copy fdrl_01gone was archived by "
            "user_01revoker at 2026-03-01T10:00:00Z, and an archived rule keeps its name (the "
            "API refuses a new one under it with 409, --recreate-archived included): give it a "
            "new name in the configuration, e.g. deploy-2, or remove it from the configuration"
        )


def test_several_problems_are_reported_together() -> None:
    state = baseline().model_copy(
        update={
            "organization_id": None,
            "service_accounts": {
                "ci": sa(
                    "ci", memberships={PROD_WS: "workspace_developer", OLD_WS: "workspace_user"}
                )
            },
            "rules": {"other": rule("other", issuer_name="nowhere")},
        }
    )
    with pytest.raises(PlanProblems) as caught:
        compute_plan(state, live_from(baseline()))
    assert caught.value.render().splitlines() == [
        "rule/other: references issuer/nowhere, which is neither declared nor live",
        "service_account/ci: workspace Old (wrkspc_01old) is archived; the API refuses it",
        "2 problems found; nothing was planned.",
    ]


def test_self_lockout_guard() -> None:
    live = live_from(baseline())
    me = SelfIdentity(rule_id=live_id("fdrl", "deploy"))
    narrowed = baseline().model_copy(
        update={
            "rules": {
                "deploy": rule("deploy", match=RuleMatchSpec(subject_prefix="repo:acme/other:*"))
            }
        }
    )
    with pytest.raises(UnsafePlanError) as caught:
        compute_plan(narrowed, live, self_identity=me)
    assert caught.value.render() == (
        f"rule/deploy: fedctl is authenticated through {live_id('fdrl', 'deploy')}, and this plan "
        "updates its rule, which would lock fedctl out; pass --allow-self-lockout if that is "
        "intended"
    )
    assert not compute_plan(narrowed, live, self_identity=me, allow_self_lockout=True).is_empty()

    pruned = desired(prune=True)
    with pytest.raises(PlanError) as many:
        compute_plan(pruned, live, self_identity=me)
    assert "archives its rule" in many.value.render()
    assert "archives its service account" in many.value.render()
    assert "archives its issuer" in many.value.render()

    # A description change does not narrow anything.
    described = baseline().model_copy(update={"rules": {"deploy": rule("deploy", description="x")}})
    assert len(compute_plan(described, live, self_identity=me).changes) == 1


def test_federated_caller_cannot_create_an_admin_service_account() -> None:
    live = live_from(baseline())
    state = baseline().model_copy(
        update={
            "service_accounts": {
                **baseline().service_accounts,
                "boss": sa("boss", organization_role="admin"),
            }
        }
    )
    with pytest.raises(PlanError) as caught:
        compute_plan(state, live, self_identity=SelfIdentity(rule_id="fdrl_01elsewhere"))
    assert caught.value.resources == ["service_account/boss"]
    assert compute_plan(state, live).changes[0].name == "boss"


def test_inline_private_key_material_is_refused() -> None:
    jwks = {"type": "inline", "keys": [{"kty": "EC", "kid": "k1", "d": "secret"}]}
    state = desired(issuers=[issuer("inline", jwks=jwks)])
    with pytest.raises(PlanError) as caught:
        compute_plan(state, live_from(desired()))
    assert "secret" not in caught.value.render()
    assert caught.value.resources == ["issuer/inline"]


def test_renaming_into_a_name_an_archived_copy_holds_is_refused() -> None:
    from fedctl.core.state import LiveIssuer

    gone = LiveIssuer(
        spec=issuer("gha"),
        meta=LiveMeta(
            id="fdis_01gone", archived_at="2026-03-01T10:00:00Z", archived_by_actor_id="user_01x"
        ),
    )
    live = live_from(baseline(), archived_issuers=(gone,))
    renamed = baseline().model_copy(
        update={
            "issuers": {"gha": issuer("gha")},
            "rules": {"deploy": rule("deploy", issuer_name="gha")},
            "previous_names": {(Kind.ISSUER, "gha"): ("github",)},
        }
    )
    with pytest.raises(PlanError) as caught:
        compute_plan(renamed, live)
    assert caught.value.render() == (
        "issuer/gha: cannot take over the name from issuer/github: fdis_01gone was archived by "
        "user_01x at 2026-03-01T10:00:00Z and the API may keep its name reserved; choose "
        "another name"
    )


UNPINNED = RuleMatchSpec(claims={"ref": "refs/heads/main"})
UNPINNED_MESSAGE = (
    "rule/deploy: the API refuses a rule on the shared GitHub Actions issuer that pins no "
    "tenant (other customers' tokens would match); pin one of repository_owner, "
    "repository_owner_id, repository, repository_id, enterprise, enterprise_id in "
    "match.claims or match.condition, or a tenant subject_prefix"
)


def test_new_rule_on_a_shared_issuer_without_a_tenant_pin_is_refused() -> None:
    state = baseline().model_copy(update={"rules": {"deploy": rule("deploy", match=UNPINNED)}})
    live = live_from(baseline()).model_copy(update={"rules": {}})
    with pytest.raises(PlanError) as caught:
        compute_plan(state, live)
    assert caught.value.render() == UNPINNED_MESSAGE


def test_tenant_pinned_by_a_condition_is_accepted() -> None:
    pinned = RuleMatchSpec(
        claims={"ref": "refs/heads/main"}, condition='claims.repository_owner == "acme"'
    )
    state = baseline().model_copy(update={"rules": {"deploy": rule("deploy", match=pinned)}})
    plan = compute_plan(state, live_from(baseline()))
    assert [(c.name, c.action) for c in plan.changes] == [("deploy", Action.UPDATE)]


def test_unpinned_rule_the_plan_does_not_write_is_left_alone() -> None:
    # A legacy (Console-made) rule the API accepted before the check: no write, no refusal.
    state = baseline().model_copy(update={"rules": {"deploy": rule("deploy", match=UNPINNED)}})
    assert compute_plan(state, live_from(state)).is_empty()


def test_moving_an_issuer_onto_a_shared_url_rechecks_its_rules() -> None:
    before = desired(
        [sa("ci", memberships={PROD_WS: "workspace_developer"})],
        [issuer("github", url="https://ci.acme.example")],
        [rule("deploy", match=UNPINNED)],
    )
    after = before.model_copy(update={"issuers": {"github": issuer("github")}})
    with pytest.raises(PlanError) as caught:
        compute_plan(after, live_from(before))
    assert caught.value.render() == UNPINNED_MESSAGE


def test_legacy_unpinned_rule_cannot_be_renamed_out_of_the_way() -> None:
    # Live: a rule made before the API's tenant check; desired: the same name on GitLab.
    before = baseline().model_copy(update={"rules": {"deploy": rule("deploy", match=UNPINNED)}})
    after = baseline().model_copy(
        update={
            "issuers": {
                "github": issuer("github"),
                "gitlab": issuer("gitlab", url="https://gitlab.com"),
            },
            "rules": {
                "deploy": rule(
                    "deploy",
                    issuer_name="gitlab",
                    match=RuleMatchSpec(subject_prefix="project_path:acme/app:ref_type:branch:"),
                )
            },
        }
    )
    with pytest.raises(PlanError) as caught:
        compute_plan(after, live_from(before))
    assert caught.value.render() == (
        "rule/deploy: the live rule pins no tenant on the shared GitHub Actions issuer, and "
        "the API re-checks that on every update, so fedctl cannot rename it out of the way "
        "of its replacement; declare the replacement under a new name and archive the old "
        "rule (prune, or the Console)"
    )


def test_pinned_rule_is_renamed_out_of_the_way_as_usual() -> None:
    after = baseline().model_copy(
        update={
            "issuers": {
                "github": issuer("github"),
                "gitlab": issuer("gitlab", url="https://gitlab.com"),
            },
            "rules": {
                "deploy": rule(
                    "deploy",
                    issuer_name="gitlab",
                    match=RuleMatchSpec(subject_prefix="project_path:acme/app:ref_type:branch:"),
                )
            },
        }
    )
    plan = compute_plan(after, live_from(baseline()))
    assert [(c.name, c.action) for c in plan.changes if c.kind is Kind.RULE] == [
        ("deploy", Action.REPLACE)
    ]
