"""Checks that a rule pins the tenant, the GitHub ref, and the audience."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fedctl.core.presets import Preset, condition_mentions
from fedctl.core.resolved import ResolvedRule
from fedctl.lint.checks import Check, located
from fedctl.lint.findings import CheckInfo, Finding, LintSeverity
from fedctl.lint.view import LintConfig

GITHUB_WILDCARD = CheckInfo(
    id="FED001",
    name="github-subject-wildcard-without-ref",
    severity=LintSeverity.ERROR,
    summary="GitHub Actions subject ends in a wildcard without pinning a ref or environment",
    explanation=(
        "A GitHub Actions sub ends in ref:refs/heads/<branch>, environment:<env> or "
        "pull_request depending on the run, so a subject_prefix such as repo:acme/app:* "
        "(or repo:acme/*) also matches pull_request runs, including runs from forks, unless "
        "a ref or environment is pinned elsewhere. Even a pinned branch is only as safe as "
        "its protection, which fedctl cannot see."
    ),
    fix="Pin the run: end the subject in :ref:refs/heads/main or :environment:production, "
    "or add claims.ref (or claims.environment). Then check in the repository settings that "
    "the branch is protected (or the environment has required reviewers), since fedctl "
    "cannot see branch protection.",
)

TENANT_UNPINNED = CheckInfo(
    id="FED002",
    name="shared-issuer-tenant-unpinned",
    severity=LintSeverity.ERROR,
    summary="Rule on a shared multi-tenant issuer does not constrain the tenant",
    explanation=(
        "GitHub Actions, GitLab.com, Buildkite, HCP Terraform and Google sign tokens for "
        "every customer from one issuer, with any audience the customer asks for (and a "
        "default Kubernetes issuer URL is the same in many clusters), so a rule that pins no "
        "owner, repository, project, organization, namespace or account accepts tokens "
        "from other tenants. The API refuses some of these rules; all of them are unsafe."
    ),
    fix="Pin the tenant with an immutable claim (e.g. claims.repository_owner_id, "
    "claims.namespace_id, claims.organization_id, claims.sub for Google) or a "
    "subject_prefix whose tenant segment is closed (repo:acme/...).",
)

PREFIX_BOUNDARY = CheckInfo(
    id="FED003",
    name="tenant-prefix-boundary",
    severity=LintSeverity.ERROR,
    summary="subject_prefix wildcard does not close the tenant segment",
    explanation=(
        "A trailing * makes subject_prefix a plain string prefix. When the tenant segment "
        "is not closed by its delimiter before the *, look-alike tenants match too: "
        "repo:acme* matches repo:acme-labs/..., organization:acme* matches "
        "organization:acme-labs:..., system:serviceaccount:team* matches every namespace "
        "starting with team."
    ),
    fix="End the tenant segment with its delimiter before any * (repo:acme/..., "
    "organization:acme:..., system:serviceaccount:team:...).",
)

AUDIENCE_UNSET = CheckInfo(
    id="FED004",
    name="audience-unset",
    severity=LintSeverity.WARNING,
    summary="Rule leaves audience unset on a provider where any workload picks its audience",
    explanation=(
        "The provider lets any workload request a token for any audience, so the audience "
        "is what separates a token meant for Anthropic from one meant for another relying "
        "party (and, for Kubernetes, from the token every pod already has). Without "
        "match.audience the rule relies on an undocumented per-issuer default."
    ),
    fix="Set match.audience to the audience the workload requests, normally "
    "https://api.anthropic.com.",
)


def open_prefix(subject_prefix: str | None, provider: Preset) -> bool:
    """True when a `*` prefix stops inside the tenant segment (`repo:acme*`)."""
    segment = provider.tenant_segment
    if segment is None or not subject_prefix or not subject_prefix.endswith("*"):
        return False
    literal, delimiter = segment
    if not subject_prefix.startswith(literal):
        return False
    tenant = subject_prefix[len(literal) : -1]
    return tenant != "" and delimiter not in tenant


def tenant_pinned(rule: ResolvedRule, provider: Preset) -> bool:
    """True when some matcher names the tenant (the API's shared-issuer test, statically)."""
    return provider.pins_tenant(
        subject_prefix=rule.subject_prefix, claims=rule.claims_dict, condition=rule.condition
    )


def shared_rules(config: LintConfig) -> Iterator[tuple[ResolvedRule, Preset]]:
    for rule in config.rules:
        issuer = config.issuer(rule.issuer_name)
        if issuer is not None and issuer.shared and issuer.provider is not None:
            yield rule, issuer.provider


def github_wildcard(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        issuer = config.issuer(rule.issuer_name)
        provider = issuer.provider if issuer else None
        if provider is None or provider.name != "github-actions":
            continue
        problem = _unpinned_run(rule, config)
        if problem is not None:
            field = "match.subject_prefix" if rule.subject_prefix else "match"
            yield located(GITHUB_WILDCARD, rule, field, problem)


def _unpinned_run(rule: ResolvedRule, config: LintConfig) -> str | None:
    """Why the rule admits runs it should not (pull requests, any branch), or None."""
    prefix = rule.subject_prefix
    wildcard = re.search(r":(ref|environment):\*", prefix or "")
    if wildcard:
        return (
            f"subject_prefix {prefix!r} pins no {wildcard.group(1)}: '*' there admits every "
            f"{'branch and tag' if wildcard.group(1) == 'ref' else 'environment'}"
        )
    if not prefix and not any(
        c in rule.claims_dict or condition_mentions(rule.condition, c) for c in _TENANT
    ):
        return None  # with the tenant unpinned too, FED002 reports the rule
    from fedctl.access.proof.answers import Found, Undecided
    from fedctl.access.proof.questions import pull_request_run
    from fedctl.lint.checks.proofs import resolve

    answer = pull_request_run(resolve(config, rule))
    if isinstance(answer, Found):
        return (
            "the rule admits pull_request runs, forks' included: e.g. "
            f"sub={answer.claims.get('sub')}, event_name=pull_request"
        )
    if isinstance(answer, Undecided):
        return f"fedctl could not decide whether pull_request runs match ({answer.reason})"
    return None


# Claims that name a GitHub tenant (owner or repository).
_TENANT = ("repository_owner", "repository_owner_id", "repository", "repository_id")


def tenant_unpinned(config: LintConfig) -> Iterator[Finding]:
    for rule, provider in shared_rules(config):
        if tenant_pinned(rule, provider) or open_prefix(rule.subject_prefix, provider):
            continue
        field = "match.subject_prefix" if rule.subject_prefix else "match"
        message = (
            f"rule on the shared {provider.title} issuer pins no tenant: tokens of other "
            f"customers match; pin one of {', '.join(provider.tenant_claims)}"
        )
        yield located(TENANT_UNPINNED, rule, field, message)


def prefix_boundary(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        issuer = config.issuer(rule.issuer_name)
        provider = issuer.provider if issuer else None
        if provider is None or not open_prefix(rule.subject_prefix, provider):
            continue
        prefix = rule.subject_prefix or ""
        _literal, delimiter = provider.tenant_segment or ("", "")
        closed = prefix[:-1] + delimiter + "*"
        message = (
            f"subject_prefix {prefix!r} leaves the tenant segment open: it also matches "
            f"{prefix[:-1] + '-labs' + delimiter!r}..."
        )
        yield located(
            PREFIX_BOUNDARY, rule, "match.subject_prefix", message, f"Use {closed!r} or narrower."
        )


def audience_unset(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        issuer = config.issuer(rule.issuer_name)
        provider = issuer.provider if issuer else None
        if provider is None or not provider.any_audience or rule.audience:
            continue
        message = (
            f"match.audience is unset; any {provider.title} workload can request a token "
            f"for any audience (recommended: {provider.recommended_audience})"
        )
        yield located(AUDIENCE_UNSET, rule, "match", message)


CHECKS = (
    Check(GITHUB_WILDCARD, github_wildcard),
    Check(TENANT_UNPINNED, tenant_unpinned),
    Check(PREFIX_BOUNDARY, prefix_boundary),
    Check(AUDIENCE_UNSET, audience_unset),
)
