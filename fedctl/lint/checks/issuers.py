"""Checks on issuer settings: jti replay protection, JWT lifetime, issuer URL shape."""

from __future__ import annotations

from collections.abc import Iterator

from fedctl.core.presets import detect_preset
from fedctl.lint.checks import Check, located
from fedctl.lint.checks.incidents import NO_JTI_PROVIDERS
from fedctl.lint.findings import CheckInfo, Finding, LintSeverity
from fedctl.lint.view import LintConfig

# Above one hour a stolen JWT stays exchangeable long after the job that minted it ended;
# presets whose providers legitimately mint longer tokens raise the bar (presets.py).
DEFAULT_LIFETIME_ALLOWANCE = 3600

CHECK_JTI_DISABLED = CheckInfo(
    id="FED005",
    name="check-jti-disabled",
    severity=LintSeverity.WARNING,
    summary="Issuer has check_jti disabled, so a JWT can be exchanged more than once",
    explanation=(
        "With check_jti on, Anthropic exchanges an assertion that carries a jti claim only "
        "once per issuer, so a copied or leaked JWT is useless after its first use; "
        "disabling it lets anyone holding a JWT exchange it again until it expires. The "
        "guides call disabling it a last resort for workloads that re-read one token file "
        "faster than it is rotated."
    ),
    fix="Remove `check_jti: false` and rotate the token well within the minted token's "
    "lifetime (rewrite the file more often than token_lifetime_seconds - 120 s).",
)

LONG_JWT_LIFETIME = CheckInfo(
    id="FED006",
    name="long-max-jwt-lifetime",
    severity=LintSeverity.WARNING,
    summary="Issuer accepts JWTs that live longer than its provider needs",
    explanation=(
        "max_jwt_lifetime_seconds is the largest exp - iat Anthropic accepts, and the "
        "longer it is, the longer a leaked JWT can be exchanged. fedctl allows one hour, "
        "the API default, unless the issuer's preset says the provider mints longer tokens: "
        "Entra managed identities (24 h), GitLab jobs and HCP Terraform runs (up to their "
        "timeouts) and Okta access policies (up to 24 h)."
    ),
    fix="Lower max_jwt_lifetime_seconds to the lifetime your provider actually issues "
    "(3600 or less), or set the issuer's preset when the provider needs more.",
)

ISSUER_URL_SLASH = CheckInfo(
    id="FED015",
    name="issuer-url-trailing-slash",
    severity=LintSeverity.ERROR,
    summary="issuer_url differs from the provider's iss by a trailing slash",
    explanation=(
        "issuer_url must equal the token's iss claim byte for byte: Entra v1.0 "
        "(https://sts.windows.net/<tenant>/) and AKS cluster issuers end in a slash, while "
        "GitHub, Google, AWS, Entra v2.0 and the others do not. One slash too many or too "
        "few and every exchange fails with an opaque 401."
    ),
    fix="Write issuer_url exactly as the tokens' iss claim (add or remove the trailing "
    "slash), or set `preset:` so fedctl checks the shape.",
)


def check_jti_disabled(config: LintConfig) -> Iterator[Finding]:
    # Off is right where the tokens carry no jti (FED027 says why on is misleading there).
    for issuer in config.issuers:
        if issuer.provider is not None and issuer.provider.name in NO_JTI_PROVIDERS:
            continue
        if not issuer.check_jti:
            message = "check_jti is false: a JWT with a jti can be exchanged more than once"
            yield located(CHECK_JTI_DISABLED, issuer, "check_jti", message)


def long_jwt_lifetime(config: LintConfig) -> Iterator[Finding]:
    for issuer in config.issuers:
        provider = issuer.provider
        allowance = provider.lifetime_allowance if provider else DEFAULT_LIFETIME_ALLOWANCE
        if issuer.max_jwt_lifetime_seconds > allowance:
            whose = f"{provider.title} tokens" if provider else "an issuer without a preset"
            message = (
                f"max_jwt_lifetime_seconds is {issuer.max_jwt_lifetime_seconds}; "
                f"more than {allowance} s is long for {whose}"
            )
            yield located(LONG_JWT_LIFETIME, issuer, "max_jwt_lifetime_seconds", message)


def issuer_url_slash(config: LintConfig) -> Iterator[Finding]:
    for issuer in config.issuers:
        if issuer.preset is not None or detect_preset(issuer.issuer_url) is not None:
            continue  # a preset's URL shape is checked when the config is validated
        url = issuer.issuer_url
        toggled = url[:-1] if url.endswith("/") else url + "/"
        provider = detect_preset(toggled)
        if provider is None:
            continue
        what = "has a trailing slash" if url.endswith("/") else "lacks the trailing slash"
        message = f"issuer_url {url!r} {what}; {provider.title} tokens carry iss {toggled!r}"
        yield located(ISSUER_URL_SLASH, issuer, "issuer_url", message, f"Use issuer_url: {toggled}")


CHECKS = (
    Check(CHECK_JTI_DISABLED, check_jti_disabled),
    Check(LONG_JWT_LIFETIME, long_jwt_lifetime),
    Check(ISSUER_URL_SLASH, issuer_url_slash),
)
