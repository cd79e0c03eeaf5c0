"""`fedctl whoami` end to end: bearer token and full WIF exchanges against the emulator."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator
from tests.support.federation import Federation


def run(args: list[str], **env: str) -> object:
    runner = CliRunner()
    return runner.invoke(cli, args, env=env, catch_exceptions=False)


def test_whoami_with_a_bearer_token(emulator: RunningEmulator) -> None:
    result = run(
        ["whoami"], ANTHROPIC_AUTH_TOKEN=emulator.admin_token, ANTHROPIC_BASE_URL=emulator.base_url
    )
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert result.output == (  # type: ignore[attr-defined]
        f"organization:    Local Emulator Org ({emulator.organization_id})\n"
        f"base URL:        {emulator.base_url}\n"
        "credential:      ANTHROPIC_AUTH_TOKEN\n"
    )


def test_whoami_json_with_the_flag(emulator: RunningEmulator) -> None:
    result = run(
        [
            "whoami",
            "--format",
            "json",
            "--auth-token",
            emulator.admin_token,
            "--base-url",
            emulator.base_url,
        ]
    )
    assert json.loads(result.output) == {  # type: ignore[attr-defined]
        "organization": {"id": emulator.organization_id, "name": "Local Emulator Org"},
        "base_url": emulator.base_url,
        "credential": {"source": "--auth-token", "kind": "token"},
        "service_account": None,
        "rule": None,
    }


def test_whoami_with_federation_env_vars(federation: Federation, tmp_path: Path) -> None:
    token_file = tmp_path / "jwt"
    token_file.write_text(federation.jwt())
    emulator = federation.emulator
    result = run(
        ["whoami"],
        ANTHROPIC_BASE_URL=emulator.base_url,
        ANTHROPIC_FEDERATION_RULE_ID=federation.rule_id,
        ANTHROPIC_ORGANIZATION_ID=emulator.organization_id,
        ANTHROPIC_SERVICE_ACCOUNT_ID=federation.service_account_id,
        ANTHROPIC_IDENTITY_TOKEN_FILE=str(token_file),
    )
    assert result.output == (  # type: ignore[attr-defined]
        f"organization:    Local Emulator Org ({emulator.organization_id})\n"
        f"base URL:        {emulator.base_url}\n"
        f"credential:      federation env vars (rule {federation.rule_id}, "
        f"service account {federation.service_account_id})\n"
        f"service account: fedctl-admin ({federation.service_account_id})\n"
        f"rule:            fedctl-bootstrap ({federation.rule_id}, scope org:admin)\n"
    )


def write_profile(config_dir: Path, federation: Federation, token_file: Path) -> Path:
    path = config_dir / "configs" / "ci.json"
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps(
            {
                "version": "1.0",
                "authentication": {
                    "type": "oidc_federation",
                    "federation_rule_id": federation.rule_id,
                    "service_account_id": federation.service_account_id,
                    "identity_token": {"source": "file", "path": str(token_file)},
                },
                "organization_id": federation.emulator.organization_id,
                "base_url": federation.emulator.base_url,
            }
        )
    )
    path.chmod(0o644)
    return path


def test_whoami_with_a_profile_exchanges_once_across_processes(
    federation: Federation, tmp_path: Path
) -> None:
    config_dir = Path(os.environ["ANTHROPIC_CONFIG_DIR"])
    token_file = tmp_path / "jwt"
    token_file.write_text(federation.jwt(jti="single-use-1"))
    profile = write_profile(config_dir, federation, token_file)
    emulator = federation.emulator
    emulator.reset_request_log()

    first = run(["whoami", "--format", "json"], ANTHROPIC_PROFILE="ci")
    second = run(["whoami", "--format", "json"], ANTHROPIC_PROFILE="ci")

    for result in (first, second):
        identity = json.loads(result.output)  # type: ignore[attr-defined]
        assert identity["credential"] == {
            "source": f"profile 'ci' ({profile})",
            "kind": "federation",
        }
        assert identity["service_account"]["name"] == "fedctl-admin"
        assert identity["rule"]["name"] == "fedctl-bootstrap"
    assert emulator.requests().count(("POST", "/v1/oauth/token")) == 1
    cache = config_dir / "credentials" / "ci.json"
    assert cache.stat().st_mode & 0o777 == 0o600


def test_a_failed_exchange_is_explained_and_never_prints_the_jwt(
    federation: Federation, tmp_path: Path
) -> None:
    jwt = federation.jwt(sub="repo:someone-else/app:ref:refs/heads/main")
    emulator = federation.emulator
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["whoami"],
        env={
            "ANTHROPIC_BASE_URL": emulator.base_url,
            "ANTHROPIC_FEDERATION_RULE_ID": federation.rule_id,
            "ANTHROPIC_ORGANIZATION_ID": emulator.organization_id,
            "ANTHROPIC_SERVICE_ACCOUNT_ID": federation.service_account_id,
            "ANTHROPIC_IDENTITY_TOKEN": jwt,
        },
    )
    assert result.exit_code == 1
    assert result.output.startswith(
        "error: POST /v1/oauth/token failed 401 authentication_error: token exchange refused: "
        "Authentication failed (request-id req_"
    )
    assert (
        f"used rule {federation.rule_id}, organization {emulator.organization_id}" in result.output
    )
    assert "jti reuse" in result.output
    assert jwt not in result.output
    for part in jwt.split("."):
        assert part not in result.output


def test_a_refused_bearer_token_is_explained_and_never_printed(emulator: RunningEmulator) -> None:
    token = "sk-ant-oat01-not-a-valid-token-0123456789"
    result = CliRunner().invoke(
        cli,
        ["whoami"],
        env={"ANTHROPIC_AUTH_TOKEN": token, "ANTHROPIC_BASE_URL": emulator.base_url},
    )
    assert result.exit_code == 1
    assert result.output.startswith(
        "error: GET /v1/organizations/me failed 401 authentication_error: "
    )
    assert "the token from ANTHROPIC_AUTH_TOKEN was refused" in result.output
    assert token not in result.output
    assert "not-a-valid-token" not in result.output


def test_an_admin_api_key_is_refused_before_any_request(emulator: RunningEmulator) -> None:
    emulator.reset_request_log()
    result = CliRunner().invoke(
        cli,
        ["whoami"],
        env={"ANTHROPIC_API_KEY": "sk-ant-admin01-abc", "ANTHROPIC_BASE_URL": emulator.base_url},
    )
    assert result.exit_code == 1
    assert result.output.startswith("error: ANTHROPIC_API_KEY cannot be used: ")
    assert "sk-ant-admin01-abc" not in result.output
    assert emulator.requests() == []


def test_plain_http_to_a_remote_host_is_refused() -> None:
    result = CliRunner().invoke(
        cli, ["whoami", "--auth-token", "t", "--base-url", "http://api.example.com"]
    )
    assert result.exit_code == 1
    assert result.output == (
        "error: base URL 'http://api.example.com' uses plain http; only https is allowed, "
        "except to loopback (127.0.0.0/8, localhost, ::1) for a local emulator\n"
    )


def test_an_api_401_on_a_cached_token_re_exchanges_once(
    federation: Federation, tmp_path: Path
) -> None:
    config_dir = Path(os.environ["ANTHROPIC_CONFIG_DIR"])
    token_file = tmp_path / "jwt"
    token_file.write_text(federation.jwt())
    write_profile(config_dir, federation, token_file)
    cache = config_dir / "credentials" / "ci.json"
    cache.parent.mkdir()
    revoked = "sk-ant-oat01-revoked-by-the-server"
    cache.write_text(json.dumps({"access_token": revoked, "expires_at": 4_000_000_000}))
    cache.chmod(0o600)
    federation.emulator.reset_request_log()

    result = run(["whoami", "--format", "json"], ANTHROPIC_PROFILE="ci")

    assert json.loads(result.output)["rule"]["name"] == "fedctl-bootstrap"  # type: ignore[attr-defined]
    assert federation.emulator.requests().count(("POST", "/v1/oauth/token")) == 1
    assert revoked not in cache.read_text()


def test_whoami_local_runs_the_bundled_emulator(tmp_path: Path) -> None:
    state = tmp_path / "new-dir" / "local.db"
    result = run(["whoami", "--local-state", str(state)])
    assert result.exit_code == 0  # type: ignore[attr-defined]
    lines = result.output.splitlines()  # type: ignore[attr-defined]
    assert lines[0].startswith("organization:    Local Emulator Org (")
    assert lines[2] == f"credential:      bundled emulator ({state})"
    assert state.exists()
