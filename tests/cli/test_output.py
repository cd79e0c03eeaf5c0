"""`fedctl output`: the IDs a workload needs, offline from a snapshot and live; the SDK
profile it writes is loaded by the official SDK and exchanges against the emulator."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import anthropic
import pytest
import yaml
from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from fedctl.core.state import LiveState, RuleMatchSpec
from fedctl.live.snapshot import take_snapshot, write_snapshot
from tests.support.federation import Federation, bootstrap_seed
from tests.support.golden import assert_golden
from tests.support.states import (
    ORG,
    STAGING_WS,
    baseline,
    desired,
    issuer,
    live_from,
    live_id,
    rule,
    sa,
)

CONFIG = """\
version: 1
service_accounts:
  - name: ci
issuers:
  - name: github
    issuer_url: https://token.actions.githubusercontent.com
rules:
  - name: deploy
    issuer: github
    service_account: ci
    match: {subject_prefix: "repo:acme/app:ref:refs/heads/main"}
    oauth_scope: workspace:developer
    workspaces: [production]
  - name: everywhere
    issuer: github
    service_account: ci
    match: {subject_prefix: "repo:acme/app:ref:refs/heads/main", audience: "https://acme.example/claude"}
    oauth_scope: workspace:inference
    applies_to_all_workspaces: true
  - name: bootstrap
    issuer: github
    service_account: ci
    match: {subject_prefix: "repo:acme/infra:ref:refs/heads/main"}
    oauth_scope: workspace:manage_tunnels
    workspaces: [default]
"""


def run(args: list[str], **env: str) -> Result:
    return CliRunner().invoke(cli, args, env=env)


def live_state(**rules: Any) -> LiveState:
    state = desired(
        [sa("ci")],
        [issuer("github", max_jwt_lifetime_seconds=900)],
        [
            rule("deploy"),
            rule(
                "everywhere",
                applies_to_all_workspaces=True,
                oauth_scope="workspace:inference",
                match=RuleMatchSpec(
                    subject_prefix="repo:acme/app:ref:refs/heads/main",
                    audience="https://acme.example/claude",
                ),
            ),
            rule(
                "bootstrap",
                oauth_scope="workspace:manage_tunnels",
                workspace_ids=frozenset({"wrkspc_01default"}),
            ),
        ],
    )
    return live_from(state, **rules)


@pytest.fixture
def offline(tmp_path: Path) -> tuple[str, str]:
    """(config folder, snapshot file) for offline runs."""
    folder = tmp_path / "federation"
    folder.mkdir()
    (folder / "fedctl.yaml").write_text(CONFIG)
    snapshot = tmp_path / "snapshot.json"
    write_snapshot(take_snapshot(live_state()), snapshot)
    return str(folder), str(snapshot)


def test_env_lines_for_one_rule(offline: tuple[str, str]) -> None:
    folder, snapshot = offline
    result = run(["output", folder, "deploy", "--snapshot", snapshot])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "unset ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN ANTHROPIC_PROFILE\n"
        "\n"
        '# rule "deploy"\n'
        "# the rule sets no match.audience and the exchange's default is not documented: "
        '"https://api.anthropic.com" is assumed; set match.audience\n'
        f"export ANTHROPIC_ORGANIZATION_ID={ORG.id}\n"
        f"export ANTHROPIC_FEDERATION_RULE_ID={live_id('fdrl', 'deploy')}\n"
        f"export ANTHROPIC_SERVICE_ACCOUNT_ID={live_id('svac', 'ci')}\n"
        'export ANTHROPIC_IDENTITY_TOKEN_FILE="${ANTHROPIC_IDENTITY_TOKEN_FILE:-'
        '/path/to/identity-token}"  # placeholder: the path of the identity token\n'
    )
    assert result.stderr == (
        "warning: rule deploy sets no match.audience; the exchange's default audience is not "
        "documented, so this output assumes https://api.anthropic.com. Set match.audience to "
        "the audience your workload requests.\n"
    )


def test_a_rule_in_several_workspaces_needs_workspace(offline: tuple[str, str]) -> None:
    folder, snapshot = offline
    result = run(["output", folder, "everywhere", "--snapshot", snapshot])
    assert result.exit_code == 1
    assert result.output == (
        "error: rule everywhere: spans several workspaces (default, Production, Staging); "
        "choose one with --workspace NAME\n"
    )
    result = run(["output", folder, "everywhere", "--snapshot", snapshot, "--workspace", "Staging"])
    assert result.exit_code == 0, result.output
    assert f"export ANTHROPIC_WORKSPACE_ID={STAGING_WS}\n" in result.output
    assert '# rule "everywhere": token audience "https://acme.example/claude"\n' in result.stdout
    assert result.stderr == ""  # an explicit audience: no warning


def test_a_workspace_the_rule_is_not_enabled_in_is_refused(offline: tuple[str, str]) -> None:
    folder, snapshot = offline
    result = run(["output", folder, "deploy", "--snapshot", snapshot, "--workspace", "Staging"])
    assert result.exit_code == 1
    assert result.output == (
        "error: rule deploy: --workspace Staging is not one of its workspaces (Production)\n"
    )


def test_json_one_object_per_rule_console_managed_included(offline: tuple[str, str]) -> None:
    folder, snapshot = offline
    args = ["output", folder, "everywhere", "bootstrap", "--snapshot", snapshot]
    result = run([*args, "--format", "json", "--workspace", "default", "--token-file", "/t"])
    assert result.exit_code == 0, result.output
    documents = json.loads(result.stdout)
    assert [d["rule"] for d in documents] == ["everywhere", "bootstrap"]
    assert documents[1]["env"] == {
        "ANTHROPIC_ORGANIZATION_ID": ORG.id,
        "ANTHROPIC_FEDERATION_RULE_ID": live_id("fdrl", "bootstrap"),
        "ANTHROPIC_SERVICE_ACCOUNT_ID": live_id("svac", "ci"),
        "ANTHROPIC_WORKSPACE_ID": "wrkspc_01default",
        "ANTHROPIC_IDENTITY_TOKEN_FILE": "/t",
    }


def test_a_rule_not_applied_yet_says_to_apply_first(offline: tuple[str, str]) -> None:
    folder, _snapshot = offline
    snapshot = Path(folder).parent / "older.json"
    write_snapshot(take_snapshot(live_from(baseline())), snapshot)
    result = run(["output", folder, "--snapshot", str(snapshot)])
    assert result.exit_code == 1
    assert result.output == (
        "error: rule everywhere, bootstrap: not in the live organization yet, so it has no "
        "ID; run `fedctl apply` first\n"
    )


def test_an_undeclared_rule_is_refused(offline: tuple[str, str]) -> None:
    folder, snapshot = offline
    result = run(["output", folder, "deplyo", "--snapshot", snapshot])
    assert result.exit_code == 1
    assert result.output == (
        f"error: rule deplyo: not declared in {folder}; declared rules: deploy, everywhere, "
        "bootstrap\n"
    )


def test_snapshot_with_an_auth_token_is_a_contradiction(offline: tuple[str, str]) -> None:
    folder, snapshot = offline
    result = run(["output", folder, "--snapshot", snapshot, "--auth-token", "x"])
    assert result.exit_code == 1
    assert result.output == (
        "error: --snapshot reads no API; drop --auth-token (or drop --snapshot to read the "
        "live organization)\n"
    )


def test_github_snippet(offline: tuple[str, str]) -> None:
    folder, snapshot = offline
    result = run(["output", folder, "deploy", "--snapshot", snapshot, "--format", "github"])
    assert result.exit_code == 0, result.output
    assert_golden("output/github.yaml", result.stdout)
    job = yaml.safe_load(result.stdout)
    assert job["permissions"]["id-token"] == "write"
    assert job["env"]["ANTHROPIC_FEDERATION_RULE_ID"] == live_id("fdrl", "deploy")
    assert job["steps"][0]["env"]["AUDIENCE"] == "https://api.anthropic.com"


def test_kubernetes_fragment(offline: tuple[str, str]) -> None:
    folder, snapshot = offline
    args = ["output", folder, "everywhere", "--snapshot", snapshot, "--format", "kubernetes"]
    result = run([*args, "--workspace", "Production"])
    assert result.exit_code == 0, result.output
    assert_golden("output/kubernetes.yaml", result.output)
    pod = yaml.safe_load(result.output)
    projection = pod["volumes"][0]["projected"]["sources"][0]["serviceAccountToken"]
    # Capped by the issuer's max_jwt_lifetime_seconds (900): a longer token is refused.
    assert projection == {
        "audience": "https://acme.example/claude",
        "expirationSeconds": 900,
        "path": "token",
    }
    env = {item["name"]: item["value"] for item in pod["containers"][0]["env"]}
    assert env["ANTHROPIC_IDENTITY_TOKEN_FILE"] == "/var/run/secrets/anthropic.com/token"
    assert env["ANTHROPIC_WORKSPACE_ID"] == "wrkspc_01prod"


# Quotes, command substitution, backticks and a YAML key: printable, so quoted and kept.
HOSTILE_ID = "7f3c'$(touch pwned)\" injected: `x` #"


def test_hostile_ids_from_a_snapshot_stay_values(offline: tuple[str, str], tmp_path: Path) -> None:
    folder, _ = offline
    state = live_state().model_copy(
        update={"organization": ORG.model_copy(update={"id": HOSTILE_ID})}
    )
    snapshot = tmp_path / "hostile.json"
    write_snapshot(take_snapshot(state), snapshot)
    base = ["output", folder, "deploy", "--snapshot", str(snapshot)]
    env_output = run(base).stdout
    exports = [line for line in env_output.splitlines() if "ORGANIZATION" in line]
    words = shlex.split(env_output, comments=True)
    assert f"ANTHROPIC_ORGANIZATION_ID={HOSTILE_ID}" in words
    assert exports[0].startswith("export ANTHROPIC_ORGANIZATION_ID='")
    for output_format in ("github", "kubernetes"):
        document = yaml.safe_load(run([*base, "--format", output_format]).stdout)
        if output_format == "github":
            assert document["env"]["ANTHROPIC_ORGANIZATION_ID"] == HOSTILE_ID
            assert set(document) == {"permissions", "env", "steps"}
        else:
            env = {item["name"]: item["value"] for item in document["containers"][0]["env"]}
            assert env["ANTHROPIC_ORGANIZATION_ID"] == HOSTILE_ID


def test_profile_needs_a_token_file_and_an_absolute_one(offline: tuple[str, str]) -> None:
    folder, snapshot = offline
    base = ["output", folder, "deploy", "--snapshot", snapshot, "--format", "profile"]
    result = run(base)
    assert result.exit_code == 1
    assert result.output == (
        "error: --format profile needs --token-file PATH: where the workload finds its token\n"
    )
    result = run([*base, "--token-file", "token", "--config-dir", "cfg"])
    assert result.exit_code == 1
    assert result.output == "error: --token-file token: give an absolute path\n"


def test_the_sdk_exchanges_through_the_profile_fedctl_writes(
    federation: Federation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = federation.emulator
    folder = tmp_path / "federation"
    folder.mkdir()
    seed = bootstrap_seed("https://idp.ci.example.com", {"kty": "placeholder"})
    del seed["issuers"][0]["jwks"]  # the configuration only needs the names here
    (folder / "fedctl.yaml").write_text(yaml.safe_dump(seed))
    token_file = tmp_path / "identity-token"
    token_file.write_text(federation.jwt())
    config_dir = tmp_path / "sdk-config"
    result = run(
        [
            "output",
            str(folder),
            "--format",
            "profile",
            "--token-file",
            str(token_file),
            "--config-dir",
            str(config_dir),
        ],
        ANTHROPIC_BASE_URL=emulator.base_url,
        ANTHROPIC_AUTH_TOKEN=emulator.admin_token,
    )
    assert result.exit_code == 0, result.output
    profile = config_dir / "configs" / "fedctl-bootstrap.json"
    assert result.output == (
        f"Wrote {profile}; select it with ANTHROPIC_PROFILE=fedctl-bootstrap\n"
    )
    # The SDK's own resolution: ANTHROPIC_CONFIG_DIR + ANTHROPIC_PROFILE -> CredentialsFile.
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("ANTHROPIC_PROFILE", "fedctl-bootstrap")
    with anthropic.Anthropic(base_url=emulator.base_url, max_retries=0) as client:
        organization = client.organization.retrieve()
    assert organization.id == emulator.organization_id
    assert emulator.exchange_history[-1] == (federation.rule_id, "success")


def test_an_unmanageable_rule_is_output_like_any_other(offline: tuple[str, str]) -> None:
    folder, _ = offline
    state = live_state()
    deploy = state.rules["deploy"]
    odd = deploy.model_copy(
        update={"meta": deploy.meta.model_copy(update={"unmanageable": "unknown match key"})}
    )
    snapshot = Path(folder).parent / "odd.json"
    write_snapshot(
        take_snapshot(state.model_copy(update={"rules": {**state.rules, "deploy": odd}})), snapshot
    )
    result = run(["output", folder, "deploy", "--snapshot", str(snapshot)])
    assert result.exit_code == 0, result.output
    assert f"export ANTHROPIC_FEDERATION_RULE_ID={live_id('fdrl', 'deploy')}\n" in result.output
