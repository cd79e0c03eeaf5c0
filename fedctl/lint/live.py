"""Lint checks that need the live organization (`fedctl lint --live`).

Some dangers exist only in what the API holds: a legacy rule bound through `workspace_id`
alone (the exchange never checks its service account's membership, docs/admin-api.md §5.8),
or an issuer whose inline keys carry private key material (whoever can read the issuer
can sign tokens for it). They have no place in a file, so their findings name the live
resource and its ID instead of a `file:line`.
"""

from __future__ import annotations

from collections.abc import Iterator

from fedctl.core.jwk import leaked_keys
from fedctl.core.state import LiveState
from fedctl.lint.findings import CheckInfo, Finding, LintSeverity

LEGACY_BINDING = CheckInfo(
    id="FED032",
    name="live-legacy-workspace-binding",
    severity=LintSeverity.WARNING,
    summary="Live rule bound to its workspace only through the legacy workspace_id",
    explanation=(
        "Rules made before explicit workspace enablements carry a single workspace_id, and "
        "for them the token exchange does not check that the service account is a member "
        "of the workspace: the rule grants what memberships elsewhere would refuse. fedctl "
        "treats such a rule as unmanageable."
    ),
    fix="Re-create the rule with explicit workspaces (fedctl creates them so), then archive "
    "the legacy one.",
)

LIVE_PRIVATE_KEY = CheckInfo(
    id="FED033",
    name="live-issuer-private-key-material",
    severity=LintSeverity.ERROR,
    summary="Live issuer's inline keys carry private key material",
    explanation=(
        "An inline JWKS needs public keys only. A key with d, p, q, dp, dq, qi, oth or k "
        "members holds the private (or symmetric) key: anyone who can read the issuer, "
        "every org admin and every export, can sign identity tokens the issuer accepts."
    ),
    fix="Rotate the key pair at the identity provider, then replace the issuer's keys with "
    "the public halves only (fedctl never writes private members).",
)

LIVE_CHECKS = (LEGACY_BINDING, LIVE_PRIVATE_KEY)


def lint_live(live: LiveState) -> list[Finding]:
    return [*_legacy_bindings(live), *_private_keys(live)]


def _legacy_bindings(live: LiveState) -> Iterator[Finding]:
    for name, rule in sorted(live.rules.items()):
        legacy_only = not rule.spec.workspace_ids and not rule.spec.applies_to_all_workspaces
        if rule.legacy_workspace_id and legacy_only:
            message = (
                f"{rule.meta.id} is bound to {rule.legacy_workspace_id} only through the legacy "
                "workspace_id; the exchange never checks its service account's membership"
            )
            yield _finding(LEGACY_BINDING, f"rule/{name}", message)


def _private_keys(live: LiveState) -> Iterator[Finding]:
    for name, issuer in sorted(live.issuers.items()):
        # The live read already removed the members and marked the key (fedctl.core.jwk).
        for kid, members in leaked_keys(issuer.spec.jwks):
            message = (
                f"{issuer.meta.id}: inline key {kid!r} carries private members {', '.join(members)}"
            )
            yield _finding(LIVE_PRIVATE_KEY, f"issuer/{name}", message)


def _finding(info: CheckInfo, resource: str, message: str) -> Finding:
    return Finding(
        check=info, location=None, resource=resource, field_path="", message=message, fix=info.fix
    )
