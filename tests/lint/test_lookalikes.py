"""Security regressions: look-alike tenants (FED011) and rules that pin nothing (FED001,
FED011), each reproducing the attack first.

The attack that got through: `claims.repository_owner.endsWith("acme")` on GitHub passed
validate and lint, and a token of the organization `evilacme` minted a token end to end.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fedctl.cli.main import cli
from tests.lint.helpers import config_text, lint_text, rule, with_id

AUD = "audience: https://api.anthropic.com"
RUN_PINS = 'claims.ref == "refs/heads/main" && claims.event_name == "push"'


def gha_condition(test: str) -> str:
    return config_text(rule(f"{AUD}\ncondition: '{test} && {RUN_PINS}'"))


@pytest.mark.parametrize(
    ("condition", "sub"),
    [
        ('claims.repository_owner.endsWith("acme")', "repo:evilacme/payments-api"),
        ('claims.repository_owner.startsWith("acme")', "repo:acme-labs/payments-api"),
        ('claims.repository_owner.contains("acme")', "repo:acme-labs/payments-api"),
        ('claims.repository_owner.matches("acme")', "repo:acme-labs/payments-api"),
        ('claims.repository_owner.matches("acme$")', "repo:evilacme/payments-api"),
        ('claims.repository_owner.matches("^acme")', "repo:acme-labs/"),
        ('claims.repository.endsWith("acme/app")', "repo:evilacme/payments-api"),
    ],
)
def test_a_condition_that_admits_a_look_alike_tenant_is_flagged(
    tmp_path: Path, condition: str, sub: str
) -> None:
    # The solver answers for GitHub (issue 29): a token of another tenant, by name and ID.
    del sub  # the look-alike the sample probe used to try; the solver finds its own
    [finding] = with_id(lint_text(tmp_path, gha_condition(condition)), "FED011")
    assert finding.message.startswith(
        "the rule accepts GitHub Actions tokens of more than one tenant: e.g. admits "
        "repository_owner="
    )


@pytest.mark.parametrize(
    ("issuer", "condition"),
    [
        ("gha", 'claims.repository_owner == "acme"'),
        ("gha", 'claims.repository.startsWith("acme/")'),
        ("gitlab", 'claims.project_path.startsWith("acme/")'),
    ],
)
def test_a_tenant_closed_by_equality_or_its_delimiter_is_not_flagged(
    tmp_path: Path, issuer: str, condition: str
) -> None:
    text = config_text(rule(f"{AUD}\ncondition: '{condition} && {RUN_PINS}'", issuer=issuer))
    assert with_id(lint_text(tmp_path, text), "FED011") == []


@pytest.mark.parametrize(
    ("issuer", "condition"),
    [
        ("gitlab", 'claims.namespace_path.endsWith("acme")'),
        ("gitlab", 'claims.project_path.startsWith("acme")'),
        ("google", 'claims.email.endsWith("proj.iam.gserviceaccount.com")'),
    ],
)
def test_look_alikes_are_tried_for_every_provider(
    tmp_path: Path, issuer: str, condition: str
) -> None:
    text = config_text(rule(f"{AUD}\ncondition: '{condition}'", issuer=issuer))
    assert with_id(lint_text(tmp_path, text), "FED011") != []


def test_the_reported_attack_fails_lint_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "fedctl.yaml").write_text(gha_condition('claims.repository_owner.endsWith("acme")'))
    result = CliRunner().invoke(cli, ["lint", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        "FED011 error: rule/r: the rule accepts GitHub Actions tokens of more than one tenant"
        in (result.output)
    )


NAMES = st.from_regex(r"[a-z][a-z0-9]{2,12}", fullmatch=True)
TESTS = st.sampled_from(["endsWith", "startsWith", "contains", "matches"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=NAMES, test=TESTS)
def test_property_any_string_test_on_a_tenant_name_is_flagged(
    tmp_path: Path, name: str, test: str
) -> None:
    condition = f'claims.repository_owner.{test}("{name}")'
    findings = with_id(lint_text(tmp_path, gha_condition(condition)), "FED011")
    assert findings, condition


# --- rules that pin nothing ------------------------------------------------------------


@pytest.mark.parametrize(
    ("match", "message"),
    [
        (
            # issue 29: with event_name: push as well, no pull_request run matches.
            f"{AUD}\nclaims: {{repository_owner: acme}}",
            "the rule admits pull_request runs, forks' included: e.g. "
            "sub=repo:@.:pull_request, event_name=pull_request",
        ),
        (
            f'subject_prefix: "repo:acme/app:ref:*"\n{AUD}\nclaims: {{repository_owner_id: "1"}}',
            "subject_prefix 'repo:acme/app:ref:*' pins no ref: '*' there admits every branch "
            "and tag",
        ),
        (
            f'subject_prefix: "repo:acme/app:environment:*"\n{AUD}\n'
            'claims: {repository_owner_id: "1"}',
            "subject_prefix 'repo:acme/app:environment:*' pins no environment: '*' there "
            "admits every environment",
        ),
        (
            f'subject_prefix: "repo:acme/app:pull_request"\n{AUD}\n'
            'claims: {repository_owner_id: "1"}',
            "the rule admits pull_request runs, forks' included: e.g. "
            "sub=repo:acme/app:pull_request, event_name=pull_request",
        ),
    ],
)
def test_github_rules_that_pin_no_run_are_flagged(tmp_path: Path, match: str, message: str) -> None:
    [finding] = with_id(lint_text(tmp_path, config_text(rule(match))), "FED001")
    # The witness's repository part is z3's pick; the rest is exact.
    assert re.sub(r"sub=repo:[^:]*:", "sub=repo:R:", finding.message) == re.sub(
        r"sub=repo:[^:]*:", "sub=repo:R:", message
    )


def test_an_event_name_push_rule_is_not_flagged_fed001(tmp_path: Path) -> None:
    """issue 29: claims {event_name: push} excludes pull_request runs, so no FED001."""
    match = f'subject_prefix: "repo:acme/app:*"\n{AUD}\nclaims: {{event_name: push}}'
    assert with_id(lint_text(tmp_path, config_text(rule(match))), "FED001") == []


@pytest.mark.parametrize("condition", ['claims.sub != ""', "claims.sub == claims.sub"])
def test_a_condition_that_constrains_nothing_is_flagged(tmp_path: Path, condition: str) -> None:
    text = config_text(rule(f"{AUD}\ncondition: '{condition}'", issuer="k8s"))
    [finding] = with_id(lint_text(tmp_path, text), "FED011")
    assert finding.message == (
        "the condition accepts every token of the issuer: it pins nothing, like the "
        'refused subject_prefix "*"; compare claims with the values of one workload'
    )
