"""One true positive and one true negative per lint check, on real YAML through load_config.

Each positive asserts the exact finding ID, the line of the offending node and the
message; each negative asserts that the configuration is lint-clean as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.lint.helpers import ISSUERS, TENANT, config_text, line_of, lint_text, rule, with_id

AUD = "audience: https://api.anthropic.com"
GHA_PINS = 'claims: {repository_owner_id: "91234567", event_name: push}'


@dataclass(frozen=True)
class Case:
    check_id: str
    text: str
    needle: str
    message: str


def gha(match: str, extra: str = "") -> str:
    return config_text(rule(match, extra=extra))


POSITIVES = [
    Case(
        "FED001",
        # Without event_name: push (issue 29: with it, no pull_request run matches).
        gha(
            f'subject_prefix: "repo:acme@91/app@81:*"\n{AUD}\nclaims: {{repository_owner_id: "1"}}'
        ),
        "subject_prefix:",
        "the rule admits pull_request runs, forks' included: e.g. "
        "sub=repo:acme@91/app@81:pull_request, event_name=pull_request",
    ),
    Case(
        "FED002",
        gha(f"{AUD}\nclaims: {{ref: refs/heads/main}}"),
        "    match:",
        "rule on the shared GitHub Actions issuer pins no tenant: tokens of other customers "
        "match; pin one of repository_owner, repository_owner_id, repository, repository_id, "
        "enterprise, enterprise_id",
    ),
    Case(
        "FED003",
        gha(f'subject_prefix: "repo:acme*"\n{AUD}\nclaims: {{ref: refs/heads/main}}'),
        "subject_prefix:",
        "subject_prefix 'repo:acme*' leaves the tenant segment open: it also matches "
        "'repo:acme-labs/'...",
    ),
    Case(
        "FED004",
        gha(f'subject_prefix: "repo:acme@91/app@81:ref:refs/heads/main"\n{GHA_PINS}'),
        "    match:",
        "match.audience is unset; any GitHub Actions workload can request a token for any "
        "audience (recommended: https://api.anthropic.com)",
    ),
    Case(
        "FED007",
        gha(
            f'subject_prefix: "repo:acme@91/app@81:ref:refs/heads/main"\n{AUD}\n{GHA_PINS}',
            "token_lifetime_seconds: 7200",
        ),
        "token_lifetime_seconds:",
        "token_lifetime_seconds is 7200; minted tokens should live at most 3600 s",
    ),
    Case(
        "FED008",
        gha(
            f'subject_prefix: "repo:acme@91/app@81:ref:refs/heads/main"\n{AUD}\n{GHA_PINS}',
            "applies_to_all_workspaces: true",
        ),
        "applies_to_all_workspaces:",
        "applies_to_all_workspaces enables the rule in every workspace",
    ),
    Case(
        "FED011",
        gha(
            f'{AUD}\ncondition: \'claims.repository_owner.startsWith("acme") '
            '&& claims.ref == "refs/heads/main" && claims.event_name == "push"\''
        ),
        "condition:",
        "the rule accepts GitHub Actions tokens of more than one tenant: e.g. admits "
        "repository_owner=acme-, repository_owner_id=e as well as repository_owner=acme, "
        "repository_owner_id=a",
    ),
    Case(
        "FED011",
        config_text(
            rule(
                f"{AUD}\ncondition: "
                '\'claims["https://sts.amazonaws.com/"]["aws_account"] == "123456789012"\'',
                issuer="aws",
            )
        ),
        "condition:",
        "the rule accepts a look-alike AWS STS outbound federation token of another tenant "
        "or workload (sub 'arn:aws:iam::123456789012:role/inference-worker-labs')",
    ),
    Case(
        "FED012",
        config_text(
            rule(f'{AUD}\nclaims: {{namespace_id: "4521", ref: refs/heads/main}}', issuer="gitlab")
        ),
        "claims:",
        "claims.ref 'refs/heads/main': GitLab's ref is the short name",
    ),
    Case(
        "FED013",
        config_text(
            rule(
                f'subject_prefix: "system:serviceaccount:inference:worker"\n{AUD}\n'
                "condition: 'claims.kubernetes.io.namespace == \"inference\"'",
                issuer="k8s",
            )
        ),
        "condition:",
        'condition reads claims.kubernetes.io; use claims["kubernetes.io"]',
    ),
    Case(
        "FED014",
        config_text(
            rule(
                f'{AUD}\nclaims: {{namespace_id: "4521", runner_id: "12270835"}}',
                issuer="gitlab",
            )
        ),
        "claims:",
        "claims.runner_id is a number in GitLab CI/CD tokens; no string equals it",
    ),
    Case(
        "FED016",
        config_text(
            rule(
                'audience: "api://0b6c2f5e-3d1a-4c8e-9f7a-2e4b6d8c1a90"\n'
                'claims: {oid: "9f8e7d6c-1a2b-4c3d-9e5f-6a7b8c9d0e1f", '
                'azp: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"}',
                issuer="entra1",
            )
        ),
        "claims:",
        "Microsoft Entra ID (v1.0 tokens) tokens carry no azp claim",
    ),
    Case(
        "FED017",
        config_text(
            rule(
                'subject_prefix: "arn:aws:iam::123456789012:role/worker"\n'
                f'{AUD}\nclaims: {{aws_account: "123456789012"}}',
                issuer="aws",
            )
        ),
        "claims:",
        'claims.aws_account sits inside "https://sts.amazonaws.com/" in AWS tokens',
    ),
    Case(
        "FED018",
        config_text(
            rule(
                f'subject_prefix: "1048*"\n{AUD}\n'
                'claims: {email: "w@acme-prod.iam.gserviceaccount.com"}',
                issuer="google",
            )
        ),
        "subject_prefix:",
        "subject_prefix '1048*' on a Google issuer",
    ),
]

NEGATIVES = {
    "FED001": gha(f'subject_prefix: "repo:acme@91/app@81:ref:refs/heads/main"\n{AUD}\n{GHA_PINS}'),
    # event_name pinned too: a default-branch-only pin is FED019's finding.
    "FED002": gha(
        f'{AUD}\nclaims: {{repository_owner_id: "91234567", ref: refs/heads/main, '
        "event_name: push}"
    ),
    "FED003": gha(
        f'subject_prefix: "repo:acme@91/app@81:environment:production"\n{AUD}\n{GHA_PINS}'
    ),
    "FED007": gha(
        f'subject_prefix: "repo:acme@91/app@81:ref:refs/heads/main"\n{AUD}\n{GHA_PINS}',
        "token_lifetime_seconds: 3600",
    ),
    "FED011": gha(
        f'{AUD}\ncondition: \'claims.repository_owner_id == "91234567" '
        '&& claims.ref == "refs/heads/main" && claims.event_name == "push"\''
    ),
    "FED011-aws": config_text(
        rule(
            f'subject_prefix: "arn:aws:iam::123456789012:role/worker"\n{AUD}\n'
            "condition: "
            '\'claims["https://sts.amazonaws.com/"]["aws_account"] == "123456789012"\'',
            issuer="aws",
        )
    ),
    # ref_type too: a ref without it is FED024's finding (a tag can share the name).
    "FED012": config_text(
        rule(
            f'{AUD}\nclaims: {{namespace_id: "4521", ref: main, ref_type: branch, '
            'ref_protected: "true"}',
            issuer="gitlab",
        )
    ),
    "FED013": config_text(
        rule(
            f'subject_prefix: "system:serviceaccount:inference:worker"\n{AUD}\n'
            'condition: \'claims["kubernetes.io"]["namespace"] == "inference"\'',
            issuer="k8s",
        )
    ),
    "FED014": config_text(
        rule(f'{AUD}\nclaims: {{namespace_id: "4521", project_id: "87211"}}', issuer="gitlab")
    ),
    "FED016": config_text(
        rule(
            'audience: "api://0b6c2f5e-3d1a-4c8e-9f7a-2e4b6d8c1a90"\n'
            'claims: {oid: "9f8e7d6c-1a2b-4c3d-9e5f-6a7b8c9d0e1f", '
            'appid: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"}',
            issuer="entra1",
        )
    ),
    "FED018": config_text(
        rule(
            f"{AUD}\n"
            'claims: {sub: "104892101234567890123", email: "w@acme-prod.iam.gserviceaccount.com"}',
            issuer="google",
        )
    ),
}


@pytest.mark.parametrize("case", POSITIVES, ids=lambda case: f"{case.check_id}-{case.needle}")
def test_true_positive(tmp_path: Path, case: Case) -> None:
    findings = with_id(lint_text(tmp_path, case.text), case.check_id)
    # The solver's checks (FED001, FED011) show a witness token whose values z3 picks;
    # their message is compared up to the witness.
    solver_checked = case.check_id in {"FED001", "FED011"}

    def cut(text: str) -> str:
        return text.split("e.g.")[0] if solver_checked else text

    assert [(f.location.line if f.location else None, cut(f.message)) for f in findings] == [
        (line_of(case.text, case.needle), cut(case.message))
    ]
    assert findings[0].location is not None
    assert findings[0].location.file.endswith("fedctl.yaml")


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_true_negative_is_lint_clean(tmp_path: Path, name: str) -> None:
    findings = lint_text(tmp_path, NEGATIVES[name])
    assert [(f.check_id, f.message) for f in findings] == []


def _issuer_config(extra_issuer: str, issuer: str = "extra") -> str:
    match = f'subject_prefix: "system:serviceaccount:inference:worker"\n{AUD}'
    return config_text(rule(match, issuer=issuer), issuers=ISSUERS + extra_issuer)


K8S_EXTRA = """\
  - name: extra
    preset: kubernetes
    issuer_url: https://k8s.acme.example
"""


def test_check_jti_disabled(tmp_path: Path) -> None:
    text = _issuer_config(K8S_EXTRA + "    check_jti: false\n")
    findings = lint_text(tmp_path, text)
    assert [(f.check_id, f.location.line if f.location else 0, f.message) for f in findings] == [
        (
            "FED005",
            line_of(text, "check_jti:"),
            "check_jti is false: a JWT with a jti can be exchanged more than once",
        )
    ]
    assert lint_text(tmp_path, _issuer_config(K8S_EXTRA + "    check_jti: true\n")) == []


def test_long_max_jwt_lifetime(tmp_path: Path) -> None:
    text = _issuer_config(K8S_EXTRA + "    max_jwt_lifetime_seconds: 7200\n")
    findings = lint_text(tmp_path, text)
    assert [(f.check_id, f.location.line if f.location else 0, f.message) for f in findings] == [
        (
            "FED006",
            line_of(text, "max_jwt_lifetime_seconds:"),
            "max_jwt_lifetime_seconds is 7200; more than 3600 s is long for Kubernetes "
            "cluster tokens",
        )
    ]


def test_long_max_jwt_lifetime_allowed_by_entra_preset(tmp_path: Path) -> None:
    match = 'audience: "0b6c2f5e-3d1a-4c8e-9f7a-2e4b6d8c1a90"\n'
    match += f'claims: {{oid: "9f8e7d6c-1a2b-4c3d-9e5f-6a7b8c9d0e1f", tid: "{TENANT}"}}'
    assert lint_text(tmp_path, config_text(rule(match, issuer="entra2"))) == []


def test_issuer_url_trailing_slash(tmp_path: Path) -> None:
    extra = f"  - name: extra\n    issuer_url: https://sts.windows.net/{TENANT}\n"
    match = f'{AUD}\nclaims: {{oid: "9f8e7d6c-1a2b-4c3d-9e5f-6a7b8c9d0e1f"}}'
    text = config_text(rule(match, issuer="extra"), issuers=ISSUERS + extra)
    findings = lint_text(tmp_path, text)
    assert [(f.check_id, f.location.line if f.location else 0, f.message) for f in findings] == [
        (
            "FED015",
            line_of(text, f"issuer_url: https://sts.windows.net/{TENANT}", occurrence=2),
            f"issuer_url 'https://sts.windows.net/{TENANT}' lacks the trailing slash; "
            f"Microsoft Entra ID (v1.0 tokens) tokens carry iss "
            f"'https://sts.windows.net/{TENANT}/'",
        )
    ]


def test_issuer_url_with_right_slash_is_clean(tmp_path: Path) -> None:
    extra = f"  - name: extra\n    issuer_url: https://sts.windows.net/{TENANT}/\n"
    match = 'audience: "api://app"\nclaims: {oid: "9f8e7d6c-1a2b-4c3d-9e5f-6a7b8c9d0e1f"}'
    text = config_text(rule(match, issuer="extra"), issuers=ISSUERS + extra)
    assert lint_text(tmp_path, text) == []


GOOD_GHA = f'subject_prefix: "repo:acme@91/app@81:ref:refs/heads/main"\n{AUD}\n{GHA_PINS}'


def test_admin_service_account_on_workspace_rule(tmp_path: Path) -> None:
    text = config_text(rule(GOOD_GHA), role="admin")
    findings = lint_text(tmp_path, text)
    assert [(f.check_id, f.location.line if f.location else 0, f.message) for f in findings] == [
        (
            "FED009",
            line_of(text, "service_account: ci"),
            "rule with scope 'workspace:inference' targets admin service account 'ci'",
        )
    ]
    assert lint_text(tmp_path, config_text(rule(GOOD_GHA), role="developer")) == []


def test_unused_membership(tmp_path: Path) -> None:
    text = config_text(rule(GOOD_GHA)).replace(
        "        role: workspace_developer\n",
        "        role: workspace_developer\n"
        "      - workspace: staging\n"
        "        role: workspace_user\n",
    )
    findings = lint_text(tmp_path, text)
    assert [(f.check_id, f.location.line if f.location else 0, f.message) for f in findings] == [
        (
            "FED010",
            line_of(text, "- workspace: staging"),
            "membership in workspace 'staging' is used by no rule of 'ci'",
        )
    ]


def test_membership_used_through_all_workspaces_rule_is_not_unused(tmp_path: Path) -> None:
    text = config_text(rule(GOOD_GHA, extra="applies_to_all_workspaces: true"))
    assert [f.check_id for f in lint_text(tmp_path, text)] == ["FED008"]


def test_rule_enabled_outside_its_accounts_memberships(tmp_path: Path) -> None:
    text = config_text(rule(GOOD_GHA)).replace(
        "    workspaces: [production]\n", "    workspaces: [production, staging]\n"
    )
    findings = lint_text(tmp_path, text)
    assert [(f.check_id, f.location.line if f.location else 0, f.message) for f in findings] == [
        (
            "FED031",
            line_of(text, "workspaces: [production, staging]"),
            "rule 'r' is enabled in workspace 'staging', where service account 'ci' is not a "
            "member; the exchange refuses it there",
        )
    ]


def test_rule_in_the_default_workspace_or_a_member_workspace_is_fine(tmp_path: Path) -> None:
    text = config_text(rule(GOOD_GHA)).replace(
        "    workspaces: [production]\n", "    workspaces: [production, default]\n"
    )
    assert lint_text(tmp_path, text) == []


def test_a_rule_whose_tokens_live_under_five_minutes(tmp_path: Path) -> None:
    text = config_text(rule(GOOD_GHA, extra="token_lifetime_seconds: 180"))
    findings = lint_text(tmp_path, text)
    assert [(f.check_id, f.location.line if f.location else 0, f.message) for f in findings] == [
        (
            "FED037",
            line_of(text, "token_lifetime_seconds: 180"),
            "token_lifetime_seconds is 180; the SDKs refresh 120 s before expiry, so each "
            "token serves 60 s before the workload exchanges its identity token again",
        )
    ]


def test_five_minutes_is_enough(tmp_path: Path) -> None:
    assert (
        lint_text(tmp_path, config_text(rule(GOOD_GHA, extra="token_lifetime_seconds: 300"))) == []
    )
