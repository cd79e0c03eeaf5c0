"""The CEL probe: evaluate a rule against another tenant's realistic token."""

from __future__ import annotations

from collections.abc import Iterator

from fedctl.core.presets import Preset
from fedctl.core.resolved import ResolvedRule
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
        "tenant or workload differs: look-alike names built to defeat each string test "
        "(acme-labs and acmeevil for startsWith, evilacme for endsWith and e-mail domains "
        "compared without @, x-acme-x for contains, other case and separators) and an "
        "unrelated one, with other IDs. A rule that accepts such a copy looks pinned but is "
        "not, and a condition that accepts any token at all pins nothing, like the refused "
        'subject_prefix "*".'
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
        from fedctl.access.proof.questions import TENANT_CLAIMS

        if provider.name in TENANT_CLAIMS:
            message = _other_tenant(config, rule, provider)
        else:
            message = _sample_probe(rule, provider)
        if message:
            yield located(CONDITION_ACCEPTS_OTHERS, rule, "match.condition", message)


def _sample_probe(rule: ResolvedRule, provider: Preset) -> str:
    """Another workload's token the rule accepts, for providers without a tenant claim."""
    for label, claims in variants(provider, own_claims(provider, rule)):
        if rule_accepts(rule, claims):
            return (
                f"the rule accepts a {label} {provider.title} token of another "
                f"tenant or workload (sub {claims.get('sub')!r})"
            )
    return ""


def _other_tenant(config: LintConfig, rule: ResolvedRule, provider: Preset) -> str:
    """The solver's answer for a CI provider: a message with the other tenant's token, ""
    when it proves none is admitted."""
    from fedctl.access.proof.answers import Found, Undecided
    from fedctl.access.proof.questions import TENANT_CLAIMS, other_tenant
    from fedctl.lint.checks.proofs import resolve

    claims = TENANT_CLAIMS[provider.name]
    if any(claim in rule.claims_dict for claim in claims):
        return ""  # a pinned tenant claim: every token admitted has that one value
    segment = provider.tenant_segment
    prefix = rule.subject_prefix or ""
    closed = segment is not None and prefix.startswith(segment[0])
    if closed and segment is not None and segment[1] in prefix[len(segment[0]) :]:
        # The subject names the tenant (FED003 checks it is closed): a token of another
        # tenant, as the provider writes it, has another subject.
        return ""
    answer = other_tenant(resolve(config, rule), provider.name)
    if isinstance(answer, Undecided):
        return f"fedctl could not decide whether other tenants' tokens match ({answer.reason})"
    if not isinstance(answer, Found):
        return ""
    first, second = answer.claims["first"], answer.claims["second"]
    assert isinstance(first, dict) and isinstance(second, dict)
    shown = ", ".join(f"{claim}={second.get(claim)}" for claim in claims)
    owned = ", ".join(f"{claim}={first.get(claim)}" for claim in claims)
    return (
        f"the rule accepts {provider.title} tokens of more than one tenant: e.g. admits "
        f"{shown} as well as {owned}"
    )


# Two tokens that share nothing a rule could reasonably pin.
_UNRELATED_TOKENS = (
    {"sub": "unrelated-subject-1", "iss": "https://unrelated.example", "aud": "unrelated"},
    {"sub": "x", "iss": "https://other.example", "aud": ["other"], "extra": "1"},
)


def condition_pins_nothing(config: LintConfig) -> Iterator[Finding]:
    """A rule held only by a condition that any token passes: `subject_prefix: "*"` again."""
    for rule in config.rules:
        if rule.condition is None or rule.subject_prefix or rule.claims_dict:
            continue
        if all(rule_accepts(rule, dict(token)) for token in _UNRELATED_TOKENS):
            message = (
                "the condition accepts every token of the issuer: it pins nothing, like the "
                'refused subject_prefix "*"; compare claims with the values of one workload'
            )
            yield located(CONDITION_ACCEPTS_OTHERS, rule, "match.condition", message)


CHECKS = (
    Check(CONDITION_ACCEPTS_OTHERS, condition_accepts_others),
    Check(CONDITION_ACCEPTS_OTHERS, condition_pins_nothing),
)
