"""`fedctl validate` in one pass, and files beside the configuration that are not
configuration (issue 31 items 4 and 6)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from fedctl.cli.main import cli

QUICKSTART = Path(__file__).parents[2] / "examples" / "quickstart" / "fedctl.yaml"
POLICIES = Path(__file__).parents[2] / "examples" / "policies" / "policies.yaml"

ACCOUNTS = """version: 1
service_accounts:
  - name: deployer
  - name: builder
"""
ISSUER = """version: 1
issuers:
  - name: ci
    issuer_url: https://ci.acme.example
    jwks: {type: discovery}
"""


def _rule(name: str, account: str, issuer: str = "ci", extra: str = "") -> str:
    return (
        f"  - name: {name}\n    issuer: {issuer}\n    service_account: {account}\n"
        '    match:\n      subject_prefix: "project:payments:ref:main"\n'
        "      audience: https://api.anthropic.com\n"
        f"    oauth_scope: workspace:inference\n    workspaces: [default]\n{extra}"
    )


def validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    return result.exit_code, result.output


def test_a_yaml_syntax_error_gives_no_follow_on_reference_errors(tmp_path: Path) -> None:
    (tmp_path / "accounts.yaml").write_text(
        ACCOUNTS.replace("  - name: builder", "  - name: [builder")
    )
    (tmp_path / "issuers.yaml").write_text(ISSUER)
    rules = "version: 1\nrules:\n" + _rule("deploy", "deployer") + _rule("build", "builder")
    (tmp_path / "rules.yaml").write_text(rules)
    code, out = validate(str(tmp_path))
    assert code == 1
    assert "no service account" not in out
    assert out.count(f"{tmp_path}/accounts.yaml:") == 1
    assert out.endswith("1 error found; the configuration is not valid.\n")


def test_a_reference_to_a_name_the_broken_file_does_not_hold_is_still_an_error(
    tmp_path: Path,
) -> None:
    (tmp_path / "accounts.yaml").write_text(ACCOUNTS + "  - name: [broken\n")
    (tmp_path / "issuers.yaml").write_text(ISSUER)
    (tmp_path / "rules.yaml").write_text("version: 1\nrules:\n" + _rule("deploy", "nobody"))
    code, out = validate(str(tmp_path))
    assert code == 1
    assert 'rules[0].service_account: no service account named "nobody" is declared' in out


def test_reference_errors_show_in_the_same_run_as_schema_errors(tmp_path: Path) -> None:
    (tmp_path / "accounts.yaml").write_text(ACCOUNTS)
    (tmp_path / "issuers.yaml").write_text(ISSUER)
    rules = "version: 1\nrules:\n" + _rule(
        "deploy", "deployer", issuer="githb", extra="    colour: blue\n"
    )
    (tmp_path / "rules.yaml").write_text(rules)
    code, out = validate(str(tmp_path))
    assert code == 1
    assert 'rule/deploy: rules[0].colour: unknown key "colour"' in out
    assert (
        f'{tmp_path}/rules.yaml:4:13: rule/deploy: rules[0].issuer: no issuer named "githb" '
        "is declared (declared: ci)"
    ) in out
    assert out.endswith("2 errors found; the configuration is not valid.\n")


def test_policy_and_variable_files_in_the_folder_are_not_configuration(tmp_path: Path) -> None:
    folder = tmp_path / "federation"
    folder.mkdir()
    shutil.copy(QUICKSTART, folder / "fedctl.yaml")
    # Reserved suffixes, whatever they hold.
    shutil.copy(POLICIES, folder / "org.policy.yaml")
    (folder / "prod.vars.yaml").write_text("env: prod\n")
    # Named by settings.policy_files and by --var-file, with ordinary names.
    (folder / "policies").mkdir()
    shutil.copy(POLICIES, folder / "policies" / "strict.yaml")
    (folder / "values.yaml").write_text("region: eu\n")
    text = (folder / "fedctl.yaml").read_text()
    text = text.replace(
        "version: 1\n", "version: 1\nsettings:\n  policy_files: [policies/strict.yaml]\n", 1
    )
    (folder / "fedctl.yaml").write_text(text)

    code, out = validate(str(folder), "--var-file", str(folder / "values.yaml"))
    assert (code, out) == (0, "Valid: 1 file, 1 service account, 1 issuer, 1 rule.\n")

    # Without the flag, values.yaml is configuration again (and not a valid one).
    code, out = validate(str(folder))
    assert code == 1
    assert "values.yaml" in out and "policies" not in out
