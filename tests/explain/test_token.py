import json
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from fedctl.access.explain.token import decode_token, read_claims_file, read_token_file
from fedctl.core.errors import UsageError


def make_token(claims: dict[str, object]) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": "key-1"})


def test_decodes_header_and_claims_without_verifying() -> None:
    token = make_token({"iss": "https://issuer.example", "sub": "me"})
    decoded = decode_token(token)
    assert decoded.claims == {"iss": "https://issuer.example", "sub": "me"}
    assert decoded.header == {"alg": "ES256", "kid": "key-1", "typ": "JWT"}
    assert decoded.size == len(token)
    assert token not in repr(decoded)


def test_token_file_is_stripped(tmp_path: Path) -> None:
    token = make_token({"sub": "me"})
    path = tmp_path / "token"
    path.write_text(f"\n  {token}\n")
    decoded = read_token_file(path)
    assert (decoded.claims, decoded.source) == ({"sub": "me"}, "--token-file")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "abc.def",
            "--token: not a JWT: expected three base64url parts separated by '.', "
            "found 2 part(s) (the token is not shown)",
        ),
        (
            "!!!.e30.sig",
            "--token: not a JWT: the header is not base64url-encoded JSON (the token is not shown)",
        ),
        ("e30.WzFd.sig", "--token: not a JWT: the payload is not a JSON object"),
    ],
)
def test_malformed_tokens_are_usage_errors_that_do_not_quote_the_token(
    text: str, message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        decode_token(text)
    assert caught.value.render() == message


def test_claims_file_must_be_a_json_object(tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(["sub"]))
    with pytest.raises(UsageError) as caught:
        read_claims_file(path)
    assert caught.value.render() == f"--claims {path}: expected a JSON object of claims, found list"
    path.write_text("{nope")
    with pytest.raises(UsageError) as caught:
        read_claims_file(path)
    assert caught.value.render().startswith(f"--claims {path}:1:2: not valid JSON")


def test_missing_token_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        read_token_file(tmp_path / "absent")
    assert caught.value.render() == (
        f"--token-file {tmp_path / 'absent'}: cannot read the file: No such file or directory"
    )
