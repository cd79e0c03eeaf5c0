# ruff: noqa: E501 - expected messages are compared whole, one literal each
import shutil
from pathlib import Path

import pytest

from fedctl.config import load_config
from fedctl.config.models import DiscoveryJwks, InlineJwks
from fedctl.core.errors import Location, Severity, ValidationFailed
from fedctl.core.state import Kind
from tests.security.certs import certificate_and_key

EXAMPLES = Path(__file__).parents[2] / "examples"


def test_quickstart_loads_with_locations() -> None:
    config = load_config(EXAMPLES / "quickstart")
    file = str(EXAMPLES / "quickstart" / "fedctl.yaml")
    assert [rule.name for rule in config.rules] == ["payments-main"]
    assert config.location_of(Kind.RULE, "payments-main") == Location(file, 32, 5)
    assert config.location_of(Kind.RULE, "payments-main", "match.subject_prefix") == Location(
        file, 37, 23
    )
    assert config.location_of(
        Kind.SERVICE_ACCOUNT, "payments-inference", "workspaces[0].role"
    ) == Location(file, 14, 15)
    # A field the file leaves out points at its nearest written ancestor.
    assert config.location_of(Kind.RULE, "payments-main", "match.condition") == Location(
        file, 37, 7
    )
    assert config.path_of(Kind.RULE, "payments-main", "match") == "rules[0].match"
    assert config.location_of(Kind.RULE, "nope") is None
    assert config.settings.max_archives == 10
    assert config.settings.max_changes_percent == 30
    assert config.warnings == []


def test_digest_ignores_file_layout_but_not_content(tmp_path: Path) -> None:
    single = load_config(EXAMPLES / "github-actions").digest
    copy = tmp_path / "copy"
    shutil.copytree(EXAMPLES / "github-actions", copy)
    (copy / "issuers.yaml").rename(copy / "z-issuers.yaml")
    assert load_config(copy).digest == single
    rules = copy / "rules.yaml"
    rules.write_text(
        rules.read_text().replace("token_lifetime_seconds: 600", "token_lifetime_seconds: 900")
    )
    assert load_config(copy).digest != single


def test_keys_file_and_ca_cert_file_are_read_relative_to_their_file(tmp_path: Path) -> None:
    (tmp_path / "conf" / "keys").mkdir(parents=True)
    (tmp_path / "conf" / "keys" / "jwks.json").write_text(
        '{"keys": [{"kty": "EC", "crv": "P-256", "x": "AA", "y": "BB", "kid": "k1"}]}'
    )
    # A real certificate: ca_cert_file is parsed, so a placeholder body is refused.
    pem, _key = certificate_and_key()
    (tmp_path / "conf" / "ca.pem").write_text(pem)
    (tmp_path / "conf" / "issuers.yaml").write_text(
        "issuers:\n"
        "  - name: a\n    issuer_url: https://idp.internal\n"
        "    jwks: {type: inline, keys_file: keys/jwks.json}\n"
        "  - name: b\n    issuer_url: https://idp.example.com\n"
        "    jwks: {type: discovery, ca_cert_file: ca.pem}\n"
    )
    config = load_config(tmp_path / "conf")
    inline, discovery = (issuer.jwks for issuer in config.issuers)
    assert isinstance(inline, InlineJwks)
    assert inline.keys_file is None
    assert [key.model_dump() for key in inline.keys or []] == [
        {"kty": "EC", "crv": "P-256", "x": "AA", "y": "BB", "kid": "k1"}
    ]
    assert isinstance(discovery, DiscoveryJwks)
    assert (discovery.ca_cert_pem, discovery.ca_cert_file) == (pem, None)


def test_all_errors_are_collected_and_sorted(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text("service_accounts:\n  - name: B\n")
    (tmp_path / "a.yaml").write_text(
        "issuers:\n  - name: x\n    issuer_url: http://x.example.com\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        load_config(tmp_path)
    assert [d.render() for d in caught.value.diagnostics] == [
        f'{tmp_path}/a.yaml:3:17: issuer/x: issuers[0].issuer_url: must use https, not "http"; e.g. "https://idp.example.com"',
        f'{tmp_path}/b.yaml:2:11: service_account/"B": service_accounts[0].name: "B" is not a valid name; use 1-255 characters of a-z, 0-9 and "-", e.g. "ci-deployer"',
    ]


def test_valid_parts_of_an_invalid_file_still_take_part_in_cross_file_checks(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.yaml").write_text("service_accounts:\n  - name: ci\n  - name: Bad\n")
    (tmp_path / "b.yaml").write_text("service_accounts:\n  - name: ci\n")
    with pytest.raises(ValidationFailed) as caught:
        load_config(tmp_path)
    messages = [d.render() for d in caught.value.diagnostics]
    assert len(messages) == 2
    assert messages[1].startswith(
        f'{tmp_path}/b.yaml:2:11: service_account/ci: service_accounts[0].name: service account "ci" is declared twice; the first is at {tmp_path}/a.yaml:2:11'
    )


def test_console_managed_rules_are_warnings(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "service_accounts: [{name: boot, organization_role: admin}]\n"
        "issuers: [{name: gha, issuer_url: https://token.actions.githubusercontent.com}]\n"
        "rules:\n  - {name: boot, issuer: gha, service_account: boot, oauth_scope: org:admin,\n"
        "     match: {subject_prefix: 'repo:acme/infra:ref:refs/heads/main'}, applies_to_all_workspaces: true}\n"
    )
    config = load_config(tmp_path)
    (warning,) = config.warnings
    assert warning.severity == Severity.WARNING
    assert warning.code == "console-managed"
    assert warning.path == "rules[0].oauth_scope"


def test_templates_render_with_variables(tmp_path: Path) -> None:
    (tmp_path / "sa.yaml.j2").write_text("service_accounts:\n  - name: ci-{{ env }}\n")
    (tmp_path / "vars.yaml").write_text("env: staging\n")
    config = load_config(tmp_path / "sa.yaml.j2", var_files=[str(tmp_path / "vars.yaml")])
    assert config.service_accounts[0].name == "ci-staging"
    config = load_config(
        tmp_path / "sa.yaml.j2", variables=["env=prod"], var_files=[str(tmp_path / "vars.yaml")]
    )
    assert config.service_accounts[0].name == "ci-prod"
    assert config.location_of(Kind.SERVICE_ACCOUNT, "ci-prod") == Location(
        str(tmp_path / "sa.yaml.j2"), 2, 5, rendered=True
    )
