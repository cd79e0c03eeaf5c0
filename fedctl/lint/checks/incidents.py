"""Checks from the public record of OIDC federation incidents: default-branch runs that
outsiders trigger, wildcards that admit look-alike names, unpinned reusable workflows,
speculative Terraform plans, audiences shared with other relying parties, replay
protection that cannot work, and signing keys from another host."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlsplit

from fedctl.core.presets import condition_mentions
from fedctl.core.resolved import ResolvedIssuer, ResolvedRule
from fedctl.lint.checks import Check, located
from fedctl.lint.findings import CheckInfo, Finding, LintSeverity
from fedctl.lint.view import LintConfig

DEFAULT_BRANCH_ONLY = CheckInfo(
    id="FED019",
    name="github-default-branch-without-event",
    severity=LintSeverity.ERROR,
    summary="GitHub rule pinned only to the default branch, with no event_name pin",
    explanation=(
        "pull_request_target, issue_comment, workflow_run and schedule runs all carry the "
        "default branch's ref, and the first three can be started by people outside the "
        "organization. A rule that pins refs/heads/main but not the event admits them."
    ),
    fix="Pin the event too: claims: {event_name: push} (or workflow_dispatch), or pin a "
    "protected environment instead of the branch.",
)

LOOK_ALIKE_WILDCARD = CheckInfo(
    id="FED020",
    name="wildcard-admits-look-alikes",
    severity=LintSeverity.ERROR,
    summary="A * after the tenant segment still admits look-alike names",
    explanation=(
        "subject_prefix is a plain string prefix. repo:acme/app* also matches "
        "repo:acme/app-fork, ref:refs/heads/release* matches release-evil, environment:prod* "
        "matches prod-test: a * right after a name, instead of after its delimiter, admits "
        "every name that starts the same way."
    ),
    fix="Close the name with its delimiter before the *: repo:acme/app:*, "
    "ref:refs/heads/release/*, environment:prod (exact), project_path:acme/app:*.",
)

REUSABLE_WORKFLOW_UNPINNED = CheckInfo(
    id="FED022",
    name="reusable-workflow-unpinned",
    severity=LintSeverity.ERROR,
    summary="A reusable workflow is trusted without a full ref or commit, or via workflow_ref",
    explanation=(
        "job_workflow_ref names the reusable workflow a job runs, with the ref it was taken "
        "from. Trusting it without a full ref (@refs/heads/main, @refs/tags/v1) or a commit "
        "lets any branch of that workflow's repository mint tokens; workflow_ref names the "
        "caller, not the reusable workflow, so pinning it trusts the wrong thing."
    ),
    fix="Pin job_workflow_ref to org/repo/.github/workflows/x.yml@refs/heads/main, a tag or a "
    "40-hex commit, and compare it for equality.",
)

TERRAFORM_PLAN_RUNS = CheckInfo(
    id="FED025",
    name="terraform-plan-runs",
    severity=LintSeverity.ERROR,
    summary="HCP Terraform rule above inference that does not pin run_phase: apply",
    explanation=(
        "HCP Terraform mints tokens for plan runs too, and speculative plans run for any "
        "pull request against the workspace's repository. A rule that does not pin the "
        "apply phase gives those runs its scope."
    ),
    fix='End the subject in :run_phase:apply or add claims: {terraform_run_phase: "apply"}.',
)

SHARED_AUDIENCE = CheckInfo(
    id="FED026",
    name="audience-shared-with-another-service",
    severity=LintSeverity.WARNING,
    summary="Rule audience is one another relying party also accepts",
    explanation=(
        "A token minted for sts.amazonaws.com, for GitHub's default audience, for the "
        "Kubernetes API server or for Azure's token exchange is handed to that service too; "
        "whoever runs (or compromises) it can replay the token to Anthropic."
    ),
    fix="Use an audience only Anthropic accepts, e.g. https://api.anthropic.com.",
    precision="medium",
)

USELESS_JTI_CHECK = CheckInfo(
    id="FED027",
    name="check-jti-without-jti",
    severity=LintSeverity.WARNING,
    summary="check_jti is on for a provider whose tokens carry no jti",
    explanation=(
        "check_jti makes a token single-use only when it carries a jti. Google, Entra ID "
        "and SPIRE tokens carry none, so the setting gives no replay protection there, "
        "whatever it suggests to a reviewer."
    ),
    fix="Keep token lifetimes short instead, and do not count on replay protection.",
)

FOREIGN_KEYS = CheckInfo(
    id="FED028",
    name="signing-keys-from-another-host",
    severity=LintSeverity.ERROR,
    summary="Signing keys come from another host than the issuer, or are pinned inline",
    explanation=(
        "The issuer's keys decide which tokens are genuine, so keys fetched from a host on "
        "another registrable domain than issuer_url let whoever controls that host mint "
        "tokens for the issuer. Inline keys of a provider that rotates its keys stop "
        "working at the next rotation (a warning)."
    ),
    fix="Fetch keys from the issuer's own domain (jwks.type: discovery), or for a private "
    "issuer keep inline keys and plan their rotation.",
    # The registrable domain is guessed from the last two host labels (no suffix list).
    precision="medium",
)

# The same check, as a warning: inline keys on a rotating provider are an outage, not a hole.
INLINE_ROTATING_KEYS = replace(FOREIGN_KEYS, severity=LintSeverity.WARNING)
DEFAULT_BRANCHES = ("refs/heads/main", "refs/heads/master")
SHARED_AUDIENCES = re.compile(
    r"^(sts\.amazonaws\.com|https://github\.com/[^/]+/?|api://AzureADTokenExchange|"
    r"https://kubernetes\.default\.svc(\.cluster\.local)?)$"
)
NO_JTI_PROVIDERS = frozenset({"google", "entra-v1", "entra-v2", "spiffe"})
ROTATING_PROVIDERS = frozenset(
    {"github-actions", "gitlab", "buildkite", "terraform-cloud", "google", "entra-v1",
     "entra-v2", "okta", "aws-sts"}
)  # fmt: skip
FULL_REF = re.compile(r"@(refs/(heads|tags)/[^*]+|[0-9a-f]{40})$")


def provider_name(config: LintConfig, rule: ResolvedRule) -> str | None:
    issuer = config.issuer(rule.issuer_name)
    provider = issuer.provider if issuer else None
    return provider.name if provider else None


def mentions(rule: ResolvedRule, claim: str) -> bool:
    return claim in rule.claims_dict or condition_mentions(rule.condition, claim)


def default_branch_only(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        if provider_name(config, rule) != "github-actions" or mentions(rule, "event_name"):
            continue
        if mentions(rule, "environment") or ":environment:" in (rule.subject_prefix or ""):
            continue
        branch = _default_branch_pin(rule)
        if branch is not None:
            message = (
                f"pinned to {branch} with no event_name: pull_request_target, issue_comment "
                "and workflow_run runs, which outsiders can start, carry that ref too"
            )
            field = "match.subject_prefix" if branch in (rule.subject_prefix or "") else "match"
            yield located(DEFAULT_BRANCH_ONLY, rule, field, message)


def _default_branch_pin(rule: ResolvedRule) -> str | None:
    texts = [rule.subject_prefix or "", rule.claims_dict.get("ref", ""), rule.condition or ""]
    for branch in DEFAULT_BRANCHES:
        if any(text.endswith(branch) or f'"{branch}"' in text for text in texts):
            return branch
    return None


def look_alike_wildcard(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        prefix = rule.subject_prefix or ""
        match = re.search(r"(repo:[^:*]+/[^:*/]+|ref:refs/[^*]*[^/:*]|environment:[^:*]+|"
                          r"project_path:[^:*]+/[^:*]+)\*$", prefix)  # fmt: skip
        if match:
            message = (
                f"subject_prefix {prefix!r}: the * right after {match.group(1)!r} also admits "
                f"{match.group(1) + '-evil'!r} and every other name that starts the same way"
            )
            yield located(LOOK_ALIKE_WILDCARD, rule, "match.subject_prefix", message)


def reusable_workflow_unpinned(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        if provider_name(config, rule) != "github-actions":
            continue
        pinned = rule.claims_dict.get("job_workflow_ref")
        if pinned is not None and not FULL_REF.search(pinned):
            message = f"claims.job_workflow_ref {pinned!r} pins no full ref or commit"
            yield located(REUSABLE_WORKFLOW_UNPINNED, rule, "match.claims", message)
        elif condition_mentions(rule.condition, "job_workflow_ref") and not re.search(
            r"job_workflow_ref\s*==\s*\"[^\"]*@(refs/(heads|tags)/[^\"*]+|[0-9a-f]{40})\"",
            rule.condition or "",
        ):
            message = "the condition trusts job_workflow_ref without equality to a full ref"
            yield located(REUSABLE_WORKFLOW_UNPINNED, rule, "match.condition", message)
        elif "workflow_ref" in rule.claims_dict and "@" in rule.claims_dict["workflow_ref"]:
            message = (
                "claims.workflow_ref names the calling workflow; to trust a reusable "
                "workflow, pin job_workflow_ref"
            )
            yield located(REUSABLE_WORKFLOW_UNPINNED, rule, "match.claims", message)


def terraform_plan_runs(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        if provider_name(config, rule) != "terraform-cloud":
            continue
        if rule.oauth_scope.split() == ["workspace:inference"]:
            continue
        prefix = rule.subject_prefix or ""
        if (
            prefix.endswith(":run_phase:apply")
            or rule.claims_dict.get("terraform_run_phase") == "apply"
        ):
            continue
        if re.search(r"terraform_run_phase\s*==\s*\"apply\"", rule.condition or ""):
            continue
        message = (
            f"scope {rule.oauth_scope!r} without run_phase apply: plan runs, speculative "
            "ones for any pull request included, get tokens too"
        )
        yield located(TERRAFORM_PLAN_RUNS, rule, "match", message)


def shared_audience(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        if rule.audience and SHARED_AUDIENCES.match(rule.audience):
            message = (
                f"audience {rule.audience!r} is accepted by another service too; a token "
                "minted for it can be replayed to Anthropic"
            )
            yield located(SHARED_AUDIENCE, rule, "match.audience", message)


def useless_jti_check(config: LintConfig) -> Iterator[Finding]:
    for issuer in config.issuers:
        provider = issuer.provider
        # Only where the file says check_jti: true, implying a protection it cannot give;
        # the default is true for every issuer and says nothing.
        if (
            issuer.name in config.check_jti_written
            and issuer.check_jti
            and provider
            and provider.name in NO_JTI_PROVIDERS
        ):
            message = (
                f"check_jti is on, but {provider.title} tokens carry no jti: it gives no "
                "replay protection here"
            )
            yield located(USELESS_JTI_CHECK, issuer, "check_jti", message)


def foreign_keys(config: LintConfig) -> Iterator[Finding]:
    for issuer in config.issuers:
        host = _registrable(issuer.issuer_url)
        keys_url = issuer.jwks_url
        if keys_url and _registrable(keys_url) != host:
            message = (
                f"keys come from {urlsplit(keys_url).hostname!r}, another domain than the "
                f"issuer's {urlsplit(issuer.issuer_url).hostname!r}"
            )
            yield located(FOREIGN_KEYS, issuer, "jwks", message)
        elif issuer.jwks_type == "inline" and _rotates(issuer):
            message = "inline keys of a provider that rotates its keys stop working at rotation"
            yield located(INLINE_ROTATING_KEYS, issuer, "jwks", message)


def _rotates(issuer: ResolvedIssuer) -> bool:
    return issuer.provider is not None and issuer.provider.name in ROTATING_PROVIDERS


def _registrable(url: str) -> str:
    """The last two labels of the host: a heuristic, without the public suffix list."""
    host = (urlsplit(url).hostname or "").lower()
    return ".".join(host.split(".")[-2:])


_RECORD_CHECKS: tuple[Check, ...] = (
    Check(DEFAULT_BRANCH_ONLY, default_branch_only),
    Check(LOOK_ALIKE_WILDCARD, look_alike_wildcard),
    Check(REUSABLE_WORKFLOW_UNPINNED, reusable_workflow_unpinned),
    Check(TERRAFORM_PLAN_RUNS, terraform_plan_runs),
    Check(SHARED_AUDIENCE, shared_audience),
    Check(USELESS_JTI_CHECK, useless_jti_check),
    Check(FOREIGN_KEYS, foreign_keys),
)


CHECKS: tuple[Check, ...] = _RECORD_CHECKS
