"""Comparing what a write sent with what the server holds (used after unknown outcomes)."""

from __future__ import annotations

from typing import Any

from fedctl.api import wire
from fedctl.api.writes import differences


def rule(**overrides: Any) -> wire.FederationRule:
    data: dict[str, Any] = {
        "id": "fdrl_1",
        "name": "deploy",
        "description": None,
        "issuer_id": "fdis_1",
        "match": {
            "subject_prefix": "repo:a/b:*",
            "audience": None,
            "claims": None,
            "condition": None,
        },
        "target": {
            "type": "service_account",
            "service_account_id": "svac_1",
            "service_account_name": "ci",
        },
        "oauth_scope": "workspace:developer",
        "workspace_ids": ["wrkspc_1"],
        "workspace_id": None,
        "unknown_future_field": {"x": 1},
    }
    data.update(overrides)
    return wire.FederationRule.model_validate(data)


def test_equal_meanings_do_not_differ() -> None:
    sent = {
        "name": "deploy",
        "issuer_id": "fdis_1",
        "description": "",
        "match": {"subject_prefix": "repo:a/b:*", "claims": {}},
        "target": {"type": "service_account", "service_account_id": "svac_1"},
        "workspace_id": "wrkspc_1",
        "oauth_scope": "workspace:developer",
    }
    assert differences(rule(), sent) == []


def test_changed_fields_are_named() -> None:
    sent = {
        "match": {"subject_prefix": "repo:a/c:*"},
        "target": {"type": "service_account", "service_account_id": "svac_2"},
        "workspace_id": "wrkspc_9",
        "token_lifetime_seconds": 600,
    }
    assert differences(rule(), sent) == [
        "match",
        "target",
        "workspace_id",
        "token_lifetime_seconds",
    ]


def test_null_means_unchanged_except_for_description() -> None:
    assert differences(rule(description="old"), {"oauth_scope": None}) == []
    assert differences(rule(description="old"), {"description": None}) == ["description"]
