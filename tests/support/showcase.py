"""One plan with every action, for the golden-file tests of the renderers."""

from __future__ import annotations

from fedctl.core.state import Kind, LiveIssuer, LiveMeta, RuleMatchSpec
from fedctl.plan.plan import Plan, compute_plan
from tests.support.states import (
    PROD_WS,
    STAGING_WS,
    desired,
    issuer,
    live_from,
    rule,
    sa,
)

INLINE_KEY = {
    "kty": "EC",
    "crv": "P-256",
    "x": "DFn5MzzFk2xkCHmXJyp04H3mprRKVagPp7n5L49_lG4",
    "y": "ufJ4xcj-TbzQ4IoHjDIVzJ_wAcAKU5erQb-kYqEUmn0",
    "kid": "build-signer-2026-01",
}
INLINE_KEY_MATERIAL = INLINE_KEY["x"]


GITLAB_SUBJECT = "project_path:acme/app:ref_type:branch:ref:main"


def showcase_plan() -> Plan:
    before = desired(
        [
            sa("ci", description="CI deployer", memberships={PROD_WS: "workspace_developer"}),
            sa("old-bot", memberships={PROD_WS: "workspace_user"}),
            sa("stale"),
            sa("admin-bot", organization_role="admin"),
        ],
        [
            issuer("github"),
            issuer("console-idp", url="https://idp.acme.example"),
            issuer("legacy", url="https://legacy.acme.example"),
        ],
        [
            rule("deploy"),
            rule("nightly", service_account_name="old-bot"),
            rule("legacy-job", issuer_name="legacy", service_account_name="stale"),
            rule(
                "bootstrap",
                issuer_name="console-idp",
                service_account_name="admin-bot",
                oauth_scope="org:admin",
                applies_to_all_workspaces=True,
            ),
            rule("kept", service_account_name="ci"),
        ],
    )
    # Archived under another name: an archived issuer keeps its name (issue 30), so
    # `build` is a plain create.
    archived_issuer = LiveIssuer(
        spec=issuer("build-2025", url="https://build.acme.example"),
        meta=LiveMeta(
            id="fdis_01archivedbuild",
            archived_at="2026-02-03T04:05:06Z",
            archived_by_actor_id="user_01revoker",
        ),
    )
    live = live_from(before, archived_issuers=(archived_issuer,))
    after = desired(
        [
            sa(
                "ci",
                description="Deploys from main",
                memberships={PROD_WS: "workspace_developer", STAGING_WS: "workspace_user"},
            ),
            sa("nightly-bot", memberships={PROD_WS: "workspace_user"}),
            sa("admin-bot", organization_role="admin"),
        ],
        [
            issuer("github", max_jwt_lifetime_seconds=900),
            issuer("gitlab", url="https://gitlab.com"),
            issuer(
                "build",
                url="https://build.acme.example",
                jwks={"type": "inline", "keys": [INLINE_KEY]},
            ),
        ],
        [
            rule(
                "deploy",
                match=RuleMatchSpec(
                    subject_prefix="repo:acme/app:ref:refs/heads/main",
                    audience="https://api.anthropic.com",
                ),
                workspace_ids=frozenset({PROD_WS, STAGING_WS}),
            ),
            rule(
                "nightly",
                issuer_name="gitlab",
                service_account_name="nightly-bot",
                match=RuleMatchSpec(subject_prefix=GITLAB_SUBJECT),
            ),
            rule("ship", issuer_name="build", token_lifetime_seconds=600),
        ],
        previous_names={(Kind.SERVICE_ACCOUNT, "nightly-bot"): ("old-bot",)},
        protect=frozenset({"kept"}),
    )
    return compute_plan(
        after, live, prune=True, recreate_archived=True, config_digest="sha256:0123abcd"
    )
