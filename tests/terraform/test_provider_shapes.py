"""The export and import against what the provider and Terraform accept (issue 31 items
20-22): HCL keyword keys, `terraform fmt -check` on every export, version pins,
`deletion_protection` both ways, the nested rule target, the provider source boundary,
and the organization from an aliased provider block.

`terraform fmt -check` runs when the binary is on PATH (it is on the CI machines) and is
skipped otherwise: it parses HCL as Terraform does, which fedctl's test reader cannot.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.core.errors import UsageError
from fedctl.core.state import LiveState, Workspace
from fedctl.export.hcl import object_key
from fedctl.export.terraform import build_terraform, render_terraform
from fedctl.export.terraform_import.configuration import import_terraform
from fedctl.export.terraform_import.read import is_official_provider
from fedctl.live.snapshot import take_snapshot, write_snapshot
from tests.export.orgs import known_org
from tests.support.hcl_reader import read_hcl
from tests.terraform.test_export import federated_ci

REPO = Path(__file__).resolve().parents[2]
ORG_ID = "00000000-0000-0000-0000-000000000001"
PROVIDER = "registry.terraform.io/anthropics/anthropic"
KEYWORDS = ("for", "in", "if", "null", "true", "false", "else", "endif", "endfor")
PROTECTED = re.compile(r"\n  deletion_protection += true\n")
TERRAFORM = shutil.which("terraform")
needs_terraform = pytest.mark.skipif(TERRAFORM is None, reason="no terraform binary on PATH")


def terraform_fmt_check(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "check.tf"
    path.write_text(text, encoding="utf-8")
    assert TERRAFORM is not None
    return subprocess.run(
        [TERRAFORM, "fmt", "-check", "-diff", "-no-color", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "TF_CLI_CONFIG_FILE": "/dev/null", "HOME": str(tmp_path)},
    )


def keyword_org() -> LiveState:
    """Every HCL keyword as a claim name, odd claim names, and keyword workspace names."""
    claims = {word: f"value-{word}" for word in KEYWORDS}
    claims |= {"a-b": "dash", "1st": "digit", "x.y": "dot", "ünï": "unicode", "plain": "p"}
    live = federated_ci(name="for", claims=claims)
    extra = (Workspace(id="wrkspc_01Null", name="null"), Workspace(id="wrkspc_01For", name="for"))
    account = live.service_accounts["for"]
    memberships = dict(account.spec.memberships) | {"wrkspc_01Null": "workspace_user"}
    memberships["wrkspc_01For"] = "workspace_developer"
    spec = account.spec.model_copy(update={"memberships": memberships})
    return live.model_copy(
        update={
            "workspaces": (*live.workspaces, *extra),
            "service_accounts": {"for": account.model_copy(update={"spec": spec})},
        }
    )


@pytest.mark.parametrize("word", KEYWORDS)
def test_keyword_keys_are_quoted(word: str) -> None:
    assert object_key(word) == f'"{word}"'


@pytest.mark.parametrize(
    ("key", "written"),
    [("plain", "plain"), ("_x1", "_x1"), ("a-b", '"a-b"'), ("1st", '"1st"'), ("x.y", '"x.y"')],
)
def test_only_plain_identifiers_stay_bare(key: str, written: str) -> None:
    assert object_key(key) == written


def test_a_keyword_heavy_export_keeps_every_claim_name(tmp_path: Path) -> None:
    text = render_terraform(build_terraform(keyword_org()))
    _, strings = read_hcl(text)
    for word in KEYWORDS:
        assert f'"{word}"' in text and f"value-{word}" in strings
    assert "local.workspace_ids.for_" in text and "local.workspace_ids.null_" in text
    assert 'resource "anthropic_service_account" "for_"' in text


def _every_export() -> dict[str, str]:
    exports = {
        "federated-ci": render_terraform(build_terraform(federated_ci())),
        "known-org": render_terraform(build_terraform(known_org())),
        "keywords": render_terraform(build_terraform(keyword_org())),
        "protected": render_terraform(
            build_terraform(known_org(), protect=["rule/*", "service_account/*"])
        ),
    }
    for path in [*REPO.glob("tests/golden/**/*.tf"), *REPO.glob("docs/**/*.tf")]:
        exports[str(path.relative_to(REPO))] = path.read_text(encoding="utf-8")
    return exports


@needs_terraform
@pytest.mark.parametrize("name", sorted(_every_export()))
def test_every_export_passes_terraform_fmt_check(name: str, tmp_path: Path) -> None:
    result = terraform_fmt_check(_every_export()[name], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_terraform
def test_terraform_fmt_refuses_a_bare_for_key(tmp_path: Path) -> None:
    # The oracle can fail: the unquoted form the issue reported is refused.
    broken = 'locals {\n  claims = {\n    for = "payments"\n  }\n}\n'
    result = terraform_fmt_check(broken, tmp_path)
    assert result.returncode != 0
    assert "Invalid 'for' expression" in result.stderr


def test_the_export_pins_terraform_and_the_provider() -> None:
    text = render_terraform(build_terraform(federated_ci()))
    assert '  required_version = ">= 1.11"\n' in text
    assert '      source  = "anthropics/anthropic"\n' in text
    assert '      version = ">= 0.1.0, < 2.0.0"\n' in text


# --- deletion_protection <-> settings.protect --------------------------------------


def test_protect_patterns_become_deletion_protection(tmp_path: Path) -> None:
    text = render_terraform(build_terraform(federated_ci(), protect=["rule/*", "github-actions"]))
    blocks = text.split("\n\n")
    protected = [block.split("\n")[0] for block in blocks if PROTECTED.search(block)]
    assert protected == [
        'resource "anthropic_federation_issuer" "github_actions" {',
        'resource "anthropic_federation_rule" "research_ci_main" {',
    ]


def test_export_takes_protect_from_a_configuration(tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshot.json"
    write_snapshot(take_snapshot(federated_ci()), snapshot)
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.yaml").write_text("settings:\n  protect:\n    - service_account/*\n")
    args = ["export", "--format", "terraform", "--snapshot", str(snapshot)]
    result = CliRunner().invoke(cli, [*args, "--protect-from", str(config)])
    assert result.exit_code == 0, result.output
    assert len(PROTECTED.findall(result.stdout)) == 1
    account = result.stdout.split('resource "anthropic_service_account"')[1].split("}")[0]
    assert PROTECTED.search(account)
    refused = CliRunner().invoke(cli, ["export", "--snapshot", str(snapshot), "--protect", "x"])
    assert (refused.exit_code, refused.stderr) == (
        UsageError.exit_code,
        "error: --protect and --protect-from apply to --format terraform only\n",
    )


def _resource(type_: str, name: str, /, provider: str = PROVIDER, **values: Any) -> dict[str, Any]:
    return {
        "address": f"{type_}.{name}",
        "mode": "managed",
        "type": type_,
        "name": name,
        "provider_name": provider,
        "values": values,
    }


def _account(**extra: Any) -> dict[str, Any]:
    return _resource("anthropic_service_account", "ci", id="svac_01Ci", name="ci", **extra)


def _issuer(**extra: Any) -> dict[str, Any]:
    return _resource(
        "anthropic_federation_issuer",
        "gha",
        id="fdis_01Gha",
        name="gha",
        issuer_url="https://token.actions.githubusercontent.com",
        **extra,
    )


def _rule(**extra: Any) -> dict[str, Any]:
    return _resource(
        "anthropic_federation_rule",
        "deploy",
        id="fdrl_01Deploy",
        name="deploy",
        issuer_id="fdis_01Gha",
        oauth_scope="workspace:developer",
        workspace_id="wrkspc_01Prod",
        match={"subject_prefix": "repo:acme/app:ref:refs/heads/main", "claims": {"for": "x"}},
        **extra,
    )


def _write(tmp_path: Path, *resources: dict[str, Any], document: Any = None) -> Path:
    path = tmp_path / "state.json"
    body = document or {"format_version": "1.0", "values": {"root_module": {}}}
    body["values" if "values" in body else "planned_values"]["root_module"]["resources"] = list(
        resources
    )
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_deletion_protection_reads_back_as_settings_protect(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _account(deletion_protection=True),
        _issuer(deletion_protection=False),
        _rule(service_account_id="svac_01Ci", deletion_protection=True),
    )
    imported = import_terraform(path, organization_id=ORG_ID)
    assert imported.protect == ("rule/deploy", "service_account/ci")
    # One settings block (the language allows no more): prune's, with the protect list.
    assert imported.document.count("\nsettings:\n") == 1
    assert (
        "  # Protected in Terraform (deletion_protection = true): never archived.\n"
        "  protect:\n  - rule/deploy\n  - service_account/ci\n"
    ) in imported.document
    assert yaml.safe_load(imported.document)["settings"]["protect"] == [
        "rule/deploy",
        "service_account/ci",
    ]
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["import-terraform", str(path), "--organization-id", ORG_ID, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "settings.yaml" in result.stdout
    validated = CliRunner().invoke(cli, ["validate", str(out)])
    assert validated.exit_code == 0, validated.output


@pytest.mark.parametrize(
    "target",
    [
        {"service_account_id": "svac_01Ci"},
        {"target": {"type": "service_account", "service_account_id": "svac_01Ci"}},
        {"service_account_id": "svac_01Ci", "target": {"service_account_id": "svac_01Ci"}},
    ],
    ids=["flat", "nested", "both-agreeing"],
)
def test_the_rule_target_is_read_flat_or_nested(tmp_path: Path, target: dict[str, Any]) -> None:
    path = _write(tmp_path, _account(), _issuer(), _rule(**target))
    imported = import_terraform(path, organization_id=ORG_ID)
    assert "    service_account: ci\n" in imported.document


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        (
            {"service_account_id": "svac_01Ci", "target": {"service_account_id": "svac_01X"}},
            "service_account_id 'svac_01Ci' and target.service_account_id 'svac_01X' disagree",
        ),
        ({}, "service_account_id (or target.service_account_id) is required"),
        ({"target": "svac_01Ci"}, "target must be an object, got a string"),
    ],
)
def test_a_missing_or_contradictory_target_is_an_error(
    tmp_path: Path, target: dict[str, Any], problem: str
) -> None:
    path = _write(tmp_path, _account(), _issuer(), _rule(**target))
    result = CliRunner().invoke(cli, ["import-terraform", str(path), "--organization-id", ORG_ID])
    assert result.exit_code == 1
    assert f"anthropic_federation_rule.deploy: {problem}" in result.stderr


@pytest.mark.parametrize(
    ("provider", "official"),
    [
        ("registry.terraform.io/anthropics/anthropic", True),
        ("anthropics/anthropic", True),
        ("example.com/mirror/anthropics/anthropic", True),
        ("registry.terraform.io/notanthropics/anthropic", False),
        ("notanthropics/anthropic", False),
        ("registry.terraform.io/anthropics/anthropic-community", False),
    ],
)
def test_the_provider_source_is_matched_with_a_boundary(provider: str, official: bool) -> None:
    assert is_official_provider(provider) is official


def test_resources_of_a_lookalike_provider_are_not_imported(tmp_path: Path) -> None:
    lookalike = "registry.terraform.io/notanthropics/anthropic"
    path = _write(tmp_path, _account(provider=lookalike))
    imported = import_terraform(path, organization_id=ORG_ID)
    assert imported.notes == (f"ignored 1 resource(s) of provider {lookalike}",)
    assert "name: ci" not in imported.document


def _plan(provider_config: dict[str, Any]) -> dict[str, Any]:
    return {
        "format_version": "1.2",
        "planned_values": {"root_module": {}},
        "configuration": {"provider_config": provider_config},
    }


def _block(organization_id: str, *, alias: str | None = None, full_name: str = PROVIDER) -> Any:
    block: dict[str, Any] = {
        "name": "anthropic",
        "full_name": full_name,
        "expressions": {"organization_id": {"constant_value": organization_id}},
    }
    if alias:
        block["alias"] = alias
    return block


def test_the_organization_is_read_from_an_aliased_provider_block(tmp_path: Path) -> None:
    plan = _plan({"anthropic.prod": _block(ORG_ID, alias="prod")})
    path = _write(tmp_path, _account(), document=plan)
    assert import_terraform(path, organization_id=None).export is not None


def test_a_lookalike_or_ambiguous_provider_block_gives_no_organization(tmp_path: Path) -> None:
    other = "00000000-0000-0000-0000-000000000002"
    for config in (
        {"anthropic": _block(ORG_ID, full_name="registry.terraform.io/notanthropics/anthropic")},
        {"anthropic": _block(ORG_ID), "anthropic.eu": _block(other, alias="eu")},
    ):
        path = _write(tmp_path, _account(), document=_plan(config))
        result = CliRunner().invoke(cli, ["import-terraform", str(path)])
        assert result.exit_code == 1
        assert "does not record the provider's organization_id" in result.stderr
