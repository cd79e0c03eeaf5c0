"""`fedctl policy`: the shipped example policies (each catches a violating configuration and
passes a compliant one), exact output per outcome, and invalid policies as located errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fedctl.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies" / "policies.yaml"

GOOD = """\
service_accounts:
  - name: deployer
    workspaces:
      - {workspace: production, role: workspace_developer}
  - name: fedctl-admin
    organization_role: admin
issuers:
  - name: gha
    issuer_url: https://token.actions.githubusercontent.com
rules:
  - name: deploy
    issuer: gha
    service_account: deployer
    description: Deploys of acme/app from its production environment
    match:
      subject_prefix: "repo:acme/app:environment:production"
      audience: https://api.anthropic.com
      claims: {repository_owner_id: "91234567", event_name: push}
    oauth_scope: workspace:developer
    workspaces: [production]
    token_lifetime_seconds: 600
"""

# policy -> (text replaced in GOOD, replacement) that violates only that policy
VIOLATIONS: dict[str, tuple[str, str]] = {
    "short-lived-tokens": ("token_lifetime_seconds: 600", "token_lifetime_seconds: 3600"),
    "audience-pinned": ("      audience: https://api.anthropic.com\n", ""),
    "explicit-workspaces": (
        "workspaces: [production]\n    token",
        "applies_to_all_workspaces: true\n    token",
    ),
    "github-owner-id": ('repository_owner_id: "91234567"', "repository_owner: acme"),
    "github-event-pinned": (", event_name: push", ""),
    "production-needs-environment": ("environment:production", "ref:refs/heads/main"),
    "inference-scope-by-default": (
        "    workspaces: [production]\n    token",
        "    workspaces: [staging]\n    token",
    ),
    "approved-issuers": (
        "https://token.actions.githubusercontent.com",
        "https://token.actions.githubusercontent.com.evil.example",
    ),
    "short-identity-tokens": (
        "    issuer_url: https://token.actions.githubusercontent.com\n",
        "    issuer_url: https://token.actions.githubusercontent.com\n"
        "    max_jwt_lifetime_seconds: 7200\n",
    ),
    "replay-protection": (
        "    issuer_url: https://token.actions.githubusercontent.com\n",
        "    issuer_url: https://token.actions.githubusercontent.com\n    check_jti: false\n",
    ),
    "no-admin-service-accounts": (
        "  - name: deployer\n",
        "  - name: deployer\n    organization_role: admin\n",
    ),
    "rules-are-described": (
        "    description: Deploys of acme/app from its production environment\n",
        "",
    ),
}


def run(tmp_path: Path, text: str, *args: str) -> Result:
    (tmp_path / "fedctl.yaml").write_text(text)
    return CliRunner().invoke(cli, ["policy", str(tmp_path), "--policy", str(EXAMPLES), *args])


def failures(result: Result) -> list[str]:
    return [line.split(": policy ")[1].split(":")[0] for line in result.output.splitlines()
            if ": policy " in line]  # fmt: skip


def test_the_example_set_has_at_least_ten_policies() -> None:
    import yaml

    assert len(yaml.safe_load(EXAMPLES.read_text())["policies"]) >= 10
    assert set(VIOLATIONS) == {p["name"] for p in yaml.safe_load(EXAMPLES.read_text())["policies"]}


def test_a_compliant_configuration_passes_every_policy(tmp_path: Path) -> None:
    result = run(tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert result.output == "12 policies, 12 check(s): 12 passed, 0 denied, 0 warned.\n"


@pytest.mark.parametrize("policy", sorted(VIOLATIONS))
def test_each_example_policy_catches_its_violation(tmp_path: Path, policy: str) -> None:
    old, new = VIOLATIONS[policy]
    assert old in GOOD
    result = run(tmp_path, GOOD.replace(old, new, 1))
    assert policy in failures(result), result.output


def test_exact_output_for_deny_and_warn(tmp_path: Path) -> None:
    text = GOOD.replace("token_lifetime_seconds: 600", "token_lifetime_seconds: 3600").replace(
        "    check_jti", "    check_jti"
    )
    text = text.replace(
        "    issuer_url: https://token.actions.githubusercontent.com\n",
        "    issuer_url: https://token.actions.githubusercontent.com\n    check_jti: false\n",
    )
    result = run(tmp_path, text)
    assert result.exit_code == 1
    file = tmp_path / "fedctl.yaml"
    assert result.output == (
        f"{file}:12:5: deny: policy short-lived-tokens: rule/deploy: No rule mints an "
        "Anthropic token that lives longer than 15 minutes.\n"
        f"{file}:8:5: warn: policy replay-protection: issuer/gha: Issuers keep check_jti on, "
        "so a token with a jti is exchanged once.\n"
        "12 policies, 12 check(s): 10 passed, 1 denied, 1 warned.\n"
    )


def test_only_a_warning_exits_zero(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        GOOD.replace("    description: Deploys of acme/app from its production environment\n", ""),
    )
    assert result.exit_code == 0
    assert "warn: policy rules-are-described: rule/deploy:" in result.output


def write_policy(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text("policies:\n  - name: p\n    description: d\n    severity: deny\n" + body)
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "    applies_to: rule\n    require: rule.token_lifetime_seconds <=\n",
            "policies[0].require: is not valid CEL; e.g. rule.token_lifetime_seconds <= 900",
        ),
        (
            "    applies_to: rule\n    require: rule.lifetime <= 900\n",
            "policies[0].require: rule.lifetime is no field; known: applies_to_all_workspaces, "
            "description, issuer, issuer_url, match, name, oauth_scope, service_account, "
            "token_lifetime_seconds, workspace_ids, workspaces",
        ),
        (
            "    applies_to: issuer\n    require: rule.token_lifetime_seconds <= 900\n",
            "policies[0].require: reads rule, which a policy on issuer does not see; it sees "
            "issuer",
        ),
        (
            "    applies_to: rules\n    require: rule.token_lifetime_seconds <= 900\n",
            "policies[0].applies_to: \"rules\" is not allowed; use 'rule', 'issuer' or "
            "'service_account'",
        ),
    ],
)
def test_an_invalid_policy_is_a_located_error(tmp_path: Path, body: str, message: str) -> None:
    policy = write_policy(tmp_path, body)
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "fedctl.yaml").write_text(GOOD)
    result = CliRunner().invoke(cli, ["policy", str(tmp_path / "cfg"), "--policy", str(policy)])
    assert result.exit_code == 1
    line = "5:17" if "applies_to:" in message else "6:14"
    assert result.output == f"error: {policy}:{line}: {message}\n1 problem in the policy files.\n"


def test_policy_errors_come_in_one_pass_in_peoples_words(tmp_path: Path) -> None:
    # Issue 31: a schema error no longer hides a CEL error, an unknown binding field gets
    # a did-you-mean, and `fedctl policy` does not claim to have changed nothing.
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "policies:\n"
        "  - name: p\n    description: d\n    severity: block\n    applies_to: rule\n"
        "    require: rule.token_lifetime <= 900\n"
        "  - name: q\n    description: d\n    severity: deny\n    applies_to: rule\n"
        "    require: rule.token_lifetime_seconds <=\n    requires: x\n"
    )
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "fedctl.yaml").write_text(GOOD)
    result = CliRunner().invoke(cli, ["policy", str(tmp_path / "cfg"), "--policy", str(policy)])
    assert result.exit_code == 1
    assert result.output == (
        f"error: {policy}:4:15: policies[0].severity: \"block\" is not allowed; use 'deny' or "
        "'warn'\n"
        f'{policy}:12:5: policies[1].requires: unknown key "requires"; did you mean '
        '"require"?\n'
        f"{policy}:6:14: policies[0].require: rule.token_lifetime is no field; did you mean "
        "rule.token_lifetime_seconds?\n"
        f"{policy}:11:14: policies[1].require: is not valid CEL; e.g. "
        "rule.token_lifetime_seconds <= 900\n"
        "4 problems in the policy files.\n"
    )
    assert "nothing was changed" not in result.output


def test_a_deny_that_cannot_be_evaluated_fails_closed(tmp_path: Path) -> None:
    policy = write_policy(
        tmp_path, '    applies_to: rule\n    require: rule.match.claims.environment == "prod"\n'
    )
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "fedctl.yaml").write_text(GOOD)
    result = CliRunner().invoke(cli, ["policy", str(tmp_path / "cfg"), "--policy", str(policy)])
    assert result.exit_code == 1
    assert "deny: policy p: rule/deploy: require could not be evaluated" in result.output
