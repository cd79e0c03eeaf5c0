"""Table-driven tests of the access diff: each classification, with its exact reason line."""

from __future__ import annotations

import pytest

from fedctl.access import Effect
from fedctl.access.diff import compute_access_diff
from fedctl.core.state import IssuerSpec, Kind, ServiceAccountSpec
from fedctl.plan.actions import Action, Change
from tests.access.helpers import GITHUB, PROD, STAGING, desired_state, live_state, rule

MAIN = "repo:acme/app:ref:refs/heads/main"
ACCOUNTS = [ServiceAccountSpec(name="ci"), ServiceAccountSpec(name="deployer")]
REF_MAIN = 'claims.ref == "refs/heads/main"'
ACTOR_HOSTED = 'claims.runner_environment == "github-hosted"'
DEFAULT_SUMMARY = (
    "tokens of github-actions; sub repo:acme/app:ref:refs/heads/main; repository_owner=acme "
    "-> ci, workspace:inference, in wrkspc_prod (prod), 600s"
)

CASES = [
    # (id, before, after, effect, reason)
    (
        "subject widened to every event of the repository",
        rule(),
        rule(subject_prefix="repo:acme/app:*"),
        Effect.BROADENING,
        "match widened: admits tokens it did not; e.g. admits sub=repo:acme/app:, "
        "repository_owner=acme",
    ),
    (
        "subject widened to the whole owner",
        rule(),
        rule(subject_prefix="repo:acme/*"),
        Effect.BROADENING,
        "match widened: admits tokens it did not; e.g. admits sub=repo:acme/, "
        "repository_owner=acme",
    ),
    (
        "subject widened past the tenant delimiter",
        rule(),
        rule(subject_prefix="repo:acme*"),
        Effect.BROADENING,
        "match widened: admits tokens it did not; e.g. admits sub=repo:acme, repository_owner=acme",
    ),
    (
        "subject widened to every branch",
        rule(),
        rule(subject_prefix="repo:acme/app:ref:refs/heads/*"),
        Effect.BROADENING,
        "match widened: admits tokens it did not; e.g. admits "
        "sub=repo:acme/app:ref:refs/heads/, repository_owner=acme",
    ),
    (
        "subject removed",
        rule(),
        rule(subject_prefix=None),
        Effect.BROADENING,
        "match widened: admits tokens it did not; e.g. admits repository_owner=acme",
    ),
    (
        "subject narrowed to one branch",
        rule(subject_prefix="repo:acme/app:*"),
        rule(),
        Effect.NARROWING,
        "match narrowed: no longer admits some tokens; e.g. no longer admits "
        "sub=repo:acme/app:, repository_owner=acme",
    ),
    (
        "subject set where it was unset",
        rule(subject_prefix=None),
        rule(),
        Effect.NARROWING,
        "match narrowed: no longer admits some tokens; e.g. no longer admits repository_owner=acme",
    ),
    (
        "subject swapped for a sibling",
        rule(),
        rule(subject_prefix="repo:acme/app:environment:prod"),
        Effect.MIXED,
        "match changed: admits some tokens it did not, and no longer others; e.g. admits "
        "sub=repo:acme/app:environment:prod, repository_owner=acme; e.g. no longer admits "
        "sub=repo:acme/app:ref:refs/heads/main, repository_owner=acme",
    ),
    (
        "claim pin added",
        rule(),
        rule(claims={"repository_owner": "acme", "ref": "refs/heads/main"}),
        Effect.NARROWING,
        "match narrowed: no longer admits some tokens; e.g. no longer admits "
        "sub=repo:acme/app:ref:refs/heads/main, repository_owner=acme",
    ),
    (
        "claim pin removed",
        rule(),
        rule(claims=None),
        Effect.BROADENING,
        "match widened: admits tokens it did not; e.g. admits "
        "sub=repo:acme/app:ref:refs/heads/main",
    ),
    (
        "claim value changed",
        rule(),
        rule(claims={"repository_owner": "acme-labs"}),
        Effect.MIXED,
        "match changed: admits some tokens it did not, and no longer others; e.g. admits "
        "sub=repo:acme/app:ref:refs/heads/main, repository_owner=acme-labs; e.g. no longer "
        "admits sub=repo:acme/app:ref:refs/heads/main, repository_owner=acme",
    ),
    (
        "audience set where the issuer default applied",
        rule(),
        rule(audience="https://api.anthropic.com"),
        Effect.NEUTRAL,
        "match rewritten: admits exactly the tokens it did",
    ),
    (
        "audience removed",
        rule(audience="https://api.anthropic.com"),
        rule(),
        Effect.NEUTRAL,
        "match rewritten: admits exactly the tokens it did",
    ),
    (
        "condition added",
        rule(),
        rule(condition=REF_MAIN),
        Effect.NARROWING,
        "match narrowed: no longer admits some tokens; e.g. no longer admits "
        "sub=repo:acme/app:ref:refs/heads/main, repository_owner=acme",
    ),
    (
        "condition removed",
        rule(condition=REF_MAIN),
        rule(),
        Effect.BROADENING,
        "match widened: admits tokens it did not; e.g. admits "
        "sub=repo:acme/app:ref:refs/heads/main, repository_owner=acme",
    ),
    (
        "condition gains a conjunct",
        rule(condition=REF_MAIN),
        rule(condition=f"({REF_MAIN}) && {ACTOR_HOSTED}"),
        Effect.NARROWING,
        "match narrowed: no longer admits some tokens; e.g. no longer admits "
        "sub=repo:acme/app:ref:refs/heads/main, ref=refs/heads/main, repository_owner=acme",
    ),
    (
        "condition loses a conjunct",
        rule(condition=f"{REF_MAIN} && {ACTOR_HOSTED}"),
        rule(condition=ACTOR_HOSTED),
        Effect.BROADENING,
        "match widened: admits tokens it did not; e.g. admits "
        "sub=repo:acme/app:ref:refs/heads/main, repository_owner=acme, "
        "runner_environment=github-hosted",
    ),
    (
        "condition reformatted",
        rule(condition=f"{REF_MAIN} && {ACTOR_HOSTED}"),
        rule(condition=f"{ACTOR_HOSTED}  &&\n  ({REF_MAIN})"),
        Effect.NEUTRAL,
        "match rewritten: admits exactly the tokens it did",
    ),
    (
        "condition rewritten: cannot be proven, so possibly broadening (never neutral)",
        rule(condition=REF_MAIN),
        rule(condition='claims.ref != "refs/heads/dev"'),
        Effect.BROADENING,
        "match widened: admits tokens it did not; e.g. admits "
        "sub=repo:acme/app:ref:refs/heads/main, ref=r, repository_owner=acme",
    ),
    (
        "condition gains a disjunct",
        rule(condition=REF_MAIN),
        rule(condition=f'{REF_MAIN} || claims.ref == "refs/heads/dev"'),
        Effect.BROADENING,
        "match widened: admits tokens it did not; e.g. admits "
        "sub=repo:acme/app:ref:refs/heads/main, ref=refs/heads/dev, repository_owner=acme",
    ),
    (
        "string literal whitespace is meaningful",
        rule(condition='claims.actor == "a b"'),
        rule(condition='claims.actor == "a  b"'),
        Effect.MIXED,
        "match changed: admits some tokens it did not, and no longer others; e.g. admits "
        "sub=repo:acme/app:ref:refs/heads/main, actor=a  b, repository_owner=acme; e.g. no "
        "longer admits sub=repo:acme/app:ref:refs/heads/main, actor=a b, repository_owner=acme",
    ),
    (
        "scope raised to developer",
        rule(),
        rule(oauth_scope="workspace:developer"),
        Effect.BROADENING,
        "oauth_scope changed from workspace:inference to workspace:developer: adds "
        "workspace:developer",
    ),
    (
        "scope lowered to inference",
        rule(oauth_scope="workspace:developer"),
        rule(),
        Effect.NARROWING,
        "oauth_scope changed from workspace:developer to workspace:inference: drops "
        "workspace:developer",
    ),
    (
        "scope spelled with an implied token",
        rule(oauth_scope="workspace:developer"),
        rule(oauth_scope="workspace:developer workspace:inference"),
        Effect.NEUTRAL,
        "no change to who can mint what",
    ),
    (
        "workspace added",
        rule(),
        rule(workspace_ids=frozenset({PROD, STAGING})),
        Effect.BROADENING,
        "workspaces: adds wrkspc_staging (staging)",
    ),
    (
        "workspace removed",
        rule(workspace_ids=frozenset({PROD, STAGING})),
        rule(),
        Effect.NARROWING,
        "workspaces: removes wrkspc_staging (staging)",
    ),
    (
        "workspace swapped",
        rule(),
        rule(workspace_ids=frozenset({STAGING})),
        Effect.MIXED,
        "workspaces: adds wrkspc_staging (staging); removes wrkspc_prod (prod)",
    ),
    (
        "all workspaces turned on",
        rule(),
        rule(applies_to_all_workspaces=True),
        Effect.BROADENING,
        "applies_to_all_workspaces turned on: every workspace, including ones created later",
    ),
    (
        "all workspaces turned off",
        rule(applies_to_all_workspaces=True),
        rule(),
        Effect.NARROWING,
        "applies_to_all_workspaces turned off: only wrkspc_prod (prod)",
    ),
    (
        "service account retargeted",
        rule(),
        rule(service_account_name="deployer"),
        Effect.BROADENING,
        "target changed from ci to deployer: deployer gains the power to mint these tokens",
    ),
    (
        "token lifetime raised",
        rule(),
        rule(token_lifetime_seconds=3600),
        Effect.BROADENING,
        "token_lifetime_seconds raised from 600 to 3600: minted tokens live longer",
    ),
    (
        "token lifetime lowered",
        rule(),
        rule(token_lifetime_seconds=300),
        Effect.NARROWING,
        "token_lifetime_seconds lowered from 600 to 300: minted tokens expire sooner",
    ),
    (
        "widened subject with a shorter lifetime is mixed",
        rule(),
        rule(subject_prefix="repo:acme/app:*", token_lifetime_seconds=300),
        Effect.MIXED,
        "match widened: admits tokens it did not; e.g. admits sub=repo:acme/app:, "
        "repository_owner=acme; token_lifetime_seconds lowered from 600 to 300: minted tokens "
        "expire sooner",
    ),
    (
        "possibly broadening condition with a narrower scope is mixed",
        rule(oauth_scope="workspace:developer", condition=REF_MAIN),
        rule(condition='claims.ref.startsWith("refs/heads/")'),
        Effect.MIXED,
        "match changed: admits some tokens it did not, and no longer others; e.g. admits "
        "sub=repo:acme/app:ref:refs/heads/main, ref=refs/heads/, repository_owner=acme; e.g. "
        "no longer admits sub=repo:acme/app:ref:refs/heads/main, ref=refs/heads/main, "
        "repository_owner=acme; oauth_scope changed from workspace:developer to "
        "workspace:inference: drops workspace:developer",
    ),
    (
        "description only",
        rule(),
        rule(description="Deploys from main"),
        Effect.NEUTRAL,
        "no change to who can mint what",
    ),
    (
        "new rule",
        None,
        rule(),
        Effect.BROADENING,
        "new rule admits tokens no rule of its grants admitted before; e.g. admits "
        "sub=repo:acme/app:ref:refs/heads/main, repository_owner=acme (tokens of "
        "github-actions; sub repo:acme/app:ref:refs/heads/main; repository_owner=acme -> ci, "
        "workspace:inference, in wrkspc_prod (prod), 600s)",
    ),
    (
        "rule archived by prune",
        rule(),
        None,
        Effect.NARROWING,
        "rule archived: tokens it admitted are no longer admitted for its grants; e.g. no "
        "longer admits sub=repo:acme/app:ref:refs/heads/main, repository_owner=acme (tokens of "
        "github-actions; sub repo:acme/app:ref:refs/heads/main; repository_owner=acme -> ci, "
        "workspace:inference, in wrkspc_prod (prod), 600s)",
    ),
]


@pytest.mark.parametrize(
    ("before", "after", "effect", "reason"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rule_change_is_classified_with_its_reason(before, after, effect, reason):
    desired = desired_state(rules=[after] if after else [], accounts=ACCOUNTS, prune=True)
    live = live_state(rules=[before] if before else [], accounts=ACCOUNTS)

    diff = compute_access_diff(desired, live)

    assert [(change.address, change.effect, change.reason) for change in diff.changes] == [
        ("rule/deploy", effect, reason)
    ]


def test_identical_states_have_no_access_changes():
    desired = desired_state(rules=[rule()])
    assert compute_access_diff(desired, live_state(rules=[rule()])).changes == ()


def test_an_undeclared_rule_is_left_alone_without_prune():
    diff = compute_access_diff(desired_state(), live_state(rules=[rule()]))
    assert diff.changes == ()


def test_plan_changes_decide_what_is_archived_and_reported():
    desired = desired_state(rules=[rule(name="other", token_lifetime_seconds=60)])
    live = live_state(rules=[rule(), rule(name="other")])
    archive = Change(kind=Kind.RULE, name="deploy", action=Action.ARCHIVE)

    diff = compute_access_diff(desired, live, plan_changes=[archive])

    # "other" admits the same tokens for the same grant, so archiving deploy takes no
    # token away (issue 29: judged by what the grant's rules admit, not by names).
    assert [(change.address, change.effect) for change in diff.changes] == [
        ("rule/deploy", Effect.NEUTRAL)
    ]


def test_a_renamed_issuer_is_not_an_issuer_change_of_its_rules():
    renamed = GITHUB.model_copy(update={"name": "gha"})
    desired = desired_state(
        rules=[rule(issuer_name="gha")],
        issuers=[renamed],
        previous_names={(Kind.ISSUER, "gha"): ("github-actions",)},
    )
    assert compute_access_diff(desired, live_state(rules=[rule()])).changes == ()


def test_broadening_changes_come_first_and_set_the_overall_effect():
    desired = desired_state(
        rules=[
            rule(name="a", token_lifetime_seconds=60),
            rule(name="b", oauth_scope="workspace:developer"),
        ]
    )
    live = live_state(rules=[rule(name="a"), rule(name="b")])

    diff = compute_access_diff(desired, live)

    assert [change.address for change in diff.changes] == ["rule/b", "rule/a"]
    assert diff.effect is Effect.MIXED
    assert diff.broadens


ISSUER_CASES = [
    (
        "check_jti disabled",
        {"check_jti": False},
        Effect.BROADENING,
        "check_jti disabled: an assertion can be exchanged more than once (replay)",
    ),
    (
        "max_jwt_lifetime raised",
        {"max_jwt_lifetime_seconds": 7200},
        Effect.BROADENING,
        "max_jwt_lifetime_seconds raised from 3600 to 7200: longer-lived assertions are accepted",
    ),
    (
        "max_jwt_lifetime lowered",
        {"max_jwt_lifetime_seconds": 600},
        Effect.NARROWING,
        "max_jwt_lifetime_seconds lowered from 3600 to 600: only shorter-lived assertions are "
        "accepted",
    ),
    (
        "issuer_url changed",
        {"issuer_url": "https://token.actions.githubusercontent.com/acme"},
        Effect.MIXED,
        "issuer_url changed from https://token.actions.githubusercontent.com to "
        "https://token.actions.githubusercontent.com/acme: every rule under it matches tokens "
        "of a different issuer",
    ),
    (
        "jwks moved to an explicit URL",
        {
            "jwks": {
                "type": "explicit_url",
                "url": "https://keys.example.com/jwks",
                "ca_cert_pem": None,
            }
        },
        Effect.MIXED,
        "jwks changed from discovery to explicit_url https://keys.example.com/jwks: tokens signed "
        "by different keys are accepted",
    ),
]


@pytest.mark.parametrize(
    ("fields", "effect", "reason"),
    [case[1:] for case in ISSUER_CASES],
    ids=[case[0] for case in ISSUER_CASES],
)
def test_issuer_change_is_classified_for_every_rule_under_it(fields, effect, reason):
    desired = desired_state(rules=[rule()], issuers=[GITHUB.model_copy(update=fields)])

    diff = compute_access_diff(desired, live_state(rules=[rule()]))

    assert [(c.address, c.effect, c.reason, c.affected_rules) for c in diff.changes] == [
        ("issuer/github-actions", effect, reason, ("deploy",))
    ]


def test_inline_keys_are_named_by_kid_and_thumbprint_only():
    key = {"kty": "EC", "crv": "P-256", "x": "secret-looking-x", "y": "y", "kid": "k1"}
    new_key = {**key, "kid": "k2", "x": "other-x"}
    old = IssuerSpec(
        name="self", issuer_url="https://idp.example.com", jwks={"type": "inline", "keys": [key]}
    )
    new = old.model_copy(update={"jwks": {"type": "inline", "keys": [key, new_key]}})

    diff = compute_access_diff(desired_state(issuers=[new]), live_state(issuers=[old]))

    (change,) = diff.changes
    assert (change.effect, change.reason) == (
        Effect.BROADENING,
        "jwks: adds key k2 (sha256 D7vrEuWZTjRf): tokens signed by different keys are accepted",
    )
    assert "other-x" not in change.reason


def test_service_account_role_and_membership_changes():
    old = ServiceAccountSpec(name="ci", memberships={PROD: "workspace_user"})
    new = ServiceAccountSpec(
        name="ci",
        organization_role="admin",
        memberships={PROD: "workspace_developer", STAGING: "workspace_user"},
    )
    diff = compute_access_diff(
        desired_state(rules=[rule()], accounts=[new]), live_state(rules=[rule()], accounts=[old])
    )

    (change,) = diff.changes
    assert (change.address, change.effect, change.affected_rules) == (
        "service_account/ci",
        Effect.BROADENING,
        ("deploy",),
    )
    assert change.reason == (
        "organization_role changed from developer to admin: tokens minted as it can do more; "
        "membership in wrkspc_prod changed from workspace_user to workspace_developer; "
        "membership added in wrkspc_staging as workspace_user"
    )
