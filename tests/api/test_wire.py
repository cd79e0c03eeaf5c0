"""Response models read every plausible reading of what the contract leaves open."""

from __future__ import annotations

from typing import Any

import pytest

from fedctl.api import wire

ARCHIVED_RULE: dict[str, Any] = {
    "type": "federation_rule",
    "id": "fdrl_01",
    "name": "deploy",
    "issuer_id": "fdis_01",
    "match": {"subject_prefix": "repo:acme/app:ref:refs/heads/main"},
    "target": {"type": "service_account", "service_account_id": "svac_01"},
    "oauth_scope": "workspace:developer",
    "token_lifetime_seconds": 600,
    "workspace_id": None,
    "archived_at": "2026-01-01T00:00:00Z",
}


@pytest.mark.parametrize(
    "cleared",
    [
        {"applies_to_all_workspaces": None, "workspace_ids": []},
        {"applies_to_all_workspaces": False, "workspace_ids": None},
        {},  # both keys left out
    ],
)
def test_an_archived_rule_reads_whatever_archive_did_to_its_targeting(
    cleared: dict[str, Any],
) -> None:
    # §2.6.5: archive clears workspace_id and workspace_ids; whether it resets
    # applies_to_all_workspaces (to false, or null) is [unspecified] (§8.1 item 23).
    rule = wire.FederationRule.model_validate({**ARCHIVED_RULE, **cleared})
    assert (rule.applies_to_all_workspaces, rule.workspace_ids) == (False, [])


def test_null_never_stands_for_a_required_value() -> None:
    with pytest.raises(Exception, match="oauth_scope"):
        wire.FederationRule.model_validate({**ARCHIVED_RULE, "oauth_scope": None})
