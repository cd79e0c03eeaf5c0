"""What fedctl cannot represent exactly in a live resource, and so must never change.

The API may hold what the contract does not describe (a real organization predates it, or
the API grew). Parsing tolerates unknown keys, but acting on a misreading would be worse
than doing nothing: sending back a rule's `match` without a matcher fedctl dropped would
widen it. So `live` marks such a resource with one reason, and the planner shows it and
leaves it alone (`fedctl.plan.hold`). Each reason ends with what a user can do.

    reason = rule_reason(wire_rule)   # None when fedctl understands every part of it
"""

from __future__ import annotations

from collections.abc import Iterable

from fedctl.api import wire

KNOWN_SCOPES = frozenset(
    {"workspace:developer", "workspace:inference", "workspace:manage_tunnels", "org:admin"}
)
KNOWN_ORGANIZATION_ROLES = frozenset({"admin", "developer"})
# The response enum of §3.8; workspace_billing is listed there but never assigned.
KNOWN_WORKSPACE_ROLES = frozenset(
    {
        "workspace_admin",
        "workspace_developer",
        "workspace_restricted_developer",
        "workspace_user",
        "workspace_billing",
    }
)
IN_THE_CONSOLE = "change it in the Console, or upgrade fedctl if a newer one knows it"


def service_account_reason(
    account: wire.ServiceAccount, member_rows: Iterable[wire.ServiceAccountWorkspaceMember]
) -> str | None:
    if account.organization_role not in KNOWN_ORGANIZATION_ROLES:
        return _reason(f"organization_role {account.organization_role!r} is unknown to fedctl")
    for row in member_rows:
        if row.workspace_role not in KNOWN_WORKSPACE_ROLES:
            return _reason(
                f"its membership in {row.workspace_id} has workspace_role "
                f"{row.workspace_role!r}, unknown to fedctl"
            )
    return None


def issuer_reason(issuer: wire.FederationIssuer) -> str | None:
    if isinstance(issuer.jwks, wire.JwksUnknown):
        return _reason(f"jwks.type {issuer.jwks.type!r} is unknown to fedctl")
    return None


def ca_cert_reason(problem: str) -> str:
    """The issuer's CA text is not certificates only; `problem` quotes none of it."""
    return f"its jwks.ca_cert_pem {problem}; fedctl withholds the value: fix it in the Console"


def rule_reason(rule: wire.FederationRule) -> str | None:
    unknown_matchers = sorted((rule.match.model_extra or {}).keys())
    if unknown_matchers:
        return _reason(f"match.{unknown_matchers[0]} is a matcher fedctl does not know")
    if rule.attributes is not None:
        return _reason("it has attributes, which fedctl does not manage yet")
    if rule.target.type != "service_account":
        return _reason(f"target.type {rule.target.type!r} is not service_account")
    unknown_scopes = [token for token in rule.oauth_scope.split() if token not in KNOWN_SCOPES]
    if unknown_scopes:
        return _reason(f"oauth_scope token {unknown_scopes[0]!r} is unknown to fedctl")
    legacy_only = rule.workspace_id and not rule.workspace_ids
    if legacy_only and not rule.applies_to_all_workspaces and rule.archived_at is None:
        return (
            "it is bound to its workspace only through the legacy workspace_id, which "
            "fedctl cannot manage (its membership is never checked at exchange); re-create "
            "it with explicit workspaces and archive this one, or leave it to the Console"
        )
    return None


def _reason(problem: str) -> str:
    return f"{problem}; {IN_THE_CONSOLE}"
