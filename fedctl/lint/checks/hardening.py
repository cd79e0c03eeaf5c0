"""Checks for names that change hands and for rules that mint powerful tokens: a tenant
pinned only by a mutable name, GitHub subjects in the name-only format, GitLab refs that
tags or unprotected branches also match,
org:admin rules held to the normal bar, and high scopes on self-hosted runners."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fedctl.core.presets import condition_mentions
from fedctl.core.resolved import ResolvedRule
from fedctl.lint.checks import Check, located
from fedctl.lint.checks.incidents import mentions as _mentions
from fedctl.lint.checks.incidents import provider_name as _provider_name
from fedctl.lint.findings import CheckInfo, Finding, LintSeverity
from fedctl.lint.view import LintConfig

MUTABLE_TENANT_NAME = CheckInfo(
    id="FED021",
    name="tenant-pinned-by-mutable-name",
    severity=LintSeverity.WARNING,
    summary="The tenant is pinned only by a name that can change hands",
    explanation=(
        "Owner, group and organization names are released when renamed or deleted, and "
        "anyone can register them again; the provider then signs that newcomer's tokens "
        "with the same name. Where the provider also issues an immutable ID, a rule that "
        "pins only the name trusts whoever holds it next."
    ),
    fix="Pin the immutable ID as well: repository_owner_id / repository_id (GitHub), "
    "namespace_id / project_id (GitLab), terraform_organization_id (HCP Terraform), "
    "organization_id (Buildkite).",
)

NAME_ONLY_GITHUB_SUBJECT = CheckInfo(
    id="FED023",
    name="github-name-only-subject",
    severity=LintSeverity.WARNING,
    summary="GitHub subject in the name-only format (repo:owner/name:...)",
    explanation=(
        "On github.com, repositories created, renamed or transferred after 2026-07-15, and "
        "those whose organization opted in, carry the owner's and the repository's "
        "immutable IDs in the default sub: repo:OWNER@OWNER_ID/REPO@REPO_ID:... A "
        "name-only rule stops matching after a rename, never matches new repositories, "
        "and is exactly the trust that recycling a released name attacks."
    ),
    fix="Write the subject in the immutable format, repo:OWNER@OWNER_ID/REPO@REPO_ID:... "
    "(read the sub of a real run; repository_owner_id and repository_id are in every token).",
)

GITLAB_UNPROTECTED_REF = CheckInfo(
    id="FED024",
    name="gitlab-ref-unprotected-or-fork-mr",
    severity=LintSeverity.ERROR,
    summary="GitLab rule pins a branch name without ref_type and ref_protected, or admits "
    "merge-request pipelines",
    explanation=(
        "GitLab's ref is a short name shared by branches and tags: a tag, or an unprotected "
        "branch anyone with push access creates, can carry the same name. Merge-request "
        "pipelines can run code from forks with the target project's identity."
    ),
    fix='Pin ref_type: branch and ref_protected: "true" next to ref, and keep '
    "pipeline_source away from merge_request_event.",
)

ADMIN_BAR = CheckInfo(
    id="FED029",
    name="org-admin-rule-below-the-bar",
    severity=LintSeverity.ERROR,
    summary="An org:admin rule held only to the normal bar",
    explanation=(
        "An org:admin token can change every federation rule, issuer and service account "
        "of the organization. The rule that mints it (made in the Console) must admit only "
        "a reviewed deploy: a protected environment, a push, manual or scheduled trigger "
        "(a schedule only ever runs the default branch's workflow), and a short token "
        "lifetime."
    ),
    fix="Pin a protected environment (GitHub environment, GitLab environment_protected), "
    "an event_name of push, workflow_dispatch or schedule (GitLab pipeline_source push), and "
    "token_lifetime_seconds of at most 900.",
)

SELF_HOSTED_RUNNERS = CheckInfo(
    id="FED030",
    name="high-scope-without-github-hosted-runner",
    severity=LintSeverity.NOTE,
    summary="High-scope GitHub rule does not pin runner_environment: github-hosted",
    explanation=(
        "Self-hosted runners can be shared across repositories and keep state between "
        "jobs; a token minted on one can be read by the next job that runs there. For "
        "scopes above inference, pinning github-hosted runners removes that path."
    ),
    fix="Add claims: {runner_environment: github-hosted}, or silence this with a reason "
    "if your self-hosted runners are ephemeral and dedicated.",
)

# provider -> ((name claims, name-only subject pattern), immutable ID claims)
MUTABLE_NAMES: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "github-actions": (
        ("repository_owner", "repository"),
        r"^repo:[^@/:]+/",
        ("repository_owner_id", "repository_id"),
    ),
    "gitlab": (
        ("namespace_path", "project_path"),
        r"^project_path:",
        ("namespace_id", "project_id"),
    ),
    "terraform-cloud": (
        ("terraform_organization_name",),
        r"^organization:",
        ("terraform_organization_id",),
    ),
    "buildkite": (("organization_slug",), r"^organization:", ("organization_id",)),
}
HIGH_SCOPES = frozenset({"workspace:developer", "workspace:manage_tunnels", "org:admin"})
ADMIN_LIFETIME_SECONDS = 900
GITHUB_ADMIN_EVENTS = ("push", "workflow_dispatch", "schedule")


def mutable_tenant_name(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        spec = MUTABLE_NAMES.get(_provider_name(config, rule) or "")
        if spec is None:
            continue
        names, subject_pattern, ids = spec
        by_name = any(_mentions(rule, claim) for claim in names) or bool(
            re.search(subject_pattern, rule.subject_prefix or "")
        )
        if by_name and not any(_mentions(rule, claim) for claim in ids):
            message = (
                f"the tenant is pinned by name only; names can change hands: pin "
                f"{' or '.join(ids)} too"
            )
            yield located(MUTABLE_TENANT_NAME, rule, "match", message)


# `repo:OWNER/REPO...` with no `@ID` after the owner: the name-only default sub.
NAME_ONLY_SUBJECT = re.compile(r"^repo:(?P<owner>[^@/:*]+)/(?P<rest>.*)$")
REPO_SEGMENT = re.compile(r"^(?P<repo>[^@/:*]+)(?P<tail>(:.*)?)$")


def name_only_github_subject(config: LintConfig) -> Iterator[Finding]:
    # Only github.com: GHES keeps the name-only format, and its issuers are another preset.
    for rule in config.rules:
        if _provider_name(config, rule) != "github-actions":
            continue
        for field_path, subject in _subjects(rule):
            found = NAME_ONLY_SUBJECT.match(subject)
            if found is None:
                continue
            message = (
                f"{field_path} {subject!r} uses the name-only format: it stops matching after "
                "a rename or transfer and never matches repositories created since "
                "2026-07-15"
            )
            rewritten = _immutable_subject(rule, found["owner"], found["rest"])
            fix = (
                f"Write {field_path}: {rewritten!r} (the IDs this rule already pins)."
                if rewritten
                else None
            )
            yield located(NAME_ONLY_GITHUB_SUBJECT, rule, f"match.{field_path}", message, fix)


def _subjects(rule: ResolvedRule) -> list[tuple[str, str]]:
    found = [("subject_prefix", rule.subject_prefix)] if rule.subject_prefix else []
    if "sub" in rule.claims_dict:
        found.append(("claims.sub", rule.claims_dict["sub"]))
    return found


def _immutable_subject(rule: ResolvedRule, owner: str, rest: str) -> str | None:
    """The subject with the IDs the rule pins in claims, when it pins both."""
    owner_id = rule.claims_dict.get("repository_owner_id", "")
    repo_id = rule.claims_dict.get("repository_id", "")
    repo = REPO_SEGMENT.match(rest)
    if not (owner_id.isdigit() and repo_id.isdigit() and repo):
        return None
    return f"repo:{owner}@{owner_id}/{repo['repo']}@{repo_id}{repo['tail']}"


def gitlab_unprotected_ref(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        if _provider_name(config, rule) != "gitlab":
            continue
        source = rule.claims_dict.get("pipeline_source", "")
        if source == "merge_request_event" or '"merge_request_event"' in (rule.condition or ""):
            message = "admits merge-request pipelines, which can run fork code as this project"
            yield located(GITLAB_UNPROTECTED_REF, rule, "match", message)
            continue
        pins_ref = _mentions(rule, "ref") or ":ref:" in (rule.subject_prefix or "")
        branch_typed = _mentions(rule, "ref_type") or ":ref_type:branch:" in (
            rule.subject_prefix or ""
        )
        protected = rule.claims_dict.get("ref_protected") == "true" or condition_mentions(
            rule.condition, "ref_protected"
        )
        if pins_ref and not (branch_typed and protected):
            missing = _named_gaps(
                ("ref_type: branch", branch_typed), ('ref_protected: "true"', protected)
            )
            message = (
                f"pins a ref without {' and '.join(missing)}: a tag or an unprotected branch "
                "of the same name also matches"
            )
            yield located(GITLAB_UNPROTECTED_REF, rule, "match", message)


def admin_bar(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        if "org:admin" not in rule.oauth_scope.split():
            continue
        provider = _provider_name(config, rule)
        missing = _admin_gaps(rule, provider)
        if rule.token_lifetime_seconds > ADMIN_LIFETIME_SECONDS:
            missing.append(f"token_lifetime_seconds <= {ADMIN_LIFETIME_SECONDS}")
        if missing:
            message = f"org:admin rule lacks {', '.join(missing)}"
            yield located(ADMIN_BAR, rule, "oauth_scope", message)


def _admin_gaps(rule: ResolvedRule, provider: str | None) -> list[str]:
    prefix = rule.subject_prefix or ""
    condition = rule.condition or ""
    if provider == "github-actions":
        environment = _mentions(rule, "environment") or ":environment:" in prefix
        # schedule runs only the default branch's workflow file, as push to main does.
        trigger = rule.claims_dict.get("event_name") in GITHUB_ADMIN_EVENTS or bool(
            re.search(r"event_name\s*==\s*\"(push|workflow_dispatch|schedule)\"", condition)
        )
        return _named_gaps(
            ("a protected environment", environment),
            ("an event_name of push, workflow_dispatch or schedule", trigger),
        )
    if provider == "gitlab":
        return _named_gaps(
            (
                'environment_protected: "true"',
                rule.claims_dict.get("environment_protected") == "true",
            ),
            (
                "a pipeline_source of push",
                rule.claims_dict.get("pipeline_source") in ("push", "web"),
            ),
        )
    return []


def _named_gaps(*checks: tuple[str, bool]) -> list[str]:
    return [name for name, ok in checks if not ok]


def self_hosted_runners(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        if _provider_name(config, rule) != "github-actions":
            continue
        if not HIGH_SCOPES & set(rule.oauth_scope.split()):
            continue
        if rule.claims_dict.get("runner_environment") == "github-hosted":
            continue
        if re.search(r"runner_environment\s*==\s*\"github-hosted\"", rule.condition or ""):
            continue
        message = (
            f"scope {rule.oauth_scope!r} on any runner: self-hosted runners can be shared "
            "across repositories"
        )
        yield located(SELF_HOSTED_RUNNERS, rule, "oauth_scope", message)


CHECKS: tuple[Check, ...] = (
    Check(MUTABLE_TENANT_NAME, mutable_tenant_name),
    Check(NAME_ONLY_GITHUB_SUBJECT, name_only_github_subject),
    Check(GITLAB_UNPROTECTED_REF, gitlab_unprotected_ref),
    Check(ADMIN_BAR, admin_bar),
    Check(SELF_HOSTED_RUNNERS, self_hosted_runners),
)
