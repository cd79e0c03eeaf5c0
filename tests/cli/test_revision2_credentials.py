"""Revision 2 credentials end to end against the emulator (admin-api.md §7.1, §7.6, §7.8).

Federation without a service account ID, `user_oauth` logins (no expiry, numeric-string
expiry, refresh through the `refresh_token` grant with the file rewritten 0600), the
profile's base_url winning for the exchange, and an unchecked profile `version`. The SDK's
own `CredentialsFile` refreshes against the same emulator grant, so the emulator is held
to what the SDK sends.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator
from tests.cli.test_whoami import write_profile
from tests.support.federation import Federation

CLIENT_ID = "9d1c250a-e61b-44d9-88ed-5944d1962f5e"


def run(args: list[str], **env: str) -> Result:
    return CliRunner().invoke(cli, args, env=env)


def config_dir() -> Path:
    return Path(os.environ["ANTHROPIC_CONFIG_DIR"])


def write_login_profile(
    emulator: RunningEmulator, credentials: dict[str, object], *, client_id: str | None
) -> Path:
    auth: dict[str, object] = {"type": "user_oauth"}
    if client_id is not None:
        auth["client_id"] = client_id
    configs = config_dir() / "configs"
    configs.mkdir(parents=True, exist_ok=True)
    (configs / "me.json").write_text(
        json.dumps({"version": "1.0", "authentication": auth, "base_url": emulator.base_url})
    )
    secret = config_dir() / "credentials" / "me.json"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text(json.dumps({"version": "1.0", "type": "oauth_token", **credentials}))
    secret.chmod(0o600)
    return secret


def test_federation_env_vars_without_a_service_account_act_as_the_rule_target(
    federation: Federation, tmp_path: Path
) -> None:
    token_file = tmp_path / "jwt"
    token_file.write_text(federation.jwt())
    emulator = federation.emulator
    result = run(
        ["whoami", "--format", "json"],
        ANTHROPIC_BASE_URL=emulator.base_url,
        ANTHROPIC_FEDERATION_RULE_ID=federation.rule_id,
        ANTHROPIC_ORGANIZATION_ID=emulator.organization_id,
        ANTHROPIC_IDENTITY_TOKEN_FILE=str(token_file),
    )
    assert result.exit_code == 0, result.output
    identity = json.loads(result.output)
    assert identity["credential"]["source"] == f"federation env vars (rule {federation.rule_id})"
    assert identity["service_account"] == {
        "id": federation.service_account_id,
        "name": "fedctl-admin",
    }
    assert emulator.exchange_history[-1] == (federation.rule_id, "success")


@pytest.mark.parametrize("expiry", ["null", "numeric string"])
def test_user_oauth_login_without_expiry_or_with_a_numeric_string(
    federation: Federation, expiry: str
) -> None:
    # Computed here, not in the parameters: xdist workers must collect identical IDs.
    expires_at = None if expiry == "null" else str(int(time.time()) + 3600)
    emulator = federation.emulator
    access, _refresh = emulator.logins.issue(CLIENT_ID)
    write_login_profile(
        emulator, {"access_token": access, "expires_at": expires_at}, client_id=None
    )
    result = run(["whoami", "--format", "json"], ANTHROPIC_PROFILE="me")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["credential"]["kind"] == "token"
    assert ("POST", "/v1/oauth/token") not in emulator.requests()


def test_user_oauth_expired_without_client_id_says_to_log_in(federation: Federation) -> None:
    emulator = federation.emulator
    access, _refresh = emulator.logins.issue(CLIENT_ID)
    expired = {"access_token": access, "expires_at": int(time.time()) - 10}
    secret = write_login_profile(emulator, expired, client_id=None)
    result = run(["whoami"], ANTHROPIC_PROFILE="me")
    assert result.exit_code == 1
    assert result.output == (
        f"error: the login token in {secret} has expired; "
        'run `ant auth login --scope "org:admin"` again\n'
    )
    assert access not in result.output


def test_user_oauth_expired_with_client_id_is_refreshed_and_rewritten(
    federation: Federation,
) -> None:
    emulator = federation.emulator
    access, refresh = emulator.logins.issue(CLIENT_ID)
    expired = {
        "access_token": access,
        "expires_at": int(time.time()) - 10,
        "refresh_token": refresh,
    }
    secret = write_login_profile(emulator, expired, client_id=CLIENT_ID)
    emulator.reset_request_log()
    result = run(["whoami", "--format", "json"], ANTHROPIC_PROFILE="me")
    assert result.exit_code == 0, result.output
    assert emulator.requests().count(("POST", "/v1/oauth/token")) == 1
    rewritten = json.loads(secret.read_text())
    assert secret.stat().st_mode & 0o777 == 0o600
    assert rewritten["access_token"] != access
    assert rewritten["refresh_token"] != refresh  # rotated, and kept
    assert rewritten["expires_at"] > time.time() + 3000
    for secret_value in (access, refresh, rewritten["access_token"], rewritten["refresh_token"]):
        assert secret_value not in result.output
    # The old refresh token is spent: a second refresh with it is refused.
    again = run(["whoami"], ANTHROPIC_PROFILE="me")
    assert again.exit_code == 0, again.output  # the rewritten file is still valid


def test_the_sdk_refreshes_a_user_oauth_profile_against_the_emulator(
    federation: Federation,
) -> None:
    from anthropic.lib.credentials._providers import CredentialsFile

    emulator = federation.emulator
    access, refresh = emulator.logins.issue(CLIENT_ID)
    expired = {
        "access_token": access,
        "expires_at": int(time.time()) - 10,
        "refresh_token": refresh,
    }
    secret = write_login_profile(emulator, expired, client_id=CLIENT_ID)
    os.environ["ANTHROPIC_PROFILE"] = "me"
    provider = CredentialsFile()
    provider.bind_base_url(emulator.base_url)
    try:
        minted = provider().token
    finally:
        provider.close()
    value = minted if isinstance(minted, str) else minted.get_secret_value()
    assert value != access
    assert json.loads(secret.read_text())["access_token"] == value
    assert emulator.store.lookup_token(value) is not None


def test_a_profiles_base_url_wins_for_the_exchange(federation: Federation, tmp_path: Path) -> None:
    token_file = tmp_path / "jwt"
    token_file.write_text(federation.jwt())
    profile = write_profile(config_dir(), federation, token_file)
    document = json.loads(profile.read_text())
    document["version"] = "7.3"  # never validated (revision 2)
    profile.write_text(json.dumps(document))
    emulator = federation.emulator
    # The API calls go to a closed port; the exchange still goes to the profile's host.
    result = run(
        ["whoami"],
        ANTHROPIC_PROFILE="ci",
        ANTHROPIC_BASE_URL="http://127.0.0.1:9",
        FEDCTL_TIMEOUT="1",
    )
    assert result.exit_code == 1
    assert emulator.exchange_history[-1] == (federation.rule_id, "success")
