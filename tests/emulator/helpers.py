"""Plain-httpx helpers for emulator tests: an API client that checks the error shape."""

from __future__ import annotations

from typing import Any

import httpx

from fedctl.emulator.server import RunningEmulator

GITHUB = "https://token.actions.githubusercontent.com"


OAUTH_BETA = "oauth-2025-04-20"


class Api:
    """Thin httpx wrapper bound to one emulator and one bearer token."""

    def __init__(self, emulator: RunningEmulator, token: str | None = None) -> None:
        self.emulator = emulator
        headers = {"authorization": f"Bearer {token or emulator.admin_token}"}
        if token is not None:
            # A minted token is accepted only with the OAuth beta, as the SDK sends it (§1.3).
            headers["anthropic-beta"] = OAUTH_BETA
        self.client = httpx.Client(base_url=emulator.base_url, headers=headers, timeout=10)

    def ok(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        response = self.client.request(method, path, json=body, params=params or None)
        assert response.status_code == 200, response.text
        assert response.headers["request-id"].startswith("req_")
        return response.json()

    def fail(
        self, status: int, error_type: str, method: str, path: str, body: Any = None, **params: Any
    ) -> httpx.Response:
        response = self.client.request(method, path, json=body, params=params or None)
        assert_error(response, status, error_type)
        return response

    def workspace(self, name: str) -> str:
        listing = self.ok("GET", "/v1/organizations/workspaces", include_default="true")
        return next(ws["id"] for ws in listing["data"] if ws["name"] == name)

    def account(self, name: str = "ci", **fields: Any) -> dict[str, Any]:
        return dict(self.ok("POST", "/v1/organizations/service_accounts", {"name": name, **fields}))

    def join(self, account_id: str, workspace_name: str) -> None:
        self.ok(
            "POST",
            f"/v1/organizations/service_accounts/{account_id}/workspaces",
            {
                "workspace_id": self.workspace(workspace_name),
                "workspace_role": "workspace_developer",
            },
        )

    def issuer(self, name: str = "gh", issuer_url: str = GITHUB, **fields: Any) -> dict[str, Any]:
        return dict(
            self.ok(
                "POST",
                "/v1/organizations/federation_issuers",
                {"name": name, "issuer_url": issuer_url, **fields},
            )
        )

    def rule_body(self, issuer_id: str, account_id: str, **fields: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": "deploy",
            "issuer_id": issuer_id,
            "match": {"subject_prefix": "repo:acme/app:ref:refs/heads/main"},
            "target": {"type": "service_account", "service_account_id": account_id},
            "oauth_scope": "workspace:inference",
            "workspace_id": self.workspace("Default"),
        }
        body.update(fields)
        return body

    def rule(self, issuer_id: str, account_id: str, **fields: Any) -> dict[str, Any]:
        return dict(
            self.ok(
                "POST",
                "/v1/organizations/federation_rules",
                self.rule_body(issuer_id, account_id, **fields),
            )
        )


def assert_error(response: httpx.Response, status: int, error_type: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"] == "error"
    assert body["error"]["type"] == error_type
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert body["request_id"] == response.headers["request-id"]
