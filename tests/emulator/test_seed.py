"""`--seed`: Console-made resources from fedctl YAML (fedctl/emulator/seed.py)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from fedctl.emulator.seed import SeedError
from fedctl.emulator.server import running_emulator

SEED = """
version: 1
service_accounts:
  - name: bootstrap
    description: Console-made admin
    organization_role: admin
  - name: ci-deployer
    workspaces:
      - workspace: production
        role: workspace_developer
issuers:
  - name: bootstrap-idp
    issuer_url: https://idp.example.com
    jwks: {type: inline, keys_file: jwks.json}
    check_jti: false
rules:
  - name: bootstrap-admin
    issuer: bootstrap-idp
    service_account: bootstrap
    match: {subject_prefix: "repo:acme/infra:ref:refs/heads/main"}
    oauth_scope: org:admin
    workspaces: [default]
  - name: deploy
    issuer: bootstrap-idp
    service_account: ci-deployer
    match: {claims: {repository_owner: acme}}
    workspaces: [production, default]
"""
JWKS = '{"keys": [{"kty": "RSA", "kid": "a", "n": "xyz", "e": "AQAB"}]}'


def test_seed_creates_console_made_resources_once(tmp_path: Path) -> None:
    (tmp_path / "seed.yaml").write_text(SEED)
    (tmp_path / "jwks.json").write_text(JWKS)
    state = str(tmp_path / "org.db")
    for _ in range(2):  # the second start re-reads the seed and changes nothing
        with running_emulator(state_path=state, seed_path=str(tmp_path / "seed.yaml")) as emulator:
            headers = {"authorization": f"Bearer {emulator.admin_token}"}
            rules = httpx.get(
                emulator.base_url + "/v1/organizations/federation_rules", headers=headers
            ).json()["data"]
            by_name = {rule["name"]: rule for rule in rules}
            assert sorted(by_name) == ["bootstrap-admin", "deploy"]
            assert by_name["bootstrap-admin"]["oauth_scope"] == "org:admin"
            assert by_name["bootstrap-admin"]["target"]["service_account_name"] == "bootstrap"
            assert len(by_name["deploy"]["workspace_ids"]) == 2
            issuers = httpx.get(
                emulator.base_url + "/v1/organizations/federation_issuers", headers=headers
            ).json()["data"]
            assert issuers[0]["jwks"]["keys"][0]["kid"] == "a"
            assert issuers[0]["check_jti"] is False


def test_seed_errors_name_the_file_and_resource(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("rules:\n  - name: r\n    issuer: missing\n    service_account: x\n")
    with pytest.raises(SeedError, match=r"seed.yaml: rules\[r\]: .*'missing' is not declared"):
        running_emulator(seed_path=str(seed)).__enter__()
    seed.write_text("service_accounts:\n  - name: Bad_Name\n")
    with pytest.raises(SeedError, match=r"service_accounts\[Bad_Name\]: name:"):
        running_emulator(seed_path=str(seed)).__enter__()


def test_binary_seed_and_keys_files_are_seed_errors(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_bytes(b"\xff\xfe")
    with pytest.raises(SeedError) as caught:
        running_emulator(seed_path=str(seed)).__enter__()
    assert str(caught.value) == f"{seed}: cannot read seed file: not UTF-8 text"
    seed.write_text(
        "issuers:\n  - name: i\n    issuer_url: https://idp.example.com\n"
        "    jwks: {type: inline, keys_file: keys.json}\n"
    )
    (tmp_path / "keys.json").write_bytes(b"\xff")
    with pytest.raises(SeedError, match=r"seed.yaml: issuers\[i\]: .*keys.json"):
        running_emulator(seed_path=str(seed)).__enter__()
