"""No token and no private key material in any output, file, message or repr.

Each command runs in failing and succeeding modes with known secret strings (a bearer
token, an identity JWT, the token minted from it, private JWK members); every captured
byte of stdout and stderr, every file written, and under --debug the exception's
message, repr and formatted traceback are searched for them.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml
from click.testing import CliRunner, Result
from jwt.algorithms import RSAAlgorithm

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator, running_emulator
from tests.support.federation import AUDIENCE, bootstrap_seed
from tests.support.idtokens import github_actions_claims, make_signing_key, sign_token

ADMIN_TOKEN = "sk-ant-oat01-AUDIT-admin-0123456789abcdef"
WRONG_TOKEN = "sk-ant-oat01-AUDIT-wrong-0123456789abcdef"
ISSUER_URL = "https://idp.audit.example.com"
QUICKSTART = Path(__file__).parents[2] / "examples" / "quickstart"


def outputs_of(result: Result) -> str:
    """Everything a user or a log could see: stdout, stderr, and any exception's text."""
    seen = result.stdout + result.stderr
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        seen += str(exc) + repr(exc)
        seen += "".join(traceback.format_exception(exc))
        if hasattr(exc, "render"):
            seen += exc.render()
    return seen


def files_under(folder: Path) -> str:
    return "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    )


def assert_hidden(secrets: list[str], text: str) -> None:
    for secret in secrets:
        assert secret not in text, f"a secret ({secret[:12]}...) leaked"


@pytest.fixture
def audit_emulator() -> Iterator[RunningEmulator]:
    with running_emulator(admin_token=ADMIN_TOKEN, workspaces=("production",)) as emulator:
        yield emulator


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, args, env=env)


def test_bearer_token_never_appears_in_any_command_output_or_file(
    audit_emulator: RunningEmulator, tmp_path: Path
) -> None:
    api = ["--base-url", audit_emulator.base_url, "--timeout", "5"]
    out = tmp_path / "out"
    out.mkdir()
    runs = [
        ["whoami"],
        ["whoami", "--format", "json"],
        ["plan", str(QUICKSTART), "--out", str(out / "plan.json"), "--format", "json"],
        ["plan", str(QUICKSTART), "--format", "markdown"],
        ["apply", str(QUICKSTART), "--auto-approve"],
        ["snapshot", "--out", str(out / "snapshot.json")],
        ["export"],
        ["export", "--out", str(out / "export")],
        ["drift", str(QUICKSTART), "--fedctl-actor", "user_x", "--format", "json"],
        ["explain", str(QUICKSTART), "--live", "--claims", str(write_claims(tmp_path))],
    ]
    for args in runs:
        for debug in ([], ["--debug"]):
            if args[:2] == ["export", "--out"]:  # a new folder each time
                args = [*args[:2], f"{args[2]}{len(debug)}"]
            good = invoke([*debug, *args, *api, "--auth-token", ADMIN_TOKEN])
            # --debug re-raises explain's no-match error (exit 3 otherwise).
            assert good.exit_code in ((0, 1, 2) if debug else (0, 2, 3)), (args, good.output)
            assert_hidden([ADMIN_TOKEN], outputs_of(good))
            # Refused token, by flag and by environment: a 401 explained, never echoed.
            bad = invoke([*debug, *args, *api, "--auth-token", WRONG_TOKEN])
            env_bad = invoke([*debug, *args, *api], env={"ANTHROPIC_AUTH_TOKEN": WRONG_TOKEN})
            for refused in (bad, env_bad):
                assert refused.exit_code == 1, (args, refused.output)
                assert_hidden([WRONG_TOKEN, ADMIN_TOKEN], outputs_of(refused))
    assert_hidden([ADMIN_TOKEN], files_under(out))


def write_claims(tmp_path: Path) -> Path:
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(github_actions_claims(iss=ISSUER_URL)))
    return path


def test_api_keys_and_admin_keys_are_refused_without_being_echoed() -> None:
    for key in ("sk-ant-admin01-AUDIT-secret-key", "sk-ant-api03-AUDIT-secret-key"):
        for args, env in (
            (["whoami", "--auth-token", key], None),
            (["whoami"], {"ANTHROPIC_AUTH_TOKEN": key}),
            (["--debug", "whoami"], {"ANTHROPIC_API_KEY": key}),
        ):
            result = invoke(args, env)
            assert result.exit_code == 1
            assert_hidden([key], outputs_of(result))


@dataclass(frozen=True)
class Federation:
    emulator: RunningEmulator
    rule_id: str
    service_account_id: str
    key: object


@pytest.fixture
def federation(tmp_path: Path) -> Iterator[Federation]:
    key = make_signing_key()
    seed_path = tmp_path / "seed.yaml"
    seed_path.write_text(yaml.safe_dump(bootstrap_seed(ISSUER_URL, key.public_jwk())))
    with running_emulator(
        seed_path=str(seed_path), admin_token=ADMIN_TOKEN, workspaces=("production",)
    ) as emulator:
        rule = admin_get(emulator, "federation_rules")[0]
        yield Federation(emulator, rule["id"], rule["target"]["service_account_id"], key)


def test_identity_jwt_and_minted_token_never_appear(federation: Federation, tmp_path: Path) -> None:
    emulator = federation.emulator
    good_jwt = sign_token(
        federation.key,  # type: ignore[arg-type]
        github_actions_claims(iss=ISSUER_URL, aud=AUDIENCE),
    )
    refused_jwt = sign_token(
        federation.key,  # type: ignore[arg-type]
        github_actions_claims(iss=ISSUER_URL, aud="https://wrong.example.com"),
    )
    config_dir = Path(os.environ["ANTHROPIC_CONFIG_DIR"])
    token_file = tmp_path / "jwt"
    (config_dir / "configs").mkdir()
    (config_dir / "configs" / "ci.json").write_text(
        json.dumps(
            {
                "version": "1.0",
                "authentication": {
                    "type": "oidc_federation",
                    "federation_rule_id": federation.rule_id,
                    "service_account_id": federation.service_account_id,
                    "identity_token": {"source": "file", "path": str(token_file)},
                },
                "organization_id": emulator.organization_id,
                "base_url": emulator.base_url,
            }
        )
    )
    env = {"ANTHROPIC_PROFILE": "ci"}
    token_file.write_text(refused_jwt)
    for args in (["whoami"], ["--debug", "whoami"], ["plan", str(QUICKSTART)]):
        refused = invoke(args, env)
        assert refused.exit_code == 1
        assert "token exchange refused" in outputs_of(refused)
        assert_hidden([refused_jwt, refused_jwt.split(".")[2]], outputs_of(refused))

    token_file.write_text(good_jwt)
    out = tmp_path / "out"
    out.mkdir()
    runs = [
        ["whoami", "--format", "json"],
        ["plan", str(QUICKSTART), "--out", str(out / "plan.json")],
        ["snapshot", "--out", str(out / "snapshot.json")],
        ["export", "--out", str(out / "export")],
    ]
    results = [invoke(args, env) for args in runs]
    cache = json.loads((config_dir / "credentials" / "ci.json").read_text())
    minted = cache["access_token"]
    for args, result in zip(runs, results, strict=True):
        assert result.exit_code == 0, (args, result.output)
        assert_hidden([good_jwt, good_jwt.split(".")[2], minted], outputs_of(result))
    assert_hidden([good_jwt, minted, ADMIN_TOKEN], files_under(out))


def test_explain_never_prints_the_token_or_its_signature(tmp_path: Path) -> None:
    key = make_signing_key()
    token = sign_token(key, github_actions_claims(iss=ISSUER_URL))
    token_file = tmp_path / "jwt"
    token_file.write_text(token)
    tampered = token[:-8] + "AAAAAAAA"
    for args in (
        ["explain", str(QUICKSTART), "--token", token],
        ["explain", str(QUICKSTART), "--token", token, "--format", "json"],
        ["explain", str(QUICKSTART), "--token-file", str(token_file)],
        ["--debug", "explain", str(QUICKSTART), "--token", tampered + ".extra"],
    ):
        result = invoke(args)
        assert result.exit_code in (1, 3), result.output
        assert_hidden([token, token.split(".")[2], tampered], outputs_of(result))


def private_jwk() -> dict[str, object]:
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk: dict[str, object] = json.loads(RSAAlgorithm.to_jwk(private))
    jwk["kid"] = "leaky"
    return jwk


PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")


def test_private_jwk_members_are_never_printed(tmp_path: Path) -> None:
    jwk = private_jwk()
    secrets = [str(jwk[member]) for member in PRIVATE_MEMBERS]
    config = tmp_path / "fedctl.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "issuers": [
                    {
                        "name": "leaky",
                        "issuer_url": ISSUER_URL,
                        "jwks": {"type": "inline", "keys": [jwk]},
                    }
                ],
            }
        )
    )
    for args in (
        ["validate", str(config)],
        ["validate", str(config), "--format", "json"],
        ["lint", str(config), "--format", "sarif"],
        ["--debug", "plan", str(config), "--local-state", str(tmp_path / "local.db")],
    ):
        result = invoke(args)
        assert result.exit_code == 1, (args, result.output)
        text = outputs_of(result)
        assert "leaky" in text
        assert_hidden(secrets, text)


def test_a_saved_plan_carrying_private_key_members_is_refused(
    audit_emulator: RunningEmulator, tmp_path: Path
) -> None:
    public = make_signing_key(kid="pub").public_jwk()
    config = tmp_path / "config"
    config.mkdir()
    (config / "fedctl.yaml").write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "issuers": [
                    {
                        "name": "inline",
                        "issuer_url": ISSUER_URL,
                        "jwks": {"type": "inline", "keys": [public]},
                    }
                ],
            }
        )
    )
    api = ["--base-url", audit_emulator.base_url, "--auth-token", ADMIN_TOKEN]
    plan_file = tmp_path / "plan.json"
    made = invoke(["plan", str(config), "--out", str(plan_file), *api])
    assert made.exit_code == 0, made.output
    # Someone edits the reviewed plan to smuggle the private half into the request.
    jwk = private_jwk()
    text = plan_file.read_text()
    assert '"kid": "pub"' in text
    leaked = text.replace('"kid": "pub"', f'"kid": "pub", "d": {json.dumps(jwk["d"])}')
    plan_file.write_text(leaked)
    result = invoke(["apply", str(plan_file), "--config", str(config), "--auto-approve", *api])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {plan_file}: the saved plan carries private key members (d) in JWKS key "
        "pub; a plan publishes only public keys: make it again with `fedctl plan --out FILE`\n"
    )
    assert_hidden([str(jwk["d"])], outputs_of(result))
    assert admin_get(audit_emulator, "federation_issuers") == []  # nothing was sent


def admin_get(emulator: RunningEmulator, collection: str) -> list[dict[str, object]]:
    headers = {"authorization": f"Bearer {ADMIN_TOKEN}", "anthropic-version": "2023-06-01"}
    url = f"{emulator.base_url}/v1/organizations/{collection}?include_archived=true"
    data: list[dict[str, object]] = httpx.get(url, headers=headers).json()["data"]
    return data


def test_emulator_objects_hide_the_admin_token_in_their_repr(
    audit_emulator: RunningEmulator,
) -> None:
    from fedctl.emulator.app import EmulatorContext

    context = EmulatorContext(audit_emulator.store, ADMIN_TOKEN)
    assert_hidden([ADMIN_TOKEN], repr(context) + repr(audit_emulator))
