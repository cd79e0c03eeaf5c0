"""An emulator organization built by 'fedctl' (the admin user) from the quickstart config."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"
FEDCTL_ACTOR = "user_01LocalEmulatorAdminUser0"  # the emulator's org:admin token's user


def copy_quickstart(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(QUICKSTART, target)
    return target


def build_quickstart(emulator: Any) -> dict[str, str]:
    """Create the quickstart's resources over HTTP as the admin user; returns their IDs."""
    headers = {"authorization": f"Bearer {emulator.admin_token}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers) as http:

        def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
            response = http.post(f"/v1/organizations/{path}", json=body)
            assert response.status_code == 200, response.text
            result: dict[str, Any] = response.json()
            return result

        workspaces = http.get("/v1/organizations/workspaces").json()["data"]
        production = next(w["id"] for w in workspaces if w["name"] == "production")
        account = post(
            "service_accounts",
            {
                "name": "payments-inference",
                "description": "Calls Claude from the payments build pipeline",
                "organization_role": "developer",
            },
        )
        post(
            f"service_accounts/{account['id']}/workspaces",
            {"workspace_id": production, "workspace_role": "workspace_developer"},
        )
        issuer = post(
            "federation_issuers",
            {
                "name": "acme-build",
                "issuer_url": "https://build.acme.example",
                "jwks": {
                    "type": "inline",
                    "keys": [
                        {
                            "kty": "EC",
                            "crv": "P-256",
                            "x": "DFn5MzzFk2xkCHmXJyp04H3mprRKVagPp7n5L49_lG4",
                            "y": "ufJ4xcj-TbzQ4IoHjDIVzJ_wAcAKU5erQb-kYqEUmn0",
                            "kid": "build-signer-2026-01",
                            "use": "sig",
                            "alg": "ES256",
                        }
                    ],
                },
                "max_jwt_lifetime_seconds": 900,
            },
        )
        rule = post(
            "federation_rules",
            {
                "name": "payments-main",
                "issuer_id": issuer["id"],
                "description": "Main-branch builds of the payments service",
                "match": {
                    "subject_prefix": "pipeline:payments:ref:refs/heads/main",
                    "audience": "https://api.anthropic.com",
                    "claims": {"project": "payments"},
                },
                "target": {"type": "service_account", "service_account_id": account["id"]},
                "oauth_scope": "workspace:inference",
                "workspace_id": production,
                "token_lifetime_seconds": 600,
            },
        )
    return {"service_account": account["id"], "issuer": issuer["id"], "rule": rule["id"]}
