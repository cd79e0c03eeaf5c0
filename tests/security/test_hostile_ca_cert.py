"""A hostile server's issuer `ca_cert_pem` is screened when fedctl reads it back.

The configuration's CA fields pass one strict reader (fedctl/config/pem.py), but the live
value comes from the server: a compromised or hostile Admin API (or a Console user) can
put a private key, junk or terminal control characters next to a certificate. Read
unscreened, that text would travel into the plan, the pull-request comment, saved plans,
snapshots and exports. So `live` screens it with the same reader: a value that is not
certificates only makes the issuer unmanageable (shown, never changed), the value itself
is dropped as it is read, and the reason names the problem without quoting any of it.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from fedctl.emulator.server import RunningEmulator
from tests.security.certs import certificate_and_key
from tests.security.helpers import run, writes

ISSUER_URL = "https://idp.acme.example"
CONFIG = f"""\
version: 1
issuers:
  - name: corp
    issuer_url: {ISSUER_URL}
    max_jwt_lifetime_seconds: 1800
"""


def _rsa_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def _hostile_values() -> dict[str, tuple[str, list[str]]]:
    """name -> (the server's ca_cert_pem, the strings no output may hold)."""
    cert_pem, key_pem = certificate_and_key()
    rsa_pem = _rsa_key()
    key_lines = _body_lines(key_pem)
    junk = "c2VjcmV0LXRva2VuLXZhbHVl"  # base64 of "secret-token-value", outside any block
    return {
        "private key alone": (key_pem, key_lines),
        "certificate and private key": (cert_pem + key_pem, key_lines),
        "rsa key relabelled": (
            rsa_pem.replace("RSA PRIVATE KEY", "CERTIFICATE"),
            _body_lines(rsa_pem),
        ),
        "junk after the certificate": (cert_pem + junk + "\n", [junk]),
        "terminal control characters": (cert_pem + "\x1b]0;owned\x07\x1b[2J\n", ["\x1b"]),
        "a control character inside the block": (_inside(cert_pem, "\x1c"), ["\x1c"]),
    }


def _inside(pem: str, character: str) -> str:
    """`character` at the end of the certificate's first base64 line, where
    `str.strip()` would take it for white space."""
    lines = pem.splitlines()
    return "\n".join([lines[0], lines[1] + character, *lines[2:]]) + "\n"


def _body_lines(pem: str) -> list[str]:
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


def _create_issuer(emulator: RunningEmulator, ca_cert_pem: str) -> str:
    """What a hostile server (or a Console user) holds: the API takes any text here."""
    response = httpx.post(
        f"{emulator.base_url}/v1/organizations/federation_issuers",
        headers={"authorization": f"Bearer {emulator.admin_token}"},
        json={
            "name": "corp",
            "issuer_url": ISSUER_URL,
            "jwks": {"type": "discovery", "ca_cert_pem": ca_cert_pem},
        },
    )
    assert response.status_code == 200, response.text
    issuer_id: str = response.json()["id"]
    return issuer_id


@pytest.mark.parametrize("variant", sorted(_hostile_values()))
def test_a_hostile_ca_cert_pem_makes_the_issuer_unmanageable_and_is_never_printed(
    variant: str, emulator: RunningEmulator, tmp_path: Path
) -> None:
    value, secrets = _hostile_values()[variant]
    issuer_id = _create_issuer(emulator, value)
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "fedctl.yaml").write_text(CONFIG)
    emulator.reset_request_log()

    planned = run(emulator, "plan", str(folder), "--format", "json")
    assert planned.exit_code == 0, planned.output
    [held] = json.loads(planned.stdout)["unmanageable"]
    assert held.startswith(f"issuer/corp ({issuer_id}): its jwks.ca_cert_pem ")
    assert held.endswith("; fedctl withholds the value: fix it in the Console")

    saved, snapshot, exported = (tmp_path / name for name in ("p.json", "s.json", "export"))
    outputs = [
        planned,
        run(emulator, "plan", str(folder), "--no-color"),
        run(emulator, "plan", str(folder), "--format", "markdown"),
        run(emulator, "plan", str(folder), "--out", str(saved)),
        run(emulator, "apply", str(folder), "--auto-approve"),
        run(emulator, "show", "issuer/corp"),
        run(emulator, "export"),
        run(emulator, "export", "--format", "terraform"),
        run(emulator, "export", "--out", str(exported)),
        run(emulator, "snapshot", "--out", str(snapshot)),
        run(emulator, "drift"),
    ]
    assert writes(emulator) == []
    written = [path.read_text() for path in (saved, snapshot) if path.exists()]
    written += [path.read_text() for path in exported.rglob("*") if path.is_file()]
    assert len(written) >= 3, "the saved plan, the snapshot and the export were written"
    for text in [result.output for result in outputs] + written:
        assert not any(secret in text for secret in secrets)


def test_a_certificate_only_ca_cert_pem_stays_managed(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    cert_pem, _key = certificate_and_key()
    _create_issuer(emulator, cert_pem + "\n" + certificate_and_key()[0])
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "fedctl.yaml").write_text(CONFIG)
    planned = run(emulator, "plan", str(folder), "--format", "json")
    assert planned.exit_code == 0, planned.output
    assert json.loads(planned.stdout)["unmanageable"] == []
