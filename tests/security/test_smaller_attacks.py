"""The smaller attacks: runaway templates, disguised loopback URLs, echoed secrets, and an
emulator exposed with the well-known token. Each is refused cleanly (exit 1, one line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator
from tests.security.helpers import run

# --- templates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "{% set r = range(100000) %}{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}",
            "template error: the template loops more than 1000000 times",
        ),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "template error: the template loops more than 1000000 times",
        ),
        ("{{ 'a' * 10**8 }}", "template error: a value longer than 8388608 characters"),
        ("{{ 10 ** 100000000 }}", "template error: a number too large"),
    ],
)
def test_a_runaway_configuration_template_is_a_located_error(
    tmp_path: Path, body: str, message: str
) -> None:
    target = tmp_path / "fedctl.yaml.j2"
    target.write_text("version: 1\n# " + body + "\n")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{target}:")
    assert message in result.stdout


def test_a_runaway_markdown_template_is_a_clean_usage_error(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    (tmp_path / "fedctl.yaml").write_text("version: 1\n")
    template = tmp_path / "plan.md.j2"
    template.write_text("{{ 'a' * 10**8 }}")
    result = run(
        emulator, "plan", str(tmp_path), "--format", "markdown", "--template", str(template)
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: --template {template}: a value longer than 8388608 characters\n"
    )


def test_include_in_a_markdown_template_is_a_clean_usage_error(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    (tmp_path / "fedctl.yaml").write_text("version: 1\n")
    template = tmp_path / "plan.md.j2"
    template.write_text("{% include '/etc/passwd' %}")
    result = run(
        emulator, "plan", str(tmp_path), "--format", "markdown", "--template", str(template)
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: --template {template}: {{% include %}}, {{% import %}} and "
        "{% extends %} are not supported; put the whole template in one file\n"
    )


# --- URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://0x7f.0.0.1/", "host 0x7f.0.0.1 is an IP address (127.0.0.1)"),
        ("https://0177.0.0.1/", "host 0177.0.0.1 is an IP address (127.0.0.1)"),
        ("https://127.1.0/", "host 127.1.0 is an IP address (127.1.0.0)"),
        ("https://2130706433/", "host 2130706433 is an IP address (127.0.0.1)"),
        ("https://user:pw@idp.example.com/", "holds a user name or password"),
        ("https://idp.example.com@127.0.0.1/", "holds a user name or password"),
        ("https://idp.localdomain/", "host idp.localdomain is not a public DNS name"),
        ("https://127%2e0.0.1/", "host 127%2e0.0.1 is not a plain DNS name"),
    ],
)
def test_disguised_private_hosts_are_refused(tmp_path: Path, url: str, message: str) -> None:
    (tmp_path / "fedctl.yaml").write_text(
        f"version: 1\nissuers:\n  - name: idp\n    issuer_url: {url}\n"
        "    jwks: {type: discovery}\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert message in result.stdout


# --- the emulator ---------------------------------------------------------------------


def test_the_emulator_refuses_to_listen_on_all_addresses_with_the_default_token() -> None:
    result = CliRunner().invoke(cli, ["emulator", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --host 0.0.0.0 would let anyone who can reach this machine administer the "
        "emulator with its well-known admin token; give --admin-token, or listen on "
        "127.0.0.1\n"
    )
