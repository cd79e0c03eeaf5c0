"""A large configuration (>= 100 resources) and bystanders, for the fault-tolerance tests.

30 service accounts with two memberships each, 8 issuers (inline keys: nothing is
dialled) and 70 rules, each enabled in both workspaces of its service account. Apart
from it, three bystander resources are created straight through the API before apply
runs; apply must leave them exactly as they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

WORKSPACES = ("production", "staging", "dev", "qa")
ACCOUNTS = 30
ISSUERS = 8
RULES = 70
BYSTANDERS = {"bystander-sa", "bystander-idp", "bystander-rule"}

KEY = (
    "      keys:\n"
    "        - kty: EC\n"
    "          crv: P-256\n"
    "          x: DFn5MzzFk2xkCHmXJyp04H3mprRKVagPp7n5L49_lG4\n"
    "          y: ufJ4xcj-TbzQ4IoHjDIVzJ_wAcAKU5erQb-kYqEUmn0\n"
    "          kid: signer-{index}\n"
)


def _account_workspaces(index: int) -> tuple[str, str]:
    first = WORKSPACES[index % len(WORKSPACES)]
    second = WORKSPACES[(index + 1) % len(WORKSPACES)]
    return first, second


def write_fleet_config(directory: Path) -> Path:
    """Write the configuration as four files; returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    accounts = ["version: 1", "service_accounts:"]
    for index in range(ACCOUNTS):
        first, second = _account_workspaces(index)
        accounts += [
            f"  - name: sa-{index:02d}",
            f"    description: fleet account {index}",
            "    workspaces:",
            f"      - {{workspace: {first}, role: workspace_developer}}",
            f"      - {{workspace: {second}, role: workspace_user}}",
        ]
    issuers = ["version: 1", "issuers:"]
    for index in range(ISSUERS):
        issuers += [
            f"  - name: idp-{index}",
            f"    issuer_url: https://idp-{index}.build.acme.example",
            "    jwks:",
            "      type: inline",
            KEY.format(index=index).rstrip("\n"),
        ]
    rules = ["version: 1", "rules:"]
    for index in range(RULES):
        account = index % ACCOUNTS
        first, second = _account_workspaces(account)
        rules += [
            f"  - name: rule-{index:02d}",
            f"    issuer: idp-{index % ISSUERS}",
            f"    service_account: sa-{account:02d}",
            "    match:",
            f'      subject_prefix: "pipeline:app-{index}:ref:refs/heads/main"',
            "    oauth_scope: workspace:inference",
            f"    workspaces: [{first}, {second}]",
        ]
    for name, lines in (("accounts", accounts), ("issuers", issuers), ("rules", rules)):
        (directory / f"{name}.yaml").write_text("\n".join(lines) + "\n")
    # The bystanders are declared nowhere and must survive: additive, as before prune
    # became the default (issue 30).
    (directory / "settings.yaml").write_text("version: 1\nsettings:\n  prune: false\n")
    return directory


def fleet_size() -> int:
    return ACCOUNTS + ISSUERS + RULES


def create_bystanders(base_url: str, token: str) -> None:
    """Resources no configuration declares, made as someone else would make them."""
    with httpx.Client(base_url=base_url, headers={"authorization": f"Bearer {token}"}) as http:
        workspaces = _get(http, "/v1/organizations/workspaces?include_default=true")["data"]
        production = next(w["id"] for w in workspaces if w["name"] == "production")
        account = _post(http, "/v1/organizations/service_accounts", {"name": "bystander-sa"})
        _post(
            http,
            f"/v1/organizations/service_accounts/{account['id']}/workspaces",
            {"workspace_id": production, "workspace_role": "workspace_developer"},
        )
        issuer = _post(
            http,
            "/v1/organizations/federation_issuers",
            {
                "name": "bystander-idp",
                "issuer_url": "https://bystander.acme.example",
                "jwks": {"type": "inline", "keys": [{"kty": "EC", "kid": "b", "crv": "P-256"}]},
            },
        )
        _post(
            http,
            "/v1/organizations/federation_rules",
            {
                "name": "bystander-rule",
                "issuer_id": issuer["id"],
                "match": {"subject_prefix": "pipeline:bystander:ref:refs/heads/main"},
                "target": {"type": "service_account", "service_account_id": account["id"]},
                "oauth_scope": "workspace:inference",
                "workspace_id": production,
            },
        )


def _get(http: httpx.Client, path: str) -> Any:
    response = http.get(path)
    response.raise_for_status()
    return response.json()


def _post(http: httpx.Client, path: str, body: dict[str, Any]) -> Any:
    response = http.post(path, json=body)
    response.raise_for_status()
    return response.json()
