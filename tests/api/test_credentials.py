"""The credential chain, profile files and the credentials cache (no server needed)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pydantic import SecretStr

from fedctl.api.credentials import resolve_credential
from fedctl.api.tokencache import CachedToken, CredentialsCache
from fedctl.core.errors import AuthError

RULE = "fdrl_01AAAAAAAAAAAAAAAAAAAAAA"
SA = "svac_01AAAAAAAAAAAAAAAAAAAAAA"
ORG = "00000000-0000-0000-0000-000000000001"


def federation_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    token_file = tmp_path / "jwt"
    token_file.write_text("header.payload.sig\n")
    return {
        "ANTHROPIC_FEDERATION_RULE_ID": RULE,
        "ANTHROPIC_ORGANIZATION_ID": ORG,
        "ANTHROPIC_SERVICE_ACCOUNT_ID": SA,
        "ANTHROPIC_IDENTITY_TOKEN_FILE": str(token_file),
        **extra,
    }


def write_profile(config_dir: Path, name: str, document: dict[str, object]) -> Path:
    path = config_dir / "configs" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))
    path.chmod(0o644)
    return path


def profile_document(token_path: str, **top: object) -> dict[str, object]:
    return {
        "version": "1.0",
        "authentication": {
            "type": "oidc_federation",
            "federation_rule_id": RULE,
            "service_account_id": SA,
            "identity_token": {"source": "file", "path": token_path},
        },
        "organization_id": ORG,
        **top,
    }


def test_flag_wins_over_everything(tmp_path: Path) -> None:
    env = {"ANTHROPIC_AUTH_TOKEN": "env-token", **federation_env(tmp_path)}
    credential = resolve_credential(auth_token="flag-token", environ=env)
    assert credential.source == "--auth-token"
    assert credential.token == SecretStr("flag-token")


def test_auth_token_variable_wins_over_federation(tmp_path: Path) -> None:
    env = {"ANTHROPIC_AUTH_TOKEN": "env-token", **federation_env(tmp_path)}
    credential = resolve_credential(auth_token=None, environ=env)
    assert (credential.source, credential.kind) == ("ANTHROPIC_AUTH_TOKEN", "token")


def test_federation_env_vars(tmp_path: Path) -> None:
    env = federation_env(tmp_path, ANTHROPIC_WORKSPACE_ID="default")
    credential = resolve_credential(auth_token=None, environ=env)
    assert credential.source == f"federation env vars (rule {RULE}, service account {SA})"
    assert credential.federation is not None
    assert credential.federation.workspace_id == "default"
    assert credential.federation.identity_token.read(env) == "header.payload.sig"
    assert credential.cache is None


def test_federation_env_vars_work_without_the_service_account(tmp_path: Path) -> None:
    # Revision 2, §7.1/§7.6: optional, as in the SDK; the exchange then acts as the target.
    env = federation_env(tmp_path)
    del env["ANTHROPIC_SERVICE_ACCOUNT_ID"]
    credential = resolve_credential(auth_token=None, environ=env)
    assert credential.federation is not None
    assert credential.federation.service_account_id is None
    assert credential.source == f"federation env vars (rule {RULE})"


def test_federation_env_vars_need_the_rule(tmp_path: Path) -> None:
    env = federation_env(tmp_path)
    del env["ANTHROPIC_FEDERATION_RULE_ID"]
    with pytest.raises(AuthError) as caught:
        resolve_credential(auth_token=None, environ=env)
    assert caught.value.render() == (
        "federation from environment variables needs ANTHROPIC_FEDERATION_RULE_ID; "
        "set all of them, or unset the federation variables to use another credential"
    )


def test_identity_token_variable_is_used_when_no_file(tmp_path: Path) -> None:
    env = federation_env(tmp_path, ANTHROPIC_IDENTITY_TOKEN="inline.jwt.value")
    del env["ANTHROPIC_IDENTITY_TOKEN_FILE"]
    credential = resolve_credential(auth_token=None, environ=env)
    assert credential.federation is not None
    assert credential.federation.identity_token.read(env) == "inline.jwt.value"


def test_api_key_alone_is_explained() -> None:
    with pytest.raises(AuthError) as caught:
        resolve_credential(auth_token=None, environ={"ANTHROPIC_API_KEY": "sk-ant-api03-x"})
    message = caught.value.render()
    assert message.startswith("ANTHROPIC_API_KEY cannot be used: ")
    assert "only org:admin OAuth tokens" in message
    assert 'ant auth login --scope "org:admin"' in message
    assert "Console" in message
    assert "sk-ant-api03-x" not in message


@pytest.mark.parametrize("value", ["sk-ant-admin01-abcdef", "sk-ant-api03-abcdef"])
def test_api_keys_given_as_tokens_are_refused_without_echoing_them(value: str) -> None:
    with pytest.raises(AuthError) as caught:
        resolve_credential(auth_token=None, environ={"ANTHROPIC_AUTH_TOKEN": value})
    assert "ANTHROPIC_AUTH_TOKEN is an API key, not an OAuth token" in caught.value.render()
    assert value not in caught.value.render()


def test_nothing_found_says_how_to_get_a_token() -> None:
    with pytest.raises(AuthError, match="no credential found; the service-account"):
        resolve_credential(auth_token=None, environ={"ANTHROPIC_CONFIG_DIR": "/nonexistent"})


def test_named_profile_loads_with_its_base_url_and_cache(tmp_path: Path) -> None:
    path = write_profile(
        tmp_path, "ci", profile_document("/run/jwt", base_url="http://127.0.0.1:1")
    )
    env = {"ANTHROPIC_CONFIG_DIR": str(tmp_path), "ANTHROPIC_PROFILE": "ci"}
    credential = resolve_credential(auth_token=None, environ=env)
    assert credential.source == f"profile 'ci' ({path})"
    assert credential.base_url == "http://127.0.0.1:1"
    assert credential.cache == CredentialsCache(tmp_path / "credentials" / "ci.json")
    assert credential.federation is not None
    assert credential.federation.identity_token.path == "/run/jwt"


def test_named_profile_wins_over_federation_env_vars(tmp_path: Path) -> None:
    write_profile(tmp_path, "ci", profile_document("/run/jwt"))
    env = {
        **federation_env(tmp_path),
        "ANTHROPIC_CONFIG_DIR": str(tmp_path),
        "ANTHROPIC_PROFILE": "ci",
    }
    assert resolve_credential(auth_token=None, environ=env).source.startswith("profile 'ci'")


def test_missing_named_profile_is_an_error(tmp_path: Path) -> None:
    env = {"ANTHROPIC_CONFIG_DIR": str(tmp_path), "ANTHROPIC_PROFILE": "ci"}
    with pytest.raises(
        AuthError, match=r"profile 'ci' not found: .*configs/ci.json does not exist"
    ):
        resolve_credential(auth_token=None, environ=env)


def test_binary_profile_and_active_config_are_auth_errors(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    profile = tmp_path / "configs" / "ci.json"
    profile.write_bytes(b"\xff\xfe")
    profile.chmod(0o600)
    env = {"ANTHROPIC_CONFIG_DIR": str(tmp_path), "ANTHROPIC_PROFILE": "ci"}
    with pytest.raises(AuthError) as caught:
        resolve_credential(auth_token=None, environ=env)
    assert caught.value.render() == f"cannot read profile {profile}: not UTF-8 text"
    (tmp_path / "active_config").write_bytes(b"\xff")
    with pytest.raises(AuthError) as caught:
        resolve_credential(auth_token=None, environ={"ANTHROPIC_CONFIG_DIR": str(tmp_path)})
    assert caught.value.render() == (
        f"cannot read {tmp_path / 'active_config'}: not UTF-8 text; it names the "
        "active profile: write a profile name into it, or delete it"
    )


def test_active_profile_comes_after_federation_env_vars(tmp_path: Path) -> None:
    write_profile(tmp_path, "ops", profile_document("/run/jwt"))
    (tmp_path / "active_config").write_text("ops\n")
    env = {"ANTHROPIC_CONFIG_DIR": str(tmp_path)}
    assert resolve_credential(auth_token=None, environ=env).source.startswith("profile 'ops'")
    env.update(federation_env(tmp_path))
    assert resolve_credential(auth_token=None, environ=env).source.startswith("federation env")


def test_partial_federation_env_vars_fill_the_active_profile(tmp_path: Path) -> None:
    # §7.7/§7.8: the env-var path turns on only with all its variables; otherwise the
    # chain goes on to the active profile, whose empty fields the variables fill (a CI
    # runner that exports ANTHROPIC_IDENTITY_TOKEN_FILE for a profile without one).
    document = profile_document("unused")
    del document["authentication"]["identity_token"]  # type: ignore[attr-defined]
    del document["organization_id"]
    write_profile(tmp_path, "default", document)
    env = {
        "ANTHROPIC_CONFIG_DIR": str(tmp_path),
        "ANTHROPIC_IDENTITY_TOKEN_FILE": str(tmp_path / "jwt"),
        "ANTHROPIC_ORGANIZATION_ID": ORG,
    }
    credential = resolve_credential(auth_token=None, environ=env)
    assert credential.source.startswith("profile 'default'")
    assert credential.federation is not None
    assert credential.federation.identity_token.path == str(tmp_path / "jwt")
    assert credential.federation.organization_id == ORG


def test_default_profile_is_the_active_one_without_active_config(tmp_path: Path) -> None:
    write_profile(tmp_path, "default", profile_document("/run/jwt"))
    env = {"ANTHROPIC_CONFIG_DIR": str(tmp_path)}
    assert resolve_credential(auth_token=None, environ=env).source.startswith("profile 'default'")


def test_profile_fields_are_filled_from_env_only_when_empty(tmp_path: Path) -> None:
    document = profile_document("/run/jwt", workspace_id="wrkspc_profile")
    del document["organization_id"]
    write_profile(tmp_path, "ci", document)
    env = {
        "ANTHROPIC_CONFIG_DIR": str(tmp_path),
        "ANTHROPIC_PROFILE": "ci",
        "ANTHROPIC_ORGANIZATION_ID": "org-from-env",
        "ANTHROPIC_WORKSPACE_ID": "wrkspc_env",
    }
    federation = resolve_credential(auth_token=None, environ=env).federation
    assert federation is not None
    assert (federation.organization_id, federation.workspace_id) == (
        "org-from-env",
        "wrkspc_profile",
    )


@pytest.mark.parametrize("name", ["", " ci", ".hidden", "a/b", "a\\b"])
def test_bad_profile_names_are_refused(tmp_path: Path, name: str) -> None:
    env = {"ANTHROPIC_CONFIG_DIR": str(tmp_path), "ANTHROPIC_PROFILE": name}
    if not name:
        # An empty ANTHROPIC_PROFILE counts as unset.
        with pytest.raises(AuthError, match="no credential found"):
            resolve_credential(auth_token=None, environ=env)
        return
    with pytest.raises(AuthError, match="invalid profile name"):
        resolve_credential(auth_token=None, environ=env)


def test_group_writable_profile_is_refused(tmp_path: Path) -> None:
    path = write_profile(tmp_path, "ci", profile_document("/run/jwt"))
    path.chmod(0o664)
    env = {"ANTHROPIC_CONFIG_DIR": str(tmp_path), "ANTHROPIC_PROFILE": "ci"}
    with pytest.raises(AuthError, match="is writable by group or others"):
        resolve_credential(auth_token=None, environ=env)


def test_profile_without_rule_is_refused(tmp_path: Path) -> None:
    document = profile_document("/run/jwt")
    del document["authentication"]["federation_rule_id"]  # type: ignore[attr-defined]
    write_profile(tmp_path, "ci", document)
    env = {"ANTHROPIC_CONFIG_DIR": str(tmp_path), "ANTHROPIC_PROFILE": "ci"}
    with pytest.raises(AuthError, match="needs federation_rule_id"):
        resolve_credential(auth_token=None, environ=env)


def test_cache_round_trip_is_0600_and_atomic(tmp_path: Path) -> None:
    cache = CredentialsCache(tmp_path / "credentials" / "ci.json")
    cache.store(CachedToken(access_token=SecretStr("sk-ant-oat01-x"), expires_at=2_000_000_000))
    assert os.stat(cache.path).st_mode & 0o777 == 0o600
    assert [p.name for p in cache.path.parent.iterdir()] == ["ci.json"]
    assert json.loads(cache.path.read_text()) == {
        "version": "1.0",
        "type": "oauth_token",
        "access_token": "sk-ant-oat01-x",
        "expires_at": 2_000_000_000,
    }
    loaded = cache.load()
    assert loaded is not None and loaded.access_token == SecretStr("sk-ant-oat01-x")


def test_cache_reuse_margin_is_thirty_seconds() -> None:
    token = CachedToken(access_token=SecretStr("t"), expires_at=1000)
    assert token.usable(now=969)
    assert not token.usable(now=970)


def test_readable_or_symlinked_cache_is_refused(tmp_path: Path) -> None:
    cache = CredentialsCache(tmp_path / "ci.json")
    cache.store(CachedToken(access_token=SecretStr("t"), expires_at=2_000_000_000))
    cache.path.chmod(0o644)
    with pytest.raises(AuthError, match="readable by group or others"):
        cache.load()
    cache.path.chmod(0o600)
    link = CredentialsCache(tmp_path / "link.json")
    link.path.symlink_to(cache.path)
    with pytest.raises(AuthError, match="is a symlink"):
        link.load()


def test_iso_expiry_in_cache_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "ci.json"
    path.write_text(json.dumps({"access_token": "t", "expires_at": "2030-01-01T00:00:00Z"}))
    path.chmod(0o600)
    assert CredentialsCache(path).load() is None


def test_an_empty_identity_token_file_says_what_to_do(tmp_path: Path) -> None:
    from fedctl.api.credentials import IdentityTokenSource

    empty = tmp_path / "jwt"
    empty.write_text("\n")
    with pytest.raises(AuthError) as caught:
        IdentityTokenSource(path=str(empty)).read({})
    assert caught.value.render() == (
        f"the identity token file {empty} is empty; the CI job must write its OIDC token "
        "there before fedctl runs"
    )
