"""The public-host check follows the Public Suffix List and knows wildcard DNS (issue 27
item 11), and a URL's user name and password are never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli


def _validate(tmp_path: Path, url: str) -> tuple[int, str]:
    (tmp_path / "fedctl.yaml").write_text(
        f"version: 1\nissuers:\n  - name: idp\n    issuer_url: {url}\n"
        "    jwks: {type: discovery}\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--format", "text"])
    return result.exit_code, result.output


@pytest.mark.parametrize("suffix", ["svc", "corp", "home", "lan", "intranet", "private", "c"])
def test_hosts_under_no_public_suffix_are_refused(tmp_path: Path, suffix: str) -> None:
    code, output = _validate(tmp_path, f"https://idp.acme.{suffix}")
    assert code == 1
    assert f"host idp.acme.{suffix} is not a public DNS name" in output


@pytest.mark.parametrize(
    ("host", "embedded"),
    [
        ("127.0.0.1.nip.io", " (it embeds 127.0.0.1)"),
        ("idp.10-0-0-1.sslip.io", " (it embeds 10.0.0.1)"),
        ("7f000001.sslip.io", " (it embeds 127.0.0.1)"),
        ("idp.localtest.me", ""),
        ("app.lvh.me", ""),
    ],
)
def test_wildcard_dns_names_are_refused(tmp_path: Path, host: str, embedded: str) -> None:
    code, output = _validate(tmp_path, f"https://{host}")
    assert code == 1
    assert f"host {host} is a wildcard-DNS name{embedded}:" in output


def test_a_private_address_embedded_in_any_name_is_refused(tmp_path: Path) -> None:
    code, output = _validate(tmp_path, "https://169.254.169.254.evil-dns.com")
    assert code == 1
    assert "embeds the private address 169.254.169.254" in output


def test_a_public_suffix_is_not_a_host(tmp_path: Path) -> None:
    code, output = _validate(tmp_path, "https://github.io")
    assert code == 1
    assert "host github.io is a public suffix itself" in output


@pytest.mark.parametrize(
    "url",
    [
        "https://token.actions.githubusercontent.com",
        "https://gitlab.com",
        "https://acme.okta.com/oauth2/default",
        "https://team.github.io",
        "https://idp.acme.co.uk",
    ],
)
def test_public_hosts_pass(tmp_path: Path, url: str) -> None:
    code, output = _validate(tmp_path, url)
    assert code == 0, output


@pytest.mark.parametrize(
    "url",
    [
        "https://admin:secret-pw@idp.example.com/",
        "https://admin:secret-pw@idp example.com/",
        "https://admin:secret-pw@idp.example.com:99999/",
    ],
)
def test_userinfo_is_refused_and_never_echoed(tmp_path: Path, url: str) -> None:
    code, output = _validate(tmp_path, url)
    assert code == 1
    assert "secret-pw" not in output and "admin" not in output
    assert '"https://***@idp' in output
