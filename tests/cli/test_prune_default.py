"""The files are the whole truth by default (issue 30 item 1), against the emulator.

Deleting a rule from the files archives it and its token exchange fails afterwards;
`settings.unmanaged` and `settings.prune: false` leave undeclared resources alone, and
the plan says which undeclared rules still grant access.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator
from tests.support.idtokens import (
    GITHUB_ISSUER,
    SigningKey,
    github_actions_claims,
    make_signing_key,
    sign_token,
)

GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
STILL = "still grants access; not managed by this configuration"


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return make_signing_key("ES256", kid="k1")


def _rule(name: str, service_account: str, issuer: str, repository: str) -> dict[str, Any]:
    return {
        "name": name,
        "issuer": issuer,
        "service_account": service_account,
        "match": {
            "subject_prefix": f"repo:{repository}:ref:refs/heads/main",
            "audience": "https://api.anthropic.com",
            "claims": {"repository_owner_id": "91234567", "repository": repository},
            "condition": 'claims.event_name == "push"',
        },
        "oauth_scope": "workspace:inference",
        "workspaces": ["production"],
    }


def _account(name: str) -> dict[str, Any]:
    return {"name": name, "workspaces": [{"workspace": "production", "role": "workspace_user"}]}


def _issuer(name: str, url: str, key: SigningKey) -> dict[str, Any]:
    return {"name": name, "issuer_url": url, "jwks": {"type": "inline", "keys": [key.public_jwk()]}}


def write(folder: Path, document: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fedctl.yaml").write_text(yaml.safe_dump({"version": 1, **document}))
    return folder


def ours(key: SigningKey, *rules: str, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Our team's files: the deploy account, the GitHub issuer and the named rules."""
    repositories = {"deploy": "acme/payments-api", "release": "acme/release"}
    document: dict[str, Any] = {
        "service_accounts": [_account("deployer")],
        "issuers": [_issuer("github", GITHUB_ISSUER, key)],
        "rules": [_rule(name, "deployer", "github", repositories[name]) for name in rules],
    }
    if settings is not None:
        document["settings"] = settings
    return document


def theirs(key: SigningKey) -> dict[str, Any]:
    """Another team's resources, created through their own configuration."""
    return {
        "settings": {"prune": False},
        "service_accounts": [_account("data-etl")],
        "issuers": [_issuer("data-idp", "https://idp.data.acme.example", key)],
        "rules": [_rule("data-team-etl", "data-etl", "data-idp", "acme/etl")],
    }


def run(emulator: RunningEmulator, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, [*args, "--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
    )
    return result.exit_code, result.stdout, result.stderr


def apply(emulator: RunningEmulator, folder: Path, *flags: str) -> str:
    code, out, err = run(emulator, "apply", str(folder), "--auto-approve", *flags)
    assert code == 0, out + err
    return out


def live_rules(emulator: RunningEmulator) -> dict[str, dict[str, Any]]:
    response = httpx.get(
        f"{emulator.base_url}/v1/organizations/federation_rules",
        headers={"Authorization": f"Bearer {emulator.admin_token}"},
        params={"include_archived": "true", "limit": "100"},
    )
    response.raise_for_status()
    return {rule["name"]: rule for rule in response.json()["data"]}


def exchange(emulator: RunningEmulator, key: SigningKey, rule: dict[str, Any]) -> int:
    repository = "acme/payments-api" if rule["name"] == "deploy" else "acme/release"
    claims = github_actions_claims(
        sub=f"repo:{repository}:ref:refs/heads/main", repository=repository
    )
    body = {
        "grant_type": GRANT,
        "assertion": sign_token(key, claims),
        "federation_rule_id": rule["id"],
        "organization_id": emulator.organization_id,
        "service_account_id": rule["target"]["service_account_id"],
    }
    return httpx.post(f"{emulator.base_url}/v1/oauth/token", json=body).status_code


def test_deleting_a_rule_from_the_files_archives_it_and_revokes_its_exchange(
    emulator: RunningEmulator, key: SigningKey, tmp_path: Path
) -> None:
    apply(emulator, write(tmp_path / "v1", ours(key, "deploy", "release")))
    before = live_rules(emulator)
    assert exchange(emulator, key, before["deploy"]) == 200

    smaller = write(tmp_path / "v2", ours(key, "release"))
    code, out, err = run(emulator, "plan", str(smaller), "--detailed-exitcode")
    assert code == 2, out + err
    assert (
        "  - narrowing rule/deploy: rule archived: tokens it admitted are no longer admitted "
        "for its grants; e.g. no longer admits sub=repo:acme/payments-api:"
    ) in out
    assert f"    - rule/deploy ({before['deploy']['id']})\n" in out
    assert out.endswith("Plan: 0 to create, 0 to update, 0 to replace, 1 to archive.\n")
    assert STILL not in out
    # The files do not say prune: the plan says where the archive comes from.
    assert (
        "  1 live resource(s) no file declares will be archived: settings.prune is true by default"
    ) in out
    explicit = write(tmp_path / "v2-explicit", ours(key, "release", settings={"prune": True}))
    code, out, _ = run(emulator, "plan", str(explicit))
    assert "settings.prune is true by default" not in out
    assert out.endswith("1 to archive.\n")

    apply(emulator, smaller)
    after = live_rules(emulator)
    assert after["deploy"]["archived_at"] is not None
    assert exchange(emulator, key, before["deploy"]) != 200
    assert exchange(emulator, key, after["release"]) == 200
    code, out, _ = run(emulator, "plan", str(smaller), "--detailed-exitcode")
    assert (code, out.endswith("No changes.\n")) == (0, True)


def test_unmanaged_leaves_another_teams_rule_and_what_it_uses_alone(
    emulator: RunningEmulator, key: SigningKey, tmp_path: Path
) -> None:
    apply(emulator, write(tmp_path / "data", theirs(key)))
    etl = live_rules(emulator)["data-team-etl"]
    mine = write(
        tmp_path / "mine", ours(key, "deploy", settings={"unmanaged": ["rule/data-team-*"]})
    )
    code, out, err = run(emulator, "plan", str(mine))
    assert code == 0, out + err
    assert (
        "Not managed here (settings.unmanaged; never changed by this configuration):\n"
        f"  rule/data-team-etl ({etl['id']})\n"
    ) in out
    # Its issuer and service account stay too: archiving them would break the rule.
    assert out.endswith("Plan: 3 to create, 0 to update, 0 to replace, 0 to archive.\n")
    assert (
        f"  ! rule/data-team-etl ({etl['id']}): {STILL} "
        "(as service_account/data-etl in workspaces production)\n"
    ) in out

    code, out, _ = run(emulator, "plan", str(mine), "--format", "markdown")
    assert (
        "<details><summary>Not managed here: 1 live resource(s) settings.unmanaged leaves to "
        "another team</summary>"
    ) in out
    assert f"- `rule/data-team-etl ({etl['id']})`" in out

    apply(emulator, mine)
    assert live_rules(emulator)["data-team-etl"]["archived_at"] is None
    code, out, _ = run(emulator, "plan", str(mine), "--format", "json")
    document = json.loads(out)
    assert document["not_managed_here"] == [f"rule/data-team-etl ({etl['id']})"]
    assert document["changes"] == []


def test_an_id_in_unmanaged_keeps_that_resource(
    emulator: RunningEmulator, key: SigningKey, tmp_path: Path
) -> None:
    apply(emulator, write(tmp_path / "data", theirs(key)))
    etl = live_rules(emulator)["data-team-etl"]
    mine = write(tmp_path / "mine", ours(key, "deploy", settings={"unmanaged": [etl["id"]]}))
    apply(emulator, mine)
    assert live_rules(emulator)["data-team-etl"]["archived_at"] is None


def test_prune_false_leaves_undeclared_resources_and_says_they_still_grant_access(
    emulator: RunningEmulator, key: SigningKey, tmp_path: Path
) -> None:
    apply(emulator, write(tmp_path / "data", theirs(key)))
    etl = live_rules(emulator)["data-team-etl"]
    mine = write(tmp_path / "mine", ours(key, "deploy", settings={"prune": False}))
    code, out, err = run(emulator, "plan", str(mine))
    assert code == 0, out + err
    assert (
        "Live rules no file declares (they keep minting tokens):\n"
        f"  ! rule/data-team-etl ({etl['id']}): {STILL} "
        "(as service_account/data-etl in workspaces production)\n"
    ) in out
    assert out.endswith("0 to archive.\n")
    code, out, _ = run(emulator, "plan", str(mine), "--format", "markdown")
    assert f"- `rule/data-team-etl` ({etl['id']}): {STILL}" in out

    apply(emulator, mine)
    assert live_rules(emulator)["data-team-etl"]["archived_at"] is None
    code, out, _ = run(emulator, "plan", str(mine), "--format", "json")
    assert json.loads(out)["still_granting"] == [
        f"rule/data-team-etl ({etl['id']}): {STILL} "
        "(as service_account/data-etl in workspaces production)"
    ]


def test_no_prune_flag_overrides_the_default_for_one_run(
    emulator: RunningEmulator, key: SigningKey, tmp_path: Path
) -> None:
    apply(emulator, write(tmp_path / "data", theirs(key)))
    mine = write(tmp_path / "mine", ours(key, "deploy"))
    code, out, _ = run(emulator, "plan", str(mine), "--no-prune")
    assert code == 0
    assert out.endswith("Plan: 3 to create, 0 to update, 0 to replace, 0 to archive.\n")
    code, out, _ = run(emulator, "plan", str(mine))
    assert out.endswith("Plan: 3 to create, 0 to update, 0 to replace, 3 to archive.\n")
