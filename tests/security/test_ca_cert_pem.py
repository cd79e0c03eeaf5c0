"""`jwks.ca_cert_pem` and `ca_cert_file` share one strict reader: certificates only.

A pull request that pastes a private key (in any form) into the inline CA field must
fail `validate`, and no line of the key may appear in any output: the plan text, the
Markdown comment, the saved plan and the API would otherwise carry it.
"""

from __future__ import annotations

import base64
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from fedctl.cli.main import cli
from fedctl.config.pem import certificate_problem
from fedctl.emulator.server import RunningEmulator
from tests.security.certs import certificate_and_key
from tests.security.helpers import run, writes

CONFIG = """\
version: 1
issuers:
  - name: corp
    issuer_url: https://idp.acme.example
    jwks:
      type: discovery
      ca_cert_pem: |
{pem}
"""


def _config(folder: Path, pem: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "fedctl.yaml").write_text(CONFIG.format(pem=textwrap.indent(pem, " " * 8)))
    return folder


def _secret_lines(pem: str) -> list[str]:
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


def _private_keys() -> dict[str, str]:
    """Every private-key form `cryptography` writes, plus relabelled and headed variants."""
    ec_key = ec.generate_private_key(ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = serialization.Encoding.PEM
    none = serialization.NoEncryption()
    pkcs8 = ec_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, none).decode()
    body = "\n".join(_secret_lines(pkcs8))
    return {
        "pkcs8": pkcs8,
        "sec1": ec_key.private_bytes(
            pem, serialization.PrivateFormat.TraditionalOpenSSL, none
        ).decode(),
        "pkcs1": rsa_key.private_bytes(
            pem, serialization.PrivateFormat.TraditionalOpenSSL, none
        ).decode(),
        "openssh": ec_key.private_bytes(pem, serialization.PrivateFormat.OpenSSH, none).decode(),
        "encrypted": ec_key.private_bytes(
            pem,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"passphrase"),
        ).decode(),
        "odd-label": f"-----BEGIN SECRET STUFF-----\n{body}\n-----END SECRET STUFF-----\n",
        "key-as-certificate": f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n",
    }


@pytest.mark.parametrize("variant", sorted(_private_keys()))
def test_a_private_key_in_ca_cert_pem_fails_validate_and_is_never_printed(
    variant: str, tmp_path: Path
) -> None:
    key_pem = _private_keys()[variant]
    cert_pem, _key = certificate_and_key()
    for name, pem in (("alone", key_pem), ("bundle", cert_pem + key_pem)):
        folder = _config(tmp_path / name, pem)
        for format_ in ("text", "json"):
            result = CliRunner().invoke(cli, ["validate", str(folder), "--format", format_])
            assert result.exit_code == 1, result.output
            assert not any(line in result.output for line in _secret_lines(key_pem))
            assert "ca_cert_pem" in result.output


def test_a_begin_private_key_block_is_refused_at_its_line_through_every_command(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    cert_pem, key_pem = certificate_and_key()
    folder = _config(tmp_path / "conf", cert_pem + key_pem)
    validated = CliRunner().invoke(cli, ["validate", str(folder)])
    assert validated.stdout.splitlines()[0] == (
        f"{folder / 'fedctl.yaml'}:7:20: issuer/corp: issuers[0].jwks.ca_cert_pem: "
        "ca_cert_pem holds a PEM block that is not a certificate (PRIVATE KEY; block 2, "
        "line 10); a CA certificate field must hold only certificates: remove it"
    )
    saved = tmp_path / "plan.json"
    for result in (
        validated,
        run(emulator, "plan", str(folder), "--format", "markdown"),
        run(emulator, "plan", str(folder), "--out", str(saved)),
        run(emulator, "apply", str(folder), "--auto-approve"),
    ):
        assert result.exit_code == 1, result.output
        assert not any(line in result.output for line in _secret_lines(key_pem))
    assert not saved.exists()
    assert writes(emulator) == []


def test_header_lines_inside_a_certificate_block_are_refused_unprinted() -> None:
    cert_pem, _key = certificate_and_key()
    leak = base64.b64encode(b"ghs_secret-token-value").decode()
    lines = cert_pem.splitlines()
    headed = "\n".join([lines[0], f"X-Leak: {leak}", "", *lines[1:]]) + "\n"
    problem = certificate_problem(headed)
    assert problem == (
        "holds a header line inside a certificate block (block 1, line 1: line 2); "
        "a certificate has none: remove it"
    )
    assert leak not in problem


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        ("QUJDREVGR0g=\n", "holds text outside its certificate blocks (line "),
        ("-----BEGIN CERTIFICATE-----\nQUJD\n", "holds a certificate block that is not closed"),
        ("garbage\n", "holds text outside its certificate blocks"),
    ],
)
def test_trailing_material_after_a_certificate_is_refused(suffix: str, expected: str) -> None:
    cert_pem, _key = certificate_and_key()
    problem = certificate_problem(cert_pem + suffix)
    assert problem is not None and problem.startswith(expected)
    assert "QUJD" not in problem


def test_certificates_in_both_fields_are_accepted(tmp_path: Path) -> None:
    cert_pem, _key = certificate_and_key()
    other_pem, _other = certificate_and_key()
    assert certificate_problem(cert_pem + "\n" + other_pem) is None
    assert certificate_problem(cert_pem.replace("\n", "\r\n")) is None
    folder = _config(tmp_path / "conf", cert_pem)
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert (result.exit_code, result.stderr) == (0, "")


@pytest.mark.parametrize("character", ["\x1c", "\x85", "\u2028", "\x0b", "\x1b", "\u00e9"])
def test_a_control_or_non_ascii_character_is_refused_even_where_strip_hides_it(
    character: str,
) -> None:
    # str.strip() takes \x1c, \x85, \u2028 and \x0b for white space, so a line-based reader
    # would pass them; a PEM certificate is plain ASCII.
    cert_pem, _key = certificate_and_key()
    lines = cert_pem.splitlines()
    marked = "\n".join([lines[0], lines[1] + character, *lines[2:]]) + "\n"
    assert certificate_problem(marked) == (
        "holds a control or non-ASCII character (line 2); a PEM certificate is plain ASCII: "
        "export it again as PEM"
    )
    assert certificate_problem(marked, with_fix=False) == (
        "holds a control or non-ASCII character (line 2)"
    )
