"""The CEL probe: evaluate a rule against another tenant's realistic token."""

from __future__ import annotations

from collections.abc import Iterator

from fedctl.lint.checks import Check, located
from fedctl.lint.checks.tenancy import open_prefix, tenant_pinned
from fedctl.lint.findings import CheckInfo, Finding, LintSeverity
from fedctl.lint.matching import rule_accepts
from fedctl.lint.samples import own_claims, variants
from fedctl.lint.view import LintConfig

CONDITION_ACCEPTS_OTHERS = CheckInfo(
    id="FED011",
    name="condition-accepts-other-tenant",
    severity=LintSeverity.ERROR,
    summary="Rule with a CEL condition accepts a token of another tenant or workload",
    explanation=(
        "fedctl evaluates the rule (subject_prefix, claims and the CEL condition, with "
        "the same CEL library as validation) against a realistic token of the issuer's "
        "provider, for the tenant the rule names, and against copies where only the "
        "tenant or workload differs: a look-alike name (acme-labs) and an unrelated one, "
        "with other IDs. A rule that accepts such a copy looks pinned but is not: "
        "startsWith, endsWith and contains on names are the usual cause."
    ),
    fix="Compare tenant claims for equality, preferably immutable IDs "
    '(claims.repository_owner_id == "91234567"), and close prefixes with their delimiter.',
)


def condition_accepts_others(config: LintConfig) -> Iterator[Finding]:
    for rule in config.rules:
        issuer = config.issuer(rule.issuer_name)
        provider = issuer.provider if issuer else None
        if rule.condition is None or issuer is None or provider is None:
            continue
        if issuer.shared and (
            not tenant_pinned(rule, provider) or open_prefix(rule.subject_prefix, provider)
        ):
            continue  # FED002 / FED003 already report this rule
        own = own_claims(provider, rule)
        for label, claims in variants(provider, own):
            if rule_accepts(rule, claims):
                message = (
                    f"the rule accepts a {label} {provider.title} token of another "
                    f"tenant or workload (sub {claims.get('sub')!r})"
                )
                yield located(CONDITION_ACCEPTS_OTHERS, rule, "match.condition", message)
                break


CHECKS = (Check(CONDITION_ACCEPTS_OTHERS, condition_accepts_others),)
