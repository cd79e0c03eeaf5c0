"""One exchange per identity token across processes (issue 30 item 4).

With the README's federation variables and an issuer that checks `jti` (the default),
`whoami`, `plan` and `apply` in one job share one exchange: the minted token is cached in
the user's cache directory, keyed by the identity token's digest, rule, service account
and organization, never holding the identity token itself. `fedctl login` writes an SDK
profile for any issuer, which fedctl and the official SDK then share.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import anthropic
import pytest
from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from tests.support.federation import Federation

EXCHANGE = ("POST", "/v1/oauth/token")
CONFIG = """\
settings:
  prune: false
service_accounts:
  - name: reporting-bot
"""


def env_vars(federation: Federation, token_file: Path) -> dict[str, str]:
    emulator = federation.emulator
    return {
        "ANTHROPIC_BASE_URL": emulator.base_url,
        "ANTHROPIC_FEDERATION_RULE_ID": federation.rule_id,
        "ANTHROPIC_ORGANIZATION_ID": emulator.organization_id,
        "ANTHROPIC_SERVICE_ACCOUNT_ID": federation.service_account_id,
        "ANTHROPIC_IDENTITY_TOKEN_FILE": str(token_file),
    }


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env)


def cache_dir() -> Path:
    return Path(os.environ["HOME"]) / ".cache" / "fedctl" / "tokens"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    folder = tmp_path / "federation"
    folder.mkdir()
    (folder / "fedctl.yaml").write_text(CONFIG)
    return folder


def test_whoami_plan_apply_exchange_a_single_use_token_once(
    federation: Federation, tmp_path: Path, config: Path
) -> None:
    jwt = federation.jwt(jti="job-1234-single-use")
    token_file = tmp_path / "jwt"
    token_file.write_text(jwt)
    env = env_vars(federation, token_file)
    emulator = federation.emulator
    emulator.reset_request_log()

    whoami = run(["whoami", "--format", "json"], env)
    plan = run(["plan", str(config)], env)
    apply = run(["apply", str(config), "--auto-approve"], env)

    assert whoami.exit_code == 0, whoami.output
    assert json.loads(whoami.output)["service_account"]["name"] == "fedctl-admin"
    assert plan.exit_code == 0, plan.output
    assert "reporting-bot" in plan.output
    assert apply.exit_code == 0, apply.output
    assert emulator.requests().count(EXCHANGE) == 1
    assert emulator.exchange_history == [(federation.rule_id, "success")]
    # The cache: one 0600 file in a 0700 folder; neither its name nor its content holds
    # the identity token or any part of it.
    (entry,) = cache_dir().iterdir()
    assert entry.stat().st_mode & 0o777 == 0o600
    assert cache_dir().stat().st_mode & 0o777 == 0o700
    content = entry.read_text()
    assert set(json.loads(content)) == {"version", "type", "access_token", "expires_at"}
    for part in jwt.split("."):
        assert part not in content and part not in entry.name


def test_a_new_identity_token_is_a_new_exchange(federation: Federation, tmp_path: Path) -> None:
    token_file = tmp_path / "jwt"
    env = env_vars(federation, token_file)
    emulator = federation.emulator
    first, second = federation.jwt(jti="job-1"), federation.jwt(jti="job-2")
    for jwt in (first, first, second):  # one job's token read twice, then the next job's
        token_file.write_text(jwt)
        assert run(["whoami"], env).exit_code == 0
    assert emulator.exchange_history == [(federation.rule_id, "success")] * 2
    assert len(list(cache_dir().iterdir())) == 2


def test_another_rule_or_organization_never_reuses_the_cached_token(
    federation: Federation, tmp_path: Path
) -> None:
    token_file = tmp_path / "jwt"
    token_file.write_text(federation.jwt(jti="job-7"))
    env = env_vars(federation, token_file)
    assert run(["whoami"], env).exit_code == 0
    other = {**env, "ANTHROPIC_ORGANIZATION_ID": "00000000-0000-0000-0000-00000000beef"}
    refused = run(["whoami"], other)
    assert refused.exit_code == 1  # a fresh exchange, refused: not the cached token
    assert "token exchange refused" in refused.output


def test_without_the_cache_the_second_process_fails_as_the_issue_reported(
    federation: Federation, tmp_path: Path
) -> None:
    token_file = tmp_path / "jwt"
    token_file.write_text(federation.jwt(jti="job-9"))
    env = {**env_vars(federation, token_file), "FEDCTL_TOKEN_CACHE": "off"}
    assert run(["whoami"], env).exit_code == 0
    second = run(["whoami"], env)
    assert second.exit_code == 1
    assert "token exchange refused" in second.output
    assert not cache_dir().exists()


def test_a_cache_entry_readable_by_others_is_refused(
    federation: Federation, tmp_path: Path
) -> None:
    token_file = tmp_path / "jwt"
    token_file.write_text(federation.jwt(jti="job-11"))
    env = env_vars(federation, token_file)
    assert run(["whoami"], env).exit_code == 0
    (entry,) = cache_dir().iterdir()
    entry.chmod(0o644)
    result = run(["whoami"], env)
    assert result.exit_code == 1
    assert "is readable by group or others" in result.output


# --- fedctl login ---------------------------------------------------------------------


def login_args(federation: Federation, *extra: str) -> list[str]:
    emulator = federation.emulator
    return [
        "login",
        "--rule-id",
        federation.rule_id,
        "--organization-id",
        emulator.organization_id,
        "--service-account-id",
        federation.service_account_id,
        "--profile-base-url",
        emulator.base_url,
        *extra,
    ]


def test_login_writes_a_profile_that_fedctl_and_the_sdk_share(
    federation: Federation, tmp_path: Path
) -> None:
    config_dir = Path(os.environ["ANTHROPIC_CONFIG_DIR"])
    token_file = tmp_path / "jwt"
    token_file.write_text(federation.jwt(jti="gitlab-job-1"))
    result = run(login_args(federation, "--identity-token-file", str(token_file)), {})
    assert result.exit_code == 0, result.output
    profile = config_dir / "configs" / "ci.json"
    assert result.output == (
        f"Wrote profile 'ci': {profile}\n"
        f"export ANTHROPIC_CONFIG_DIR={config_dir}\n"
        "export ANTHROPIC_PROFILE=ci\n"
    )
    assert profile.stat().st_mode & 0o777 == 0o644
    document = json.loads(profile.read_text())
    assert document["authentication"]["identity_token"] == {
        "source": "file",
        "path": str(token_file),
    }
    emulator = federation.emulator
    # The SDK exchanges through the profile and caches the minted token...
    os.environ["ANTHROPIC_PROFILE"] = "ci"
    try:
        with anthropic.Anthropic(base_url=emulator.base_url, max_retries=0) as sdk:
            assert sdk.organization.retrieve().id == emulator.organization_id
    finally:
        del os.environ["ANTHROPIC_PROFILE"]
    # ...and fedctl reuses it: still one exchange of the single-use token.
    whoami = run(["whoami"], {"ANTHROPIC_PROFILE": "ci"})
    assert whoami.exit_code == 0, whoami.output
    assert emulator.exchange_history == [(federation.rule_id, "success")]


def test_login_copies_a_token_from_the_environment_into_a_private_file(
    federation: Federation,
) -> None:
    config_dir = Path(os.environ["ANTHROPIC_CONFIG_DIR"])
    jwt = federation.jwt(jti="buildkite-job-1")
    stale = config_dir / "credentials" / "ci.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    result = run(login_args(federation, "--activate"), {"ANTHROPIC_IDENTITY_TOKEN": jwt})
    assert result.exit_code == 0, result.output
    assert jwt not in result.output
    copied = config_dir / "identity-tokens" / "ci.jwt"
    assert copied.read_text() == jwt and copied.stat().st_mode & 0o777 == 0o600
    assert "Removed the profile's cached token" in result.output
    assert not stale.exists()
    assert (config_dir / "active_config").read_text() == "ci\n"
    whoami = run(["whoami"], {})
    assert whoami.exit_code == 0, whoami.output
    assert "profile 'ci'" in whoami.output


def test_login_replaces_a_symlink_instead_of_writing_through_it(
    federation: Federation, tmp_path: Path
) -> None:
    config_dir = Path(os.environ["ANTHROPIC_CONFIG_DIR"])
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (config_dir / "configs").mkdir(parents=True)
    (config_dir / "configs" / "ci.json").symlink_to(victim)
    token_file = tmp_path / "jwt"
    token_file.write_text(federation.jwt())
    result = run(login_args(federation, "--identity-token-file", str(token_file)), {})
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "keep me"
    assert not (config_dir / "configs" / "ci.json").is_symlink()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rule-id", "fdrl_x\nevil"], "error: --rule-id: expected a federation rule ID"),
        (["--organization-id", "not-a-uuid"], "error: --organization-id: expected an"),
        (["--profile", "../evil"], "error: invalid profile name '../evil'"),
        (["--identity-token-file", "relative/jwt"], "give an absolute path"),
        (["--identity-token-file", "/nonexistent/jwt"], "no such file"),
        (["--profile-base-url", "http://example.com"], "error: base URL"),
    ],
)
def test_login_refuses_bad_values_and_writes_nothing(
    federation: Federation, tmp_path: Path, args: list[str], message: str
) -> None:
    config_dir = Path(os.environ["ANTHROPIC_CONFIG_DIR"])
    token_file = tmp_path / "jwt"
    token_file.write_text(federation.jwt())
    base = login_args(federation, "--identity-token-file", str(token_file))
    result = run([*base, *args], {})
    assert result.exit_code != 0
    assert message in result.output
    assert not (config_dir / "configs").exists()
