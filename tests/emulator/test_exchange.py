"""Token exchange (POST /v1/oauth/token) and what minted tokens may do (contract §7, §5.9)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fedctl.emulator.db import Actor
from fedctl.emulator.server import RunningEmulator
from tests.emulator.helpers import GITHUB, OAUTH_BETA, Api, assert_error
from tests.support.idtokens import (
    SigningKey,
    github_actions_claims,
    make_signing_key,
    sign_token,
)

TOKEN = "/v1/oauth/token"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return make_signing_key("RS256", kid="k1")


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[Api]:
    client = Api(emulator)
    yield client
    client.client.close()


class Setup:
    def __init__(self, api: Api, key: SigningKey, **rule_fields: Any) -> None:
        self.api = api
        self.key = key
        self.account = api.account("ci")
        api.join(self.account["id"], "production")
        self.issuer = api.issuer("gh", GITHUB, jwks={"type": "inline", "keys": [key.public_jwk()]})
        fields = {
            "match": {"claims": {"repository_owner": "acme"}},
            "workspace_id": api.workspace("production"),
            **rule_fields,
        }
        self.rule = api.rule(self.issuer["id"], self.account["id"], **fields)

    def body(self, assertion: str, **overrides: Any) -> dict[str, Any]:
        body = {
            "grant_type": GRANT,
            "assertion": assertion,
            "federation_rule_id": self.rule["id"],
            "organization_id": self.api.emulator.organization_id,
            "service_account_id": self.account["id"],
        }
        body.update(overrides)
        return {key: value for key, value in body.items() if value is not None}

    def exchange(self, assertion: str, **overrides: Any) -> httpx.Response:
        return httpx.post(
            self.api.emulator.base_url + TOKEN, json=self.body(assertion, **overrides)
        )

    def token(self, **claims: Any) -> str:
        return sign_token(self.key, github_actions_claims(**claims))


def test_exchange_mints_a_bound_token(api: Api, key: SigningKey) -> None:
    setup = Setup(api, key, token_lifetime_seconds=600)
    response = setup.exchange(setup.token())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["access_token"].startswith("sk-ant-oat01-")
    assert (body["token_type"], body["scope"]) == ("Bearer", "workspace:inference")
    # exp is 300 s away: max(60, min(600, 2 * 300)) = 600 minus the seconds elapsed
    assert 590 <= body["expires_in"] <= 600
    workspace_token = httpx.get(
        api.emulator.base_url + "/v1/organizations/service_accounts",
        headers={"authorization": f"Bearer {body['access_token']}", "anthropic-beta": OAUTH_BETA},
    )
    assert_error(workspace_token, 403, "permission_error")


@pytest.mark.parametrize("beta", [None, "", "files-api-2025-04-14", "oauth-2025-04-2"])
def test_minted_token_without_the_oauth_beta_is_refused(
    api: Api, key: SigningKey, beta: str | None
) -> None:
    setup = Setup(api, key, oauth_scope="workspace:inference")
    minted = setup.exchange(setup.token()).json()["access_token"]
    headers = {"authorization": f"Bearer {minted}"}
    if beta is not None:
        headers["anthropic-beta"] = beta
    response = httpx.get(api.emulator.base_url + "/v1/organizations/me", headers=headers)
    assert_error(response, 401, "authentication_error")
    assert "anthropic-beta: oauth-2025-04-20" in response.json()["error"]["message"]


def test_minted_token_with_the_oauth_beta_among_others_is_accepted(
    api: Api, key: SigningKey
) -> None:
    setup = Setup(api, key, oauth_scope="workspace:inference")
    minted = setup.exchange(setup.token()).json()["access_token"]
    response = httpx.get(
        api.emulator.base_url + "/v1/organizations/me",
        headers={
            "authorization": f"Bearer {minted}",
            "anthropic-beta": "files-api-2025-04-14 , oauth-2025-04-20",
        },
    )
    # Past authentication: what stops it now is the inference scope, not the header.
    assert_error(response, 403, "permission_error")


def test_static_admin_token_needs_no_oauth_beta(api: Api) -> None:
    response = httpx.get(
        api.emulator.base_url + "/v1/organizations/me",
        headers={"authorization": f"Bearer {api.emulator.admin_token}"},
    )
    assert response.status_code == 200, response.text


def test_jti_is_single_use_per_issuer(api: Api, key: SigningKey) -> None:
    setup = Setup(api, key)
    assertion = setup.token()
    assert setup.exchange(assertion).status_code == 200
    replay = setup.exchange(assertion)
    assert_error(replay, 401, "authentication_error")
    assert replay.json()["error"]["message"] == "Authentication failed"
    assert api.emulator.exchange_history[-1] == (setup.rule["id"], "jti_reused")


@pytest.mark.parametrize(
    ("claims", "headers", "reason"),
    [
        ({"iss": GITHUB + "/"}, None, "iss_mismatch"),
        ({"repository_owner": "acme-labs"}, None, "match_failed"),
        ({"aud": "https://example.com"}, None, "match_failed"),
        # Times are offsets from when the test runs (resolved below), not from collection:
        # under load a test may run minutes after its module was imported.
        ({"exp": -60}, None, "invalid_assertion:ExpiredSignatureError"),
        ({"iat": 120}, None, "invalid_assertion:ImmatureSignatureError"),
        ({"exp": 4000}, None, "lifetime_too_long"),
        ({}, {"kid": "other"}, "unknown_kid"),
    ],
)
def test_denials_are_opaque_401s(
    api: Api, key: SigningKey, claims: dict[str, Any], headers: dict[str, Any] | None, reason: str
) -> None:
    setup = Setup(api, key)
    now = int(time.time())
    claims = {k: now + v if k in {"iat", "exp"} else v for k, v in claims.items()}
    assertion = sign_token(key, github_actions_claims(**claims), headers=headers)
    response = setup.exchange(assertion)
    assert_error(response, 401, "authentication_error")
    assert response.json()["error"]["message"] == "Authentication failed"
    assert api.emulator.exchange_history[-1] == (setup.rule["id"], reason)


def test_missing_kid_symmetric_and_unsigned_tokens_are_refused(api: Api, key: SigningKey) -> None:
    setup = Setup(api, key)
    import jwt

    no_kid = jwt.encode(github_actions_claims(), key.private_key, algorithm="RS256")  # type: ignore[arg-type]
    hmac = jwt.encode(
        github_actions_claims(), "secret" * 8, algorithm="HS256", headers={"kid": "k1"}
    )
    unsigned = jwt.encode(github_actions_claims(), None, algorithm="none", headers={"kid": "k1"})
    for assertion, reason in (
        (no_kid, "kid_missing"),
        (hmac, "algorithm_not_allowed"),
        (unsigned, "algorithm_not_allowed"),
    ):
        assert_error(setup.exchange(assertion), 401, "authentication_error")
        assert api.emulator.exchange_history[-1][1] == reason


def test_request_shape_errors_are_400(api: Api, key: SigningKey) -> None:
    setup = Setup(api, key)
    assertion = setup.token()
    malformed = setup.exchange(assertion, federation_rule_id="rule-1")
    assert_error(malformed, 400, "invalid_request_error")
    assert malformed.json()["error"]["message"] == (
        "federation_rule_id is not a well-formed fdrl_ tagged ID"
    )
    assert_error(setup.exchange(assertion, workspace_id="prod"), 400, "invalid_request_error")
    empty = setup.exchange(assertion, service_account_id="")
    assert_error(empty, 400, "invalid_request_error")
    other = setup.exchange(assertion, service_account_id="svac_01other")
    assert_error(other, 401, "authentication_error")
    assert api.emulator.exchange_history[-1][1] == "service_account_mismatch"


def test_exchange_without_service_account_id_uses_the_rules_target(
    api: Api, key: SigningKey
) -> None:
    # Revision 2, §7.1: the SDK sends service_account_id only when configured.
    setup = Setup(api, key)
    missing = setup.body(setup.token())
    del missing["service_account_id"]
    response = httpx.post(api.emulator.base_url + TOKEN, json=missing)
    assert response.status_code == 200, response.text
    minted = Api(api.emulator, response.json()["access_token"])
    try:
        # The minted token acts as the rule's target: its scope (inference) is what stops it.
        minted.fail(403, "permission_error", "GET", "/v1/organizations/service_accounts")
    finally:
        minted.client.close()


def test_discovery_issuers_are_not_fetched(api: Api, key: SigningKey) -> None:
    account = api.account("ci")
    issuer = api.issuer("gh", GITHUB)
    rule = api.rule(issuer["id"], account["id"], match={"claims": {"repository_owner": "acme"}})
    response = httpx.post(
        api.emulator.base_url + TOKEN,
        json={
            "grant_type": GRANT,
            "assertion": sign_token(key, github_actions_claims()),
            "federation_rule_id": rule["id"],
            "organization_id": api.emulator.organization_id,
            "service_account_id": account["id"],
        },
    )
    assert_error(response, 401, "authentication_error")
    assert "does not fetch keys" in response.json()["error"]["message"]


def test_workspace_resolution(api: Api, key: SigningKey) -> None:
    setup = Setup(api, key)
    api.join(setup.account["id"], "staging")
    api.ok(
        "POST",
        f"/v1/organizations/federation_rules/{setup.rule['id']}/workspaces",
        {"workspace_id": api.workspace("staging")},
    )
    # Two enabled, none named, the default not among them: refused (§7.3 item 8).
    assert_error(setup.exchange(setup.token()), 401, "authentication_error")
    assert api.emulator.exchange_history[-1][1] == "workspace_id_required"
    chosen = setup.exchange(setup.token(), workspace_id=api.workspace("staging"))
    assert chosen.status_code == 200
    default = setup.exchange(setup.token(), workspace_id="default")
    assert_error(default, 401, "authentication_error")
    assert api.emulator.exchange_history[-1][1] == "workspace_not_enabled"


def test_several_enabled_and_none_named_uses_the_default_when_covered(
    api: Api, key: SigningKey
) -> None:
    # Revision 2, §7.1/§7.3 item 8: the default workspace when the rule covers it.
    setup = Setup(api, key)
    default_id = api.workspace("Default")
    api.ok(
        "POST",
        f"/v1/organizations/federation_rules/{setup.rule['id']}/workspaces",
        {"workspace_id": default_id},
    )
    response = setup.exchange(setup.token())
    assert response.status_code == 200, response.text
    assert api.emulator.exchange_history[-1] == (setup.rule["id"], "success")
    assert api.emulator.store.lookup_token(response.json()["access_token"]).workspace_id == (
        default_id
    )


def test_condition_and_subject_prefix_are_evaluated(api: Api, key: SigningKey) -> None:
    setup = Setup(
        api,
        key,
        match={
            "subject_prefix": "repo:acme/*",
            "condition": 'claims.ref == "refs/heads/main" && claims.event_name in ["push"]',
        },
    )
    assert setup.exchange(setup.token()).status_code == 200
    assert setup.exchange(setup.token(event_name="pull_request_target")).status_code == 401
    assert setup.exchange(setup.token(sub="repo:other/x:ref:refs/heads/main")).status_code == 401


def test_federated_admin_token_acts_as_its_service_account(
    api: Api, key: SigningKey, emulator: RunningEmulator
) -> None:
    admin = api.account("bootstrap", organization_role="admin")
    issuer = api.issuer(
        "bootstrap-idp", GITHUB, jwks={"type": "inline", "keys": [key.public_jwk()]}
    )
    rule = emulator.store.create_rule(
        Actor.console(),
        api.rule_body(
            issuer["id"],
            admin["id"],
            oauth_scope="org:admin",
            match={"claims": {"repository_owner": "acme"}},
        ),
    )
    response = httpx.post(
        emulator.base_url + TOKEN,
        json={
            "grant_type": GRANT,
            "assertion": sign_token(key, github_actions_claims()),
            "federation_rule_id": rule["id"],
            "organization_id": emulator.organization_id,
            "service_account_id": admin["id"],
        },
    )
    assert response.status_code == 200, response.text
    federated = Api(emulator, response.json()["access_token"])
    try:
        created = federated.account("made-by-workload")
        assert created["created_by_actor_id"] == admin["id"]
        federated.fail(
            403,
            "permission_error",
            "POST",
            "/v1/organizations/service_accounts",
            {"name": "new-admin", "organization_role": "admin"},
        )
        federated.fail(
            403,
            "permission_error",
            "POST",
            f"/v1/organizations/service_accounts/{created['id']}",
            {"organization_role": "admin"},
        )
        assert federated.ok("GET", "/v1/organizations/me")["id"] == emulator.organization_id
        api.ok(
            "POST",
            f"/v1/organizations/service_accounts/{admin['id']}",
            {"organization_role": "developer"},
        )
        federated.fail(403, "permission_error", "GET", "/v1/organizations/service_accounts")
    finally:
        federated.client.close()
