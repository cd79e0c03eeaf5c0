import json
from pathlib import Path
from typing import Any

import jwt
import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric import ec

from fedctl.cli.main import cli

DATA = Path(__file__).parent.parent / "explain" / "data"
CONFIG = str(DATA / "config")
PUSH_CLAIMS: dict[str, Any] = json.loads((DATA / "github-push.json").read_text())
AT = str(PUSH_CLAIMS["iat"] + 100)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["explain", *args])


def make_token(claims: dict[str, Any]) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": "gha-1"})


def write_claims(tmp_path: Path, claims: dict[str, Any]) -> str:
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(claims))
    return str(path)


def test_matching_rule_exits_zero_and_says_the_token_is_not_verified() -> None:
    result = run(CONFIG, "--claims", str(DATA / "github-push.json"), "--at", AT)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "Token (--claims): The token was decoded WITHOUT verifying its signature"
    )
    assert "rule deploy-main (issuer github-actions): WOULD MATCH" in result.stdout
    assert "rule any-branch (issuer github-actions): would not match" in result.stdout
    assert (
        "  FAIL audience: aud does not contain the audience; expected contains "
        '"https://github.com/acme", got "https://api.anthropic.com"'
    ) in result.stdout
    assert (
        "  A match yields: service account payments-ci, scope workspace:developer, "
        "workspaces production."
    ) in result.stdout
    assert result.stdout.endswith("Matching rule(s): deploy-main.\n")
    assert result.stderr == ""


def test_no_matching_rule_exits_three_through_the_error_boundary(tmp_path: Path) -> None:
    claims = {**PUSH_CLAIMS, "repository_owner": "mallory"}
    result = run(CONFIG, "--claims", write_claims(tmp_path, claims), "--at", AT)
    assert result.exit_code == 3
    assert (
        '  FAIL claims.repository_owner: differs (exact match); expected "acme", got "mallory"'
    ) in result.stdout
    assert result.stderr == (
        "error: none of the 2 rule(s) explained would accept this token; the FAIL lines above "
        "name the matchers that refused it\n"
    )


def test_unknown_issuer_exits_three_and_shows_close_issuers(tmp_path: Path) -> None:
    claims = {**PUSH_CLAIMS, "iss": "https://token.actions.githubusercontent.com/"}
    result = run(CONFIG, "--claims", write_claims(tmp_path, claims), "--at", AT)
    assert result.exit_code == 3
    assert (
        'No issuer has issuer_url equal to iss "https://token.actions.githubusercontent.com/" '
        "(compared byte for byte)."
    ) in result.stdout
    assert "  Close: issuer github-actions has issuer_url" in result.stdout
    assert result.stderr == (
        f"error: no issuer in the configuration in {CONFIG} has issuer_url "
        "'https://token.actions.githubusercontent.com/'; declare one with exactly the token's "
        "iss, or check that the token comes from the identity provider you meant\n"
    )


def test_token_without_iss_says_so(tmp_path: Path) -> None:
    claims = {key: value for key, value in PUSH_CLAIMS.items() if key != "iss"}
    result = run(CONFIG, "--claims", write_claims(tmp_path, claims), "--at", AT)
    assert result.exit_code == 3
    assert result.stderr == (
        "error: the token has no iss claim, so no issuer can accept it; an identity token "
        "from a CI provider always names its issuer in iss\n"
    )


def test_rule_filter_explains_only_that_rule() -> None:
    result = run(
        CONFIG, "--claims", str(DATA / "github-push.json"), "--at", AT, "--rule", "any-branch"
    )
    assert result.exit_code == 3
    assert "rule any-branch" in result.stdout
    assert "rule deploy-main" not in result.stdout


def test_rule_of_another_issuer_shows_the_issuer_mismatch() -> None:
    result = run(
        CONFIG, "--claims", str(DATA / "github-push.json"), "--at", AT, "--rule", "okta-pipeline"
    )
    assert result.exit_code == 3
    assert (
        "  FAIL issuer: iss must equal the issuer's issuer_url byte for byte (scheme, port, "
        'trailing slash); expected "https://acme.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9", '
        'got "https://token.actions.githubusercontent.com"'
    ) in result.stdout


def test_unknown_rule_is_a_usage_error() -> None:
    result = run(CONFIG, "--claims", str(DATA / "github-push.json"), "--rule", "nope")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: --rule nope: no such rule in the configuration in {CONFIG} "
        "(rules: any-branch, deploy-main, okta-pipeline)\n"
    )


@pytest.mark.parametrize(
    ("event", "verdict"), [("push", "WOULD MATCH"), ("pull_request", "would not match")]
)
def test_condition_true_and_false(tmp_path: Path, event: str, verdict: str) -> None:
    claims = {**PUSH_CLAIMS, "aud": "https://github.com/acme", "event_name": event}
    path = write_claims(tmp_path, claims)
    result = run(CONFIG, "--claims", path, "--at", AT, "--rule", "any-branch")
    assert f"rule any-branch (issuer github-actions): {verdict}" in result.stdout
    marker = "ok  " if event == "push" else "FAIL"
    assert f"  {marker} condition:" in result.stdout


def test_token_and_token_file_never_echo_the_token(tmp_path: Path) -> None:
    token = make_token(PUSH_CLAIMS)
    signature = token.rsplit(".", 1)[1]
    by_value = run(CONFIG, "--token", token, "--at", AT)
    path = tmp_path / "token"
    path.write_text(token + "\n")
    by_file = run(CONFIG, "--token-file", str(path), "--at", AT, "--format", "json")
    for result in (by_value, by_file):
        assert result.exit_code == 0, result.output
        assert token not in result.output
        assert signature not in result.output
        assert token.split(".")[1] not in result.output
    assert 'Header: alg="ES256" kid="gha-1" typ="JWT" (signature not shown)' in by_value.stdout
    document = json.loads(by_file.stdout)
    assert document["verified"] is False
    assert document["token_source"] == "--token-file"
    assert document["matching_rules"] == ["deploy-main"]
    assert document["claims"] == PUSH_CLAIMS


def test_malformed_token_error_does_not_echo_it() -> None:
    result = run(CONFIG, "--token", "secret-looking-value")
    assert result.exit_code == 1
    assert "secret-looking-value" not in result.output
    assert result.stderr == (
        "error: --token: not a JWT: expected three base64url parts separated by '.', "
        "found 1 part(s) (the token is not shown)\n"
    )


def test_exactly_one_token_source_is_required() -> None:
    result = run(CONFIG)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: give exactly one of --claims FILE, --token JWT or --token-file FILE\n"
    )
    both = run(CONFIG, "--claims", "a.json", "--token", "x.y.z")
    assert both.stderr == (
        "error: give exactly one of --claims FILE, --token JWT or --token-file FILE "
        "(got --claims, --token)\n"
    )


def test_expired_token_still_matches_but_the_exchange_check_fails() -> None:
    late = str(PUSH_CLAIMS["exp"] + 600)
    result = run(CONFIG, "--claims", str(DATA / "github-push.json"), "--at", late)
    assert result.exit_code == 0
    assert (
        "    FAIL exp: expired: exp 1767225900 (2026-01-01T00:05:00Z) is 600 s ago"
    ) in result.stdout


def test_live_explains_against_the_live_rules(tmp_path: Path) -> None:
    from fedctl.emulator.server import running_emulator

    seed = Path(__file__).parent / "data" / "console-seed.yaml"
    claims = {**PUSH_CLAIMS, "sub": "repo:acme/app:ref:refs/heads/main"}
    path = write_claims(tmp_path, claims)
    with running_emulator(workspaces=("production",), seed_path=str(seed)) as emulator:
        api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
        result = run("--live", "--claims", path, "--at", AT, *api)
    assert result.exit_code == 0, result.output
    assert "Rules from the live organization" in result.stdout
    assert "rule deploy-main (issuer github-actions): WOULD MATCH" in result.stdout
    assert (
        "one workspace: the exchange uses production without ANTHROPIC_WORKSPACE_ID"
    ) in result.stdout
    assert "okta-pipeline" not in result.stdout
