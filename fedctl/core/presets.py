"""Issuer presets: provider facts (from the providers' docs) that fill an issuer and steer lint.

`preset: github-actions` on an issuer fills `issuer_url` where the provider has one fixed
URL and the recommended `max_jwt_lifetime_seconds`, checks the shape of a per-tenant
`issuer_url` (Entra v1 needs its trailing slash, Okta its `/oauth2/<id>`), and tells
`fedctl.lint` which provider's tokens the issuer accepts. The filled-in values are what the
planner compares; `preset` itself never reaches the API.

    preset = PRESETS["okta"]
    preset.url_problem("https://acme.okta.com")  # -> "... needs /oauth2/<authServerId> ..."
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

ANTHROPIC_AUDIENCE = "https://api.anthropic.com"

# The issuers on which the API itself refuses a rule that pins no tenant (docs/admin-api.md
# §5.6; the URL list is §8 item 19's, the docs name no official one). Lint warns
# about more shared issuers than these; the planner predicts the refusal for these.
API_TENANT_PINNED_ISSUER_URLS = frozenset(
    {
        "https://token.actions.githubusercontent.com",
        "https://gitlab.com",
        "https://agent.buildkite.com",
        "https://app.terraform.io",
        "https://accounts.google.com",
    }
)
_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


@dataclass(frozen=True)
class Preset:
    """What fedctl knows about one provider's issuer and tokens."""

    name: str
    title: str
    # Filled into `issuer_url` when the issuer omits it; None: the user must give it.
    issuer_url: str | None
    # Every issuer URL shape this provider produces; anything else is a config error.
    url_pattern: str
    url_hint: str
    # Issuer URLs that serve many customers (the providers' documentation; docs/admin-api.md §5.6).
    shared_url_pattern: str | None
    # Claims that pin the tenant (or, on a per-tenant issuer, the workload).
    tenant_claims: tuple[str, ...]
    # A subject_prefix matching this pins the tenant with a closed segment.
    tenant_subject_pattern: str | None
    # (literal, delimiter) of the subject's tenant segment, for the prefix-boundary check.
    tenant_segment: tuple[str, str] | None
    recommended_audience: str
    # True when any tenant of the provider can mint a token for any audience it likes.
    any_audience: bool
    max_jwt_lifetime_seconds: int | None
    # Above this `max_jwt_lifetime_seconds` is "long" for this provider (lint FED006).
    lifetime_allowance: int
    recommended_pins: str

    def url_problem(self, issuer_url: str) -> str | None:
        """Why `issuer_url` cannot be this provider's issuer, or None when its shape fits."""
        if re.fullmatch(self.url_pattern, issuer_url):
            return None
        return (
            f"{issuer_url!r} is not a {self.title} issuer URL; expected {self.url_hint} "
            "(it must equal the tokens' iss claim byte for byte)"
        )

    def is_shared(self, issuer_url: str) -> bool:
        pattern = self.shared_url_pattern
        return pattern is not None and re.fullmatch(pattern, issuer_url) is not None

    def subject_pins_tenant(self, subject_prefix: str) -> bool:
        pattern = self.tenant_subject_pattern
        return pattern is not None and re.match(pattern, subject_prefix) is not None

    def pins_tenant(
        self, *, subject_prefix: str | None, claims: Mapping[str, str], condition: str | None
    ) -> bool:
        """True when some matcher names the tenant: the API's shared-issuer test, statically."""
        if any(claim in claims for claim in self.tenant_claims):
            return True
        if subject_prefix and self.subject_pins_tenant(subject_prefix):
            return True
        return any(condition_mentions(condition, claim) for claim in self.tenant_claims)


def condition_mentions(condition: str | None, claim: str) -> bool:
    """True when the CEL text reads `claims.<claim>` or `claims["<claim>"]`."""
    if not condition:
        return False
    escaped = re.escape(claim)
    pattern = rf"\bclaims\s*(\.\s*{escaped}\b|\[\s*[\"']{escaped}[\"']\s*\])"
    return re.search(pattern, condition) is not None


_K8S_PINS = "exact subject_prefix system:serviceaccount:<namespace>:<service-account>"

PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            name="github-actions",
            title="GitHub Actions",
            issuer_url="https://token.actions.githubusercontent.com",
            url_pattern=(
                r"https://token\.actions\.githubusercontent\.com(/[A-Za-z0-9-]+)?"
                r"|https://token\.actions\.[a-z0-9-]+\.ghe\.com(/[a-z0-9-]+)?"
                r"|https://[A-Za-z0-9.-]+/_services/token"
            ),
            url_hint="https://token.actions.githubusercontent.com (no trailing slash), "
            "its /<enterprise> form, a ghe.com host or https://<ghes-host>/_services/token",
            shared_url_pattern=r"https://token\.actions\.githubusercontent\.com",
            tenant_claims=(
                "repository_owner",
                "repository_owner_id",
                "repository",
                "repository_id",
                "enterprise",
                "enterprise_id",
            ),
            tenant_subject_pattern=r"repo:[^/*:@]+(@[0-9]+)?/",
            tenant_segment=("repo:", "/"),
            recommended_audience=ANTHROPIC_AUDIENCE,
            any_audience=True,
            max_jwt_lifetime_seconds=None,
            lifetime_allowance=3600,
            recommended_pins="exact subject_prefix repo:<owner>/<repo>:ref:refs/heads/<branch> "
            "(or :environment:<env>), claims.repository_owner_id, consider claims.event_name",
        ),
        Preset(
            name="gitlab",
            title="GitLab CI/CD",
            issuer_url="https://gitlab.com",
            url_pattern=r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[^\s]*[^/\s])?",
            url_hint="https://gitlab.com or your instance URL, without a trailing slash",
            shared_url_pattern=r"https://gitlab\.com",
            tenant_claims=("namespace_id", "namespace_path", "project_id", "project_path"),
            tenant_subject_pattern=r"project_path:[^/*:]+/",
            tenant_segment=("project_path:", "/"),
            recommended_audience=ANTHROPIC_AUDIENCE,
            any_audience=True,
            max_jwt_lifetime_seconds=None,
            # Tokens live as long as the job timeout, which may be many hours.
            lifetime_allowance=86400,
            recommended_pins="exact subject_prefix project_path:<group>/<project>:ref_type:"
            "branch:ref:<branch>, claims.namespace_id, claims.project_id, "
            'claims.ref_protected: "true"',
        ),
        Preset(
            name="buildkite",
            title="Buildkite",
            issuer_url="https://agent.buildkite.com",
            url_pattern=r"https://agent\.buildkite\.com",
            url_hint="https://agent.buildkite.com",
            shared_url_pattern=r"https://agent\.buildkite\.com",
            tenant_claims=("organization_id", "organization_slug"),
            tenant_subject_pattern=r"organization:[^:*]+:",
            tenant_segment=("organization:", ":"),
            recommended_audience=ANTHROPIC_AUDIENCE,
            any_audience=True,
            max_jwt_lifetime_seconds=None,
            lifetime_allowance=3600,
            recommended_pins="subject_prefix organization:<org>:pipeline:<pipeline>:ref:"
            "refs/heads/<branch>:*, claims.organization_id (request it with --claim)",
        ),
        Preset(
            name="terraform-cloud",
            title="HCP Terraform",
            issuer_url="https://app.terraform.io",
            url_pattern=r"https://[A-Za-z0-9.-]+",
            url_hint="https://app.terraform.io or your Terraform Enterprise host",
            shared_url_pattern=r"https://app(\.eu)?\.terraform\.io",
            tenant_claims=(
                "terraform_organization_id",
                "terraform_organization_name",
                "terraform_workspace_id",
                "terraform_project_id",
            ),
            tenant_subject_pattern=r"organization:[^:*]+:",
            tenant_segment=("organization:", ":"),
            recommended_audience=ANTHROPIC_AUDIENCE,
            any_audience=True,
            max_jwt_lifetime_seconds=None,
            # Tokens last until the end of the plan/apply timeout (up to 24 h).
            lifetime_allowance=86400,
            recommended_pins="exact subject_prefix organization:<org>:project:<project>:"
            "workspace:<ws>:run_phase:apply, claims.terraform_organization_id, "
            "claims.terraform_workspace_id",
        ),
        Preset(
            name="google",
            title="Google Cloud",
            issuer_url="https://accounts.google.com",
            url_pattern=r"https://accounts\.google\.com",
            url_hint="https://accounts.google.com",
            shared_url_pattern=r"https://accounts\.google\.com",
            tenant_claims=("sub", "email", "azp"),
            tenant_subject_pattern=r"[0-9]+$",
            tenant_segment=None,
            recommended_audience=ANTHROPIC_AUDIENCE,
            any_audience=True,
            max_jwt_lifetime_seconds=None,
            lifetime_allowance=3600,
            recommended_pins="claims.sub (the service account's numeric unique ID) and "
            "claims.email; never a subject_prefix",
        ),
        Preset(
            name="aws-sts",
            title="AWS STS outbound federation",
            issuer_url=None,
            url_pattern=rf"https://{_GUID}\.tokens\.sts\.global\.api\.aws",
            url_hint="https://<uuid>.tokens.sts.global.api.aws (from "
            "GetOutboundWebIdentityFederationInfo)",
            shared_url_pattern=None,
            tenant_claims=(),
            tenant_subject_pattern=None,
            tenant_segment=None,
            recommended_audience=ANTHROPIC_AUDIENCE,
            any_audience=True,
            max_jwt_lifetime_seconds=None,
            lifetime_allowance=3600,
            recommended_pins="exact subject_prefix arn:aws:iam::<account>:role/<name>; "
            'optional condition on claims["https://sts.amazonaws.com/"]["aws_account"]',
        ),
        Preset(
            name="eks",
            title="Amazon EKS cluster",
            issuer_url=None,
            url_pattern=r"https://oidc\.eks\.[a-z0-9-]+\.amazonaws\.com/id/[A-Za-z0-9]+",
            url_hint="https://oidc.eks.<region>.amazonaws.com/id/<ID>",
            shared_url_pattern=None,
            tenant_claims=("kubernetes.io",),
            tenant_subject_pattern=r"system:serviceaccount:[^:*]+:",
            tenant_segment=("system:serviceaccount:", ":"),
            recommended_audience=ANTHROPIC_AUDIENCE,
            any_audience=True,
            max_jwt_lifetime_seconds=None,
            lifetime_allowance=3600,
            recommended_pins=_K8S_PINS + " and an audience (not sts.amazonaws.com)",
        ),
        Preset(
            name="entra-v2",
            title="Microsoft Entra ID (v2.0 tokens)",
            issuer_url=None,
            url_pattern=rf"https://login\.microsoftonline\.com/{_GUID}/v2\.0",
            url_hint="https://login.microsoftonline.com/<tenant-id>/v2.0 (no trailing slash)",
            shared_url_pattern=None,
            tenant_claims=("oid", "tid", "azp"),
            tenant_subject_pattern=rf"{_GUID}$",
            tenant_segment=None,
            recommended_audience="<APP_ID> (the audience app's client ID GUID)",
            any_audience=False,
            # Managed-identity tokens live up to 24 h (Microsoft's managed-identity documentation).
            max_jwt_lifetime_seconds=86400,
            lifetime_allowance=86400,
            recommended_pins="claims.oid and claims.tid (exact), audience <APP_ID>",
        ),
        Preset(
            name="entra-v1",
            title="Microsoft Entra ID (v1.0 tokens)",
            issuer_url=None,
            url_pattern=rf"https://sts\.windows\.net/{_GUID}/",
            url_hint="https://sts.windows.net/<tenant-id>/ (with the trailing slash)",
            shared_url_pattern=None,
            tenant_claims=("oid", "tid", "appid"),
            tenant_subject_pattern=rf"{_GUID}$",
            tenant_segment=None,
            recommended_audience="api://<APP_ID> (as in the token)",
            any_audience=False,
            max_jwt_lifetime_seconds=86400,
            lifetime_allowance=86400,
            recommended_pins="claims.oid and claims.tid (exact); appid, never azp",
        ),
        Preset(
            name="kubernetes",
            title="Kubernetes cluster",
            issuer_url=None,
            url_pattern=r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[^\s]*)?",
            url_hint="the cluster's --service-account-issuer "
            "(kubectl get --raw /.well-known/openid-configuration)",
            # Many clusters share this default URL; only the keys tell them apart.
            shared_url_pattern=r"https://kubernetes\.default\.svc(\.cluster\.local)?",
            tenant_claims=("kubernetes.io",),
            tenant_subject_pattern=r"system:serviceaccount:[^:*]+:",
            tenant_segment=("system:serviceaccount:", ":"),
            recommended_audience=ANTHROPIC_AUDIENCE,
            any_audience=True,
            max_jwt_lifetime_seconds=None,
            lifetime_allowance=3600,
            recommended_pins=_K8S_PINS,
        ),
        Preset(
            name="gke-cluster",
            title="GKE cluster",
            issuer_url=None,
            url_pattern=r"https://container\.googleapis\.com/v1/projects/[^/\s]+"
            r"/locations/[^/\s]+/clusters/[^/\s]+",
            url_hint="https://container.googleapis.com/v1/projects/<p>/locations/<l>/clusters/<c>",
            shared_url_pattern=None,
            tenant_claims=("kubernetes.io",),
            tenant_subject_pattern=r"system:serviceaccount:[^:*]+:",
            tenant_segment=("system:serviceaccount:", ":"),
            recommended_audience=ANTHROPIC_AUDIENCE,
            any_audience=True,
            max_jwt_lifetime_seconds=None,
            lifetime_allowance=3600,
            recommended_pins=_K8S_PINS,
        ),
        Preset(
            name="aks-cluster",
            title="AKS cluster",
            issuer_url=None,
            url_pattern=rf"https://[a-z0-9]+\.oic\.prod-aks\.azure\.com/{_GUID}/{_GUID}/",
            url_hint="https://<region>.oic.prod-aks.azure.com/<tenant-id>/<uuid>/ "
            "(with the trailing slash)",
            shared_url_pattern=None,
            tenant_claims=("kubernetes.io",),
            tenant_subject_pattern=r"system:serviceaccount:[^:*]+:",
            tenant_segment=("system:serviceaccount:", ":"),
            recommended_audience=ANTHROPIC_AUDIENCE,
            any_audience=True,
            max_jwt_lifetime_seconds=None,
            lifetime_allowance=3600,
            recommended_pins=_K8S_PINS,
        ),
        Preset(
            name="spiffe",
            title="SPIFFE / SPIRE",
            issuer_url=None,
            url_pattern=r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[^\s]*)?",
            url_hint="the SPIRE server's jwt_issuer URL",
            shared_url_pattern=None,
            tenant_claims=(),
            tenant_subject_pattern=None,
            tenant_segment=None,
            recommended_audience=ANTHROPIC_AUDIENCE,
            any_audience=True,
            max_jwt_lifetime_seconds=None,
            lifetime_allowance=3600,
            recommended_pins="exact SPIFFE ID as subject_prefix (spiffe://<trust-domain>/<path>)",
        ),
        Preset(
            name="okta",
            title="Okta custom authorization server",
            issuer_url=None,
            url_pattern=r"https://[A-Za-z0-9.-]+/oauth2/[A-Za-z0-9]+",
            url_hint="https://<domain>/oauth2/<authServerId> (the org authorization server, "
            "without /oauth2/<id>, does not publish its keys)",
            shared_url_pattern=None,
            tenant_claims=("cid",),
            tenant_subject_pattern=None,
            tenant_segment=None,
            recommended_audience=ANTHROPIC_AUDIENCE,
            any_audience=False,
            max_jwt_lifetime_seconds=None,
            # Access policies allow tokens up to 24 h.
            lifetime_allowance=86400,
            recommended_pins="exact Client ID as subject_prefix (no trailing *), audience",
        ),
    )
}

PRESET_NAMES: tuple[str, ...] = tuple(PRESETS)


@functools.lru_cache(maxsize=1024)
def detect_preset(issuer_url: str) -> Preset | None:
    """The provider whose distinctive issuer URL this is, for issuers without `preset`.

    Only URLs that belong to one provider count: a generic https URL could be a GitLab
    instance, a cluster or a SPIRE server, so those need an explicit preset. Cached: lint
    asks once per rule and check, with a dozen patterns each time.
    """
    for name, pattern in _DETECTION:
        if re.fullmatch(pattern, issuer_url):
            return PRESETS[name]
    for name in _DISTINCT_URLS:
        if re.fullmatch(PRESETS[name].url_pattern, issuer_url):
            return PRESETS[name]
    return None


_DETECTION = (
    ("github-actions", r"https://token\.actions\.githubusercontent\.com(/[A-Za-z0-9-]+)?"),
    ("gitlab", r"https://gitlab\.com"),
    ("terraform-cloud", r"https://app(\.eu)?\.terraform\.io"),
    ("kubernetes", r"https://kubernetes\.default\.svc(\.cluster\.local)?"),
)
_DISTINCT_URLS = (
    "buildkite",
    "google",
    "aws-sts",
    "eks",
    "entra-v2",
    "entra-v1",
    "gke-cluster",
    "aks-cluster",
    "okta",
)
