"""Provider-specific mistakes that make a rule never match, or match wrong (providers' docs)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fedctl.core.presets import Preset, condition_mentions
from fedctl.core.resolved import ResolvedRule
from fedctl.lint.checks import Check, located
from fedctl.lint.findings import CheckInfo, Finding, LintSeverity
from fedctl.lint.view import LintConfig

_CLUSTERS = ("kubernetes", "eks", "gke-cluster", "aks-cluster")

# Claims that are not JSON strings in the provider's tokens (as each provider documents them).
NON_STRING_CLAIMS: dict[str, dict[str, str]] = {
    "gitlab": {"runner_id": "a number"},
    "buildkite": {"build_number": "a number"},
    "google": {"email_verified": "a boolean", "google": "an object"},
    "okta": {"scp": "an array", "ver": "a number"},
    "spiffe": {"aud": "an array"},
    **{name: {"aud": "an array", "kubernetes.io": "an object"} for name in _CLUSTERS},
}

# Keys inside AWS's "https://sts.amazonaws.com/" claim (as AWS documents them).
AWS_NESTED_CLAIMS = frozenset(
    {
        "aws_account",
        "source_region",
        "org_id",
        "ou_path",
        "principal_tags",
        "request_tags",
        "original_session_exp",
        "federated_provider",
        "identity_store_user_id",
        "identity_store_arn",
        "ec2_source_instance_arn",
        "source_identity",
        "lambda_source_function_arn",
        "principal_id",
    }
)

GITLAB_REF = CheckInfo(
    id="FED012",
    name="gitlab-ref-with-refs-heads",
    severity=LintSeverity.ERROR,
    summary="GitLab ref compared with a refs/heads/ prefix",
    explanation=(
        "GitLab's ref claim (and the ref: part of its sub) is the short branch or tag "
        "name, main, not refs/heads/main as on GitHub; ref_path holds the full ref. A rule "
        "comparing ref with refs/heads/... never matches."
    ),
    fix='Compare ref with the short name (ref: "main") or use ref_path for the full ref.',
)

CEL_DOTTED_NAME = CheckInfo(
    id="FED013",
    name="cel-field-selection-on-dotted-claim",
    severity=LintSeverity.ERROR,
    summary="CEL selects a claim whose name contains '.' or '/' with field syntax",
    explanation=(
        'Claim names such as "kubernetes.io" or "https://sts.amazonaws.com/" cannot be '
        "reached with claims.name: CEL reads claims.kubernetes.io as the field io of a "
        "claim kubernetes, which does not exist, so the condition never holds."
    ),
    fix='Use index syntax: claims["kubernetes.io"]["namespace"], '
    'claims["https://sts.amazonaws.com/"]["aws_account"].',
)

NON_STRING_CLAIM = CheckInfo(
    id="FED014",
    name="claims-on-non-string-claim",
    severity=LintSeverity.ERROR,
    summary="match.claims compares a claim that is not a string in this provider's tokens",
    explanation=(
        "match.claims is an exact string comparison on top-level claims. Numbers, "
        "booleans, arrays and objects in the token never equal a string, so the rule "
        "never matches (GitLab runner_id, Buildkite build_number, Google email_verified, "
        "Kubernetes aud, Okta scp)."
    ),
    fix="Move the comparison into match.condition, e.g. condition: 'claims.runner_id == "
    "12270835' or '\"anthropic.access\" in claims.scp'.",
)

ENTRA_CLIENT_CLAIM = CheckInfo(
    id="FED016",
    name="entra-azp-appid-mixup",
    severity=LintSeverity.ERROR,
    summary="Entra rule uses the client claim or audience form of the other token version",
    explanation=(
        "Entra v1.0 tokens (iss https://sts.windows.net/<tid>/) name the client in appid "
        "and their aud is the identifier URI (api://<APP_ID>); v2.0 tokens "
        "(https://login.microsoftonline.com/<tid>/v2.0) use azp and the bare client ID "
        "GUID as aud. Pinning the other version's claim or audience never matches."
    ),
    fix="On a v1.0 issuer pin appid; on a v2.0 issuer pin azp and use the GUID audience.",
)

AWS_NESTED_IN_CLAIMS = CheckInfo(
    id="FED017",
    name="aws-nested-claim-in-claims",
    severity=LintSeverity.ERROR,
    summary="AWS nested claim (aws_account, org_id, ...) put in match.claims",
    explanation=(
        "AWS puts aws_account, org_id, principal_tags and the other details inside the "
        'object claim "https://sts.amazonaws.com/". match.claims only sees top-level '
        "claims, so the rule never matches."
    ),
    fix='Use a condition: claims["https://sts.amazonaws.com/"]["aws_account"] == "123456789012".',
)

GOOGLE_SUBJECT_PREFIX = CheckInfo(
    id="FED018",
    name="google-subject-prefix",
    severity=LintSeverity.ERROR,
    summary="Google rule uses subject_prefix",
    explanation=(
        "A Google ID token's sub is the service account's numeric unique ID, with no "
        "stable prefix. A wildcard prefix matches service accounts of every Google Cloud "
        "customer; the Anthropic guide says never to use subject_prefix for Google."
    ),
    fix="Remove subject_prefix; pin claims.sub (the numeric unique ID) and claims.email.",
)


def _rules_of(config: LintConfig, *names: str) -> Iterator[tuple[ResolvedRule, Preset]]:
    for rule in config.rules:
        issuer = config.issuer(rule.issuer_name)
        provider = issuer.provider if issuer else None
        if provider is not None and provider.name in names:
            yield rule, provider


def gitlab_ref(config: LintConfig) -> Iterator[Finding]:
    for rule, _provider in _rules_of(config, "gitlab"):
        if rule.claims_dict.get("ref", "").startswith("refs/"):
            message = f"claims.ref {rule.claims_dict['ref']!r}: GitLab's ref is the short name"
            yield located(GITLAB_REF, rule, "match.claims.ref", message)
        elif rule.subject_prefix and ":ref:refs/" in rule.subject_prefix:
            message = "subject_prefix has ref:refs/...; GitLab's sub uses the short ref name"
            yield located(GITLAB_REF, rule, "match.subject_prefix", message)
        elif rule.condition and re.search(r"claims\.ref\s*==\s*[\"']refs/", rule.condition):
            message = "condition compares claims.ref with refs/...; GitLab's ref is short"
            yield located(GITLAB_REF, rule, "match.condition", message)


def cel_dotted_name(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        if rule.condition and re.search(r"\bclaims\s*\.\s*kubernetes\s*\.\s*io\b", rule.condition):
            message = 'condition reads claims.kubernetes.io; use claims["kubernetes.io"]'
            yield located(CEL_DOTTED_NAME, rule, "match.condition", message)


def non_string_claim(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        issuer = config.issuer(rule.issuer_name)
        provider = issuer.provider if issuer else None
        kinds = NON_STRING_CLAIMS.get(provider.name, {}) if provider else {}
        for name in rule.claims_dict:
            if name in kinds:
                title = provider.title if provider else ""
                message = f"claims.{name} is {kinds[name]} in {title} tokens; no string equals it"
                yield located(NON_STRING_CLAIM, rule, f"match.claims.{name}", message)


def entra_client_claim(config: LintConfig) -> Iterator[Finding]:
    wrong = {"entra-v1": "azp", "entra-v2": "appid"}
    for rule, provider in _rules_of(config, "entra-v1", "entra-v2"):
        claim = wrong[provider.name]
        if claim in rule.claims_dict or condition_mentions(rule.condition, claim):
            field = f"match.claims.{claim}" if claim in rule.claims_dict else "match.condition"
            message = f"{provider.title} tokens carry no {claim} claim"
            yield located(ENTRA_CLIENT_CLAIM, rule, field, message)
        if provider.name == "entra-v2" and (rule.audience or "").startswith("api://"):
            message = f"audience {rule.audience!r}: v2.0 tokens carry the bare client ID GUID"
            yield located(ENTRA_CLIENT_CLAIM, rule, "match.audience", message)


def aws_nested_in_claims(config: LintConfig) -> Iterator[Finding]:
    for rule, _provider in _rules_of(config, "aws-sts"):
        for name in rule.claims_dict:
            if name in AWS_NESTED_CLAIMS:
                message = f'claims.{name} sits inside "https://sts.amazonaws.com/" in AWS tokens'
                yield located(AWS_NESTED_IN_CLAIMS, rule, f"match.claims.{name}", message)


def google_subject_prefix(config: LintConfig) -> Iterator[Finding]:
    for rule, _provider in _rules_of(config, "google"):
        # An exact numeric sub is the same pin as claims.sub; anything else is not.
        if rule.subject_prefix and not re.fullmatch(r"[0-9]+", rule.subject_prefix):
            message = f"subject_prefix {rule.subject_prefix!r} on a Google issuer"
            yield located(GOOGLE_SUBJECT_PREFIX, rule, "match.subject_prefix", message)


CHECKS = (
    Check(GITLAB_REF, gitlab_ref),
    Check(CEL_DOTTED_NAME, cel_dotted_name),
    Check(NON_STRING_CLAIM, non_string_claim),
    Check(ENTRA_CLIENT_CLAIM, entra_client_claim),
    Check(AWS_NESTED_IN_CLAIMS, aws_nested_in_claims),
    Check(GOOGLE_SUBJECT_PREFIX, google_subject_prefix),
)
