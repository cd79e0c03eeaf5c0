"""The access diff's JSON sides are made by the renderer from resolved rules: plain JSON,
workspaces labelled `ID (name)` as they always were."""

from __future__ import annotations

import json

from fedctl.access.model import AccessChange, AccessDiff, Effect
from fedctl.core.resolved import ResolvedRule
from fedctl.core.state import Kind
from fedctl.render.access import access_json


def test_a_side_with_claims_and_named_workspaces_is_plain_json() -> None:
    rule = ResolvedRule(
        name="deploy",
        issuer_name="gha",
        issuer_url="https://token.actions.githubusercontent.com",
        service_account_name="ci",
        description="",
        subject_prefix="repo:acme/app:",
        audience=None,
        claims=(("ref", "refs/heads/main"),),
        condition=None,
        oauth_scope="workspace:developer",
        workspace_ids=("wrkspc_02", "wrkspc_01"),
        workspace_names=(("wrkspc_01", "production"),),
        applies_to_all_workspaces=False,
        token_lifetime_seconds=600,
    )
    assert rule.claims_dict["ref"] == "refs/heads/main"  # the cached mapping is built
    diff = AccessDiff(
        changes=(AccessChange(kind=Kind.RULE, name="deploy", effect=Effect.NEUTRAL, after=rule),)
    )
    side = json.loads(json.dumps(access_json(diff)))["changes"][0]["after"]
    assert side["claims"] == {"ref": "refs/heads/main"}
    assert side["workspaces"] == ["wrkspc_01 (production)", "wrkspc_02"]
