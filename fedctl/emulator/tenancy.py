"""Tenant pinning on well-known shared issuers (docs/admin-api.md §5.6, §8 item 19).

A rule whose issuer is a multi-tenant platform must say whose tokens it accepts. The
platform list and the pinning claims are the emulator's own choice, recorded here and in
the package docstring; the real service publishes neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SharedPlatform:
    """One shared issuer: the claims that pin a tenant and the subject shapes that do."""

    label: str
    pinning_claims: frozenset[str]
    pinning_subject: re.Pattern[str]


# Subject patterns require the tenant segment to be closed by its delimiter before any
# `*`: `repo:acme*` would also match `repo:acme-labs/...`.
SHARED_PLATFORMS: dict[str, SharedPlatform] = {
    "https://token.actions.githubusercontent.com": SharedPlatform(
        "GitHub Actions",
        frozenset({"repository_owner", "repository_owner_id"}),
        re.compile(r"^repo:[^*/:]+/"),
    ),
    "https://gitlab.com": SharedPlatform(
        "GitLab",
        frozenset({"namespace_path", "namespace_id", "project_path", "project_id"}),
        re.compile(r"^project_path:[^*/:]+/"),
    ),
    "https://agent.buildkite.com": SharedPlatform(
        "Buildkite",
        frozenset({"organization_slug", "organization_id"}),
        re.compile(r"^organization:[^*:]+:"),
    ),
    "https://app.terraform.io": SharedPlatform(
        "Terraform Cloud",
        frozenset({"terraform_organization_name", "terraform_organization_id"}),
        re.compile(r"^organization:[^*:]+:"),
    ),
    "https://accounts.google.com": SharedPlatform(
        "Google",
        frozenset({"sub", "email"}),
        # Google's `sub` is the account's unique ID: only an exact subject pins it.
        re.compile(r"^[^*]+$"),
    ),
}


def shared_platform(issuer_url: str) -> SharedPlatform | None:
    return SHARED_PLATFORMS.get(issuer_url)


def pins_tenant(platform: SharedPlatform, match: dict[str, Any]) -> bool:
    """True when the match constrains the tenant through claims, subject or condition."""
    claims = match.get("claims") or {}
    if any(claims.get(name) for name in platform.pinning_claims):
        return True
    subject_prefix = match.get("subject_prefix")
    if subject_prefix and platform.pinning_subject.match(subject_prefix):
        return True
    condition = match.get("condition") or ""
    return any(_condition_mentions(condition, name) for name in platform.pinning_claims)


def _condition_mentions(condition: str, claim: str) -> bool:
    # Heuristic (no CEL data-flow analysis): the condition reads the claim by field
    # selection or by index, e.g. `claims.repository_owner` or `claims["repository_owner"]`.
    pattern = rf"claims\s*(\.\s*{re.escape(claim)}\b|\[\s*[\"']{re.escape(claim)}[\"']\s*\])"
    return re.search(pattern, condition) is not None


def tenant_message(platform: SharedPlatform) -> str:
    claims = ", ".join(sorted(platform.pinning_claims))
    return (
        f"match: rules on the shared {platform.label} issuer must pin the tenant: set one of "
        f"the claims {claims} in match.claims, a tenant-pinning subject_prefix, or a "
        "condition that references one of those claims"
    )
