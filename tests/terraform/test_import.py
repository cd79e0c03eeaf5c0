"""`fedctl import-terraform`: the provider's documented example as state and as plan
(golden files), and the JSON treated as hostile input (one-line errors, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from fedctl.cli.main import cli
from fedctl.core.errors import FedctlError
from fedctl.export.terraform_import import read
from fedctl.export.terraform_import.configuration import import_terraform
from tests.support.golden import assert_golden

DATA = Path(__file__).parent / "data"
ORG_ID = "00000000-0000-0000-0000-000000000001"
PROVIDER = "registry.terraform.io/anthropics/anthropic"
GIVE = "give the output of `terraform show -json`"
NOTES = (
    "note: ignored 1 resource(s) of provider registry.terraform.io/integrations/github\n"
    "note: skipped anthropic_api_key.legacy: fedctl does not manage anthropic_api_key\n"
)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["import-terraform", *args])


def test_the_documented_example_state_becomes_configuration() -> None:
    result = run(str(DATA / "federated-ci.state.json"), "--organization-id", ORG_ID)
    assert (result.exit_code, result.stderr) == (0, NOTES)
    assert_golden("terraform/federated-ci.state.yaml", result.stdout)


def test_a_plan_reads_its_planned_values_and_the_provider_organization() -> None:
    result = run(str(DATA / "federated-ci.plan.json"))
    assert (result.exit_code, result.stderr) == (0, NOTES)
    assert_golden("terraform/federated-ci.plan.yaml", result.stdout)


def test_a_state_needs_the_organization_id() -> None:
    result = run(str(DATA / "federated-ci.state.json"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {DATA / 'federated-ci.state.json'}: a Terraform state does not record the "
        "provider's organization_id; give --organization-id\n"
    )


def _state(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"format_version": "1.0", "values": {"root_module": {"resources": list(resources)}}}


def _resource(type_: str, name: str, /, **values: Any) -> dict[str, Any]:
    return {
        "address": f"{type_}.{name}",
        "mode": "managed",
        "type": type_,
        "name": name,
        "provider_name": PROVIDER,
        "values": values,
    }


def _import(tmp_path: Path, document: Any) -> Result:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return run(str(path), "--organization-id", ORG_ID)


def test_wrong_types_are_one_line_each_naming_the_address(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        _state(
            _resource("anthropic_service_account", "ci", id="svac_1", name=5),
            _resource(
                "anthropic_federation_issuer", "idp", id="fdis_1", name="idp",
                issuer_url="https://idp.example", jwks={"type": "bogus"}, check_jti="yes",
            ),
            _resource(
                "anthropic_federation_rule", "r", id="fdrl_1", name="r", issuer_id="fdis_9",
                service_account_id="svac_1", oauth_scope="workspace:developer",
                token_lifetime_seconds="600", match={"claims": {"a": 1}},
            ),
            _resource("anthropic_federation_rule", "later", name="later"),
        ),
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "error: anthropic_service_account.ci: name must be a string, got a whole number\n"
        "anthropic_federation_issuer.idp: jwks.type must be one of discovery, explicit_url, "
        "inline, got 'bogus'\n"
        "anthropic_federation_issuer.idp: check_jti must be true or false, got a string\n"
        "anthropic_federation_rule.later: id is unknown: the resource does not exist yet; "
        "apply first\n"
        "anthropic_federation_rule.r: issuer_id 'fdis_9' is no anthropic_federation_issuer "
        "of this file\n"
        "anthropic_federation_rule.r: service_account_id 'svac_1' is no "
        "anthropic_service_account of this file\n"
        "anthropic_federation_rule.r: match.claims must be an object of strings, got an object\n"
        "anthropic_federation_rule.r: token_lifetime_seconds must be a whole number, "
        "got a string\n"
        "8 problems in the Terraform JSON; nothing written.\n"
    )


def test_rule_attributes_are_reported_not_carried(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        _state(
            _resource("anthropic_service_account", "ci", id="svac_1", name="ci"),
            _resource("anthropic_federation_issuer", "k8s", id="fdis_1", name="k8s",
                      issuer_url="https://k8s.example"),
            _resource("anthropic_federation_rule", "r", id="fdrl_1", name="r",
                      issuer_id="fdis_1", service_account_id="svac_1",
                      oauth_scope="workspace:inference", applies_to_all_workspaces=True,
                      match={"subject_prefix": "system:serviceaccount:ns:app"},
                      attributes={"team": "claims.team"}),
        ),
    )  # fmt: skip
    assert result.exit_code == 0
    assert result.stderr == (
        "note: anthropic_federation_rule.r: attributes not carried over: the configuration "
        "cannot declare them\n"
    )
    assert "attributes" not in result.stdout


def test_private_key_material_is_never_copied(tmp_path: Path) -> None:
    key = {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "BBBB", "d": "SECRET-SCALAR"}
    result = _import(
        tmp_path,
        _state(
            _resource(
                "anthropic_federation_issuer", "k", id="fdis_1", name="k",
                issuer_url="https://k.example",
                jwks={"type": "inline", "keys_json": json.dumps([key])},
            )
        ),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "SECRET" not in result.output
    assert result.stderr == (
        "error: anthropic_federation_issuer.k: jwks.keys_json[0] holds private key members (d)\n"
    )


def test_hostile_addresses_are_escaped_in_notes_and_errors(tmp_path: Path) -> None:
    skipped = _resource("anthropic_user", "x\x1b[2K\rok")
    fine = _resource("anthropic_service_account", "ci", id="svac_1", name="ci")
    result = _import(tmp_path, _state(skipped, fine))
    assert result.exit_code == 0
    assert result.stderr == (
        "note: skipped anthropic_user.x\\x1b[2K\\rok: fedctl does not manage anthropic_user\n"
    )
    broken = _resource("anthropic_service_account", "y\x1b]0;pwned\x07", id="svac_1")
    result = _import(tmp_path, _state(broken))
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert (
        result.stderr == "error: anthropic_service_account.y\\x1b]0;pwned\\x07: name is required\n"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", f"not JSON (JSONDecodeError); {GIVE}"),
        (b"\xff\xfe", f"not JSON (UnicodeDecodeError); {GIVE}"),
        (b"[" * 100_000 + b"]" * 100_000, f"not JSON (RecursionError); {GIVE}"),
        (b"[]", "not a `terraform show -json` document"),
        (b'{"values": 3}', "values must be an object"),
        (b'{"values": {"root_module": {"resources": {}}}}', "root_module.resources must be a list"),
        (b'{"hello": 1}', f"no values, planned_values or prior_state; {GIVE}"),
    ],
)  # fmt: skip
def test_broken_documents_are_one_line(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    result = run(str(path), "--organization-id", ORG_ID)
    assert (result.exit_code, result.stderr) == (1, f"error: {path}: {expected}\n")


def test_the_file_size_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_BYTES", 1024 * 1024)
    path = tmp_path / "state.json"
    path.write_text(json.dumps(_state()) + " " * (1024 * 1024), encoding="utf-8")
    result = run(str(path), "--organization-id", ORG_ID)
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {path}: larger than 1 MiB; give the output of `terraform show -json`\n",
    )


def test_modules_nest_only_so_deep(tmp_path: Path) -> None:
    module: dict[str, Any] = {}
    for _ in range(100):
        module = {"child_modules": [module]}
    result = _import(tmp_path, {"values": {"root_module": module}})
    assert result.exit_code == 1
    assert result.stderr.endswith(": modules nested deeper than 64\n")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
TYPES = st.sampled_from(
    [
        "anthropic_service_account",
        "anthropic_workspace_service_account",
        "anthropic_federation_issuer",
        "anthropic_federation_rule",
        "anthropic_federation_rule_workspace",
        "anthropic_workspace",
    ]
)
KEYS = st.sampled_from(
    ["id", "name", "jwks", "match", "issuer_id", "service_account_id", "workspace_id",
     "workspace_ids", "oauth_scope", "workspace_role", "federation_rule_id", "claims"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    resources=st.lists(
        st.builds(
            lambda type_, values: _resource(type_, "r", **values),
            TYPES,
            st.dictionaries(KEYS, JSON_VALUES | st.text(max_size=8)),
        ),
        max_size=4,
    )
)
def test_any_values_give_configuration_or_a_fedctl_error(
    tmp_path_factory: pytest.TempPathFactory, resources: list[dict[str, Any]]
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "state.json"
    path.write_text(json.dumps(_state(*resources)), encoding="utf-8")
    try:
        imported = import_terraform(path, organization_id=ORG_ID)
    except FedctlError as exc:
        assert all(line for line in exc.render().splitlines())
    else:
        assert imported.document.startswith("# yaml-language-server")
