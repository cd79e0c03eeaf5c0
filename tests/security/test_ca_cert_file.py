"""`ca_cert_file` is hostile: only certificates inside the configuration folder are read.

A certificate+key bundle must be refused without its key ever being printed (the
plan text, Markdown and saved plan would otherwise carry it, and apply would send it),
and a path that leaves the configuration folder must not be read at all.
"""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator
from tests.security.certs import certificate_and_key
from tests.security.helpers import run, writes

CONFIG = """\
version: 1
issuers:
  - name: corp
    issuer_url: https://idp.acme.example
    jwks: {{type: discovery, ca_cert_file: {path}}}
"""


def _config(folder: Path, path: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "fedctl.yaml").write_text(CONFIG.format(path=path))
    return folder


def _key_body(key_pem: str) -> list[str]:
    return [line for line in key_pem.splitlines() if not line.startswith("-----")]


def test_a_certificate_file_is_accepted(tmp_path: Path) -> None:
    cert_pem, _key = certificate_and_key()
    folder = _config(tmp_path / "conf", "ca.pem")
    (folder / "ca.pem").write_text(cert_pem)
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_certificate_and_key_bundle_is_refused_without_printing_the_key(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    cert_pem, key_pem = certificate_and_key()
    folder = _config(tmp_path / "conf", "bundle.pem")
    (folder / "bundle.pem").write_text(cert_pem + key_pem)
    validated = CliRunner().invoke(cli, ["validate", str(folder)])
    for result in (
        validated,
        run(emulator, "plan", str(folder), "--format", "markdown"),
        run(emulator, "apply", str(folder), "--auto-approve"),
    ):
        assert result.exit_code == 1, result.output
        assert not any(line in result.output for line in _key_body(key_pem))
        assert (
            'jwks.ca_cert_file: "bundle.pem" holds a PEM block that is not a certificate '
            "(PRIVATE KEY; block 2, line 10); a CA certificate field must hold only "
            "certificates: remove it"
        ) in result.output
    saved = tmp_path / "plan.json"
    result = run(emulator, "plan", str(folder), "--out", str(saved))
    assert result.exit_code == 1
    assert not saved.exists()
    assert writes(emulator) == []


def test_a_file_that_is_not_a_parsable_certificate_is_refused(tmp_path: Path) -> None:
    folder = _config(tmp_path / "conf", "ca.pem")
    (folder / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1
    assert '"ca.pem" holds a certificate that cannot be parsed' in result.stdout


def test_a_path_outside_the_configuration_folder_is_not_read(tmp_path: Path) -> None:
    cert_pem, _key = certificate_and_key()
    (tmp_path / "outside.pem").write_text(cert_pem)
    folder = _config(tmp_path / "conf", "../outside.pem")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1
    assert (
        'jwks.ca_cert_file: "../outside.pem" is outside the configuration folder; keep the '
        "certificate next to the configuration"
    ) in result.stdout


def test_a_symlink_leaving_the_configuration_folder_is_not_read(tmp_path: Path) -> None:
    cert_pem, _key = certificate_and_key()
    (tmp_path / "outside.pem").write_text(cert_pem)
    folder = _config(tmp_path / "conf", "ca.pem")
    os.symlink(tmp_path / "outside.pem", folder / "ca.pem")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1
    assert '"ca.pem" is outside the configuration folder' in result.stdout
