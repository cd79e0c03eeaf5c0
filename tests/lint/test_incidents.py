"""FED019-FED030: one true positive (exact finding) and one true negative
each, on real YAML through load_config."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import ISSUERS, config_text, line_of, lint_text, rule, with_id

AUD = "audience: https://api.anthropic.com"
OWNER = 'repository_owner_id: "91234567"'


def gha(match: str, extra: str = "") -> str:
    return config_text(rule(match, extra=extra))


def tfc(match: str, scope: str = "workspace:developer") -> str:
    issuers = ISSUERS + "  - name: tfc\n    preset: terraform-cloud\n"
    text = config_text(rule(match, issuer="tfc"), issuers=issuers)
    return text.replace("oauth_scope: workspace:inference", f"oauth_scope: {scope}")


def with_issuer(extra: str, match: str = f'subject_prefix: "x"\n{AUD}') -> str:
    return config_text(rule(match, issuer="extra"), issuers=ISSUERS + extra)


POSITIVES: list[tuple[str, str, str, str]] = [
    (
        "FED019",
        gha(f'subject_prefix: "repo:acme/app:ref:refs/heads/main"\n{AUD}\nclaims: {{{OWNER}}}'),
        "subject_prefix:",
        "pinned to refs/heads/main with no event_name: pull_request_target, issue_comment "
        "and workflow_run runs, which outsiders can start, carry that ref too",
    ),
    (
        "FED020",
        gha(f'subject_prefix: "repo:acme/app*"\n{AUD}\nclaims: {{{OWNER}, event_name: push}}'),
        "subject_prefix:",
        "subject_prefix 'repo:acme/app*': the * right after 'repo:acme/app' also admits "
        "'repo:acme/app-evil' and every other name that starts the same way",
    ),
    (
        "FED022",
        gha(
            f'subject_prefix: "repo:acme/app:environment:prod"\n{AUD}\n'
            f"claims: {{{OWNER}, job_workflow_ref: acme/ci/.github/workflows/deploy.yml@main}}"
        ),
        "claims:",
        "claims.job_workflow_ref 'acme/ci/.github/workflows/deploy.yml@main' pins no full "
        "ref or commit",
    ),
    (
        "FED025",
        tfc(f'subject_prefix: "organization:acme:project:p:workspace:w:run_phase:*"\n{AUD}'),
        "    match:",
        "scope 'workspace:developer' without run_phase apply: plan runs, speculative ones "
        "for any pull request included, get tokens too",
    ),
    (
        "FED026",
        gha(
            'subject_prefix: "repo:acme/app:environment:prod"\naudience: sts.amazonaws.com\n'
            f"claims: {{{OWNER}}}"
        ),
        "audience:",
        "audience 'sts.amazonaws.com' is accepted by another service too; a token minted "
        "for it can be replayed to Anthropic",
    ),
    (
        "FED027",
        with_issuer("  - name: extra\n    preset: google\n    check_jti: true\n"),
        "check_jti:",
        "check_jti is on, but Google Cloud tokens carry no jti: it gives no replay protection here",
    ),
    (
        "FED028",
        with_issuer(
            "  - name: extra\n    issuer_url: https://idp.acme.example\n"
            "    jwks: {type: explicit_url, url: https://keys.evil.example/jwks.json}\n"
        ),
        "jwks: {type: explicit_url",
        "keys come from 'keys.evil.example', another domain than the issuer's 'idp.acme.example'",
    ),
]


def gitlab(match: str) -> str:
    return config_text(rule(match, issuer="gitlab"))


def admin(match: str, lifetime: int = 600) -> str:
    text = gha(match, extra=f"token_lifetime_seconds: {lifetime}")
    return text.replace("oauth_scope: workspace:inference", "oauth_scope: org:admin").replace(
        "organization_role: developer", "organization_role: admin"
    )


POSITIVES += [
    (
        "FED021",
        gha(
            f'subject_prefix: "repo:acme/app:environment:prod"\n{AUD}\nclaims: {{event_name: push}}'
        ),
        "    match:",
        "the tenant is pinned by name only; names can change hands: pin repository_owner_id "
        "or repository_id too",
    ),
    (
        "FED024",
        gitlab(f'{AUD}\nclaims: {{namespace_id: "4521", ref: main}}'),
        "    match:",
        'pins a ref without ref_type: branch and ref_protected: "true": a tag or an '
        "unprotected branch of the same name also matches",
    ),
    (
        "FED029",
        admin(
            f'subject_prefix: "repo:acme/app:ref:refs/heads/main"\n{AUD}\nclaims: {{{OWNER}}}', 3600
        ),
        "oauth_scope:",
        "org:admin rule lacks a protected environment, an event_name of push, "
        "workflow_dispatch or schedule, token_lifetime_seconds <= 900",
    ),
    (
        "FED030",
        gha(
            f'subject_prefix: "repo:acme/app:environment:prod"\n{AUD}\nclaims: {{{OWNER}}}'
        ).replace("oauth_scope: workspace:inference", "oauth_scope: workspace:developer"),
        "oauth_scope:",
        "scope 'workspace:developer' on any runner: self-hosted runners can be shared across "
        "repositories",
    ),
]

POSITIVES += [
    (
        "FED023",
        gha(f'subject_prefix: "repo:acme/app:environment:prod"\n{AUD}\nclaims: {{{OWNER}}}'),
        "subject_prefix:",
        "subject_prefix 'repo:acme/app:environment:prod' uses the name-only format: it stops "
        "matching after a rename or transfer and never matches repositories created since "
        "2026-07-15",
    ),
]

NEGATIVES: dict[str, str] = {
    "FED023": gha(
        f'subject_prefix: "repo:acme@91234567/app@812345678:environment:prod"\n{AUD}\n'
        f"claims: {{{OWNER}}}"
    ),
    "FED021": gha(f'subject_prefix: "repo:acme/app:environment:prod"\n{AUD}\nclaims: {{{OWNER}}}'),
    "FED024": gitlab(
        f'{AUD}\nclaims: {{namespace_id: "4521", ref: main, ref_type: branch, '
        'ref_protected: "true"}'
    ),
    "FED029": admin(
        f'subject_prefix: "repo:acme/app:environment:prod"\n{AUD}\n'
        f"claims: {{{OWNER}, event_name: push}}"
    ),
    "FED030": gha(
        f'subject_prefix: "repo:acme/app:environment:prod"\n{AUD}\n'
        f"claims: {{{OWNER}, runner_environment: github-hosted}}"
    ).replace("oauth_scope: workspace:inference", "oauth_scope: workspace:developer"),
    "FED019": gha(
        f'subject_prefix: "repo:acme/app:ref:refs/heads/main"\n{AUD}\n'
        f"claims: {{{OWNER}, event_name: push}}"
    ),
    "FED020": gha(
        f'subject_prefix: "repo:acme/app:ref:refs/heads/release/*"\n{AUD}\n'
        f"claims: {{{OWNER}, event_name: push}}"
    ),
    "FED022": gha(
        f'subject_prefix: "repo:acme/app:environment:prod"\n{AUD}\n'
        f"claims: {{{OWNER}, job_workflow_ref: "
        '"acme/ci/.github/workflows/deploy.yml@refs/heads/main"}'
    ),
    "FED025": tfc(
        f'subject_prefix: "organization:acme:project:p:workspace:w:run_phase:apply"\n{AUD}'
    ),
    "FED026": gha(f'subject_prefix: "repo:acme/app:environment:prod"\n{AUD}\nclaims: {{{OWNER}}}'),
    "FED027": with_issuer("  - name: extra\n    preset: google\n", f'{AUD}\nclaims: {{sub: "1"}}'),
    "FED028": with_issuer(
        "  - name: extra\n    issuer_url: https://idp.acme.example\n"
        "    jwks: {type: explicit_url, url: https://keys.acme.example/jwks.json}\n"
    ),
}


@pytest.mark.parametrize("case", POSITIVES, ids=[case[0] for case in POSITIVES])
def test_true_positive(tmp_path: Path, case: tuple[str, str, str, str]) -> None:
    check_id, text, needle, message = case
    findings = with_id(lint_text(tmp_path, text), check_id)
    assert [(f.location.line if f.location else None, f.message) for f in findings] == [
        (line_of(text, needle), message)
    ]


@pytest.mark.parametrize("check_id", sorted(NEGATIVES))
def test_true_negative(tmp_path: Path, check_id: str) -> None:
    assert with_id(lint_text(tmp_path, NEGATIVES[check_id]), check_id) == []


def test_inline_keys_of_a_rotating_provider_are_a_warning(tmp_path: Path) -> None:
    text = with_issuer(
        "  - name: extra\n    preset: okta\n    issuer_url: https://acme.okta.com/oauth2/default\n"
        "    jwks: {type: inline, keys: [{kid: k1, kty: RSA, n: AQAB, e: AQAB}]}\n"
    )
    [finding] = with_id(lint_text(tmp_path, text), "FED028")
    assert (finding.severity.value, finding.message) == (
        "warning",
        "inline keys of a provider that rotates its keys stop working at rotation",
    )


def test_sarif_of_every_new_check_validates(tmp_path: Path) -> None:
    import jsonschema

    from fedctl.lint.sarif import render_sarif
    from tests.lint.test_sarif import SCHEMA

    findings = []
    for index, (check_id, text, _needle, _message) in enumerate(POSITIVES):
        folder = tmp_path / str(index)
        folder.mkdir()
        findings += with_id(lint_text(folder, text), check_id)
    assert sorted({f.check_id for f in findings}) == sorted(case[0] for case in POSITIVES)
    log = render_sarif(findings, repo_root=tmp_path, version="0.1.0")
    jsonschema.Draft4Validator(SCHEMA).validate(log)


def test_name_only_subject_fix_shows_the_rewritten_subject_when_the_ids_are_pinned(
    tmp_path: Path,
) -> None:
    text = gha(
        f'subject_prefix: "repo:acme/app:ref:refs/heads/main"\n{AUD}\n'
        'claims: {repository_owner_id: "91234567", repository_id: "812345678", '
        "event_name: push}"
    )
    [finding] = with_id(lint_text(tmp_path, text), "FED023")
    assert finding.fix == (
        "Write subject_prefix: 'repo:acme@91234567/app@812345678:ref:refs/heads/main' "
        "(the IDs this rule already pins)."
    )


def test_name_only_sub_claim_is_flagged_too(tmp_path: Path) -> None:
    text = gha(f'{AUD}\nclaims: {{{OWNER}, sub: "repo:acme/app:ref:refs/heads/main"}}')
    [finding] = with_id(lint_text(tmp_path, text), "FED023")
    assert finding.field_path == "match.claims.sub"


def test_github_enterprise_server_keeps_the_name_only_format(tmp_path: Path) -> None:
    """GHES has no immutable subjects: an issuer that is not github.com is left alone."""
    ghes = "  - name: ghes\n    issuer_url: https://github.acme.example/_services/token\n"
    text = config_text(
        rule(f'subject_prefix: "repo:acme/app:ref:refs/heads/main"\n{AUD}', issuer="ghes"),
        issuers=ISSUERS + ghes,
    )
    assert with_id(lint_text(tmp_path, text), "FED023") == []


def test_check_jti_off_is_no_finding_where_the_tokens_carry_no_jti(tmp_path: Path) -> None:
    """FED027 says check_jti gives Google tokens nothing; turning it off is then no FED005."""
    google = with_issuer("  - name: extra\n    preset: google\n    check_jti: false\n")
    assert with_id(lint_text(tmp_path, google), "FED005") == []
    generic = with_issuer(
        "  - name: extra\n    issuer_url: https://idp.acme.example\n    check_jti: false\n"
    )
    assert len(with_id(lint_text(tmp_path, generic), "FED005")) == 1


@pytest.mark.parametrize(
    ("event", "found"), [("schedule", False), ("pull_request_target", True), ("push", False)]
)
def test_admin_bar_accepts_a_scheduled_trigger(tmp_path: Path, event: str, found: bool) -> None:
    """A schedule runs only the default branch's workflow file: the drift rule of the
    GitHub example (issue 26) pins it, with a protected environment."""
    text = admin(
        f'subject_prefix: "repo:acme/app:environment:drift"\n{AUD}\n'
        f"claims: {{{OWNER}, event_name: {event}}}"
    )
    assert bool(with_id(lint_text(tmp_path, text), "FED029")) is found
