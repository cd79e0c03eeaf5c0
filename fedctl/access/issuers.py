"""Access effects of issuer and service-account changes, which reach every rule using them.

An issuer decides which signed tokens exist at all for its rules (URL, keys, replay and
age checks); a service account decides what a minted token may do (organization role,
workspace memberships). A change to either changes the power of every rule that uses it,
so it is classified here, at the issuer or service-account level.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fedctl.access.model import AccessChange, Effect, Finding, combine_effects
from fedctl.core.jwk import key_label, thumbprint
from fedctl.core.pairing import live_counterpart
from fedctl.core.state import DesiredState, IssuerSpec, Kind, LiveState, ServiceAccountSpec

# Workspace roles from least to most powerful (docs/admin-api.md §5.8).
_ROLE_RANK = {
    "workspace_user": 0,
    "workspace_restricted_developer": 1,
    "workspace_developer": 2,
    "workspace_admin": 3,
}


def compare_issuers(
    desired: DesiredState, live: LiveState, *, archived: set[str]
) -> list[AccessChange]:
    changes: list[AccessChange] = []
    for name, spec in sorted(desired.issuers.items()):
        live_issuer = live_counterpart(desired, Kind.ISSUER, name, live.issuers)
        if live_issuer is None:
            continue  # a new issuer grants nothing until a rule uses it; rules are reported
        findings = issuer_findings(live_issuer.spec, spec)
        if findings:
            changes.append(
                _change(Kind.ISSUER, name, findings, _rules_of_issuer(desired, live, name))
            )
    for name in sorted(archived):
        finding = Finding(
            dimension="issuer",
            effect=Effect.NARROWING,
            reason="issuer archived: every rule under it stops matching",
        )
        changes.append(_change(Kind.ISSUER, name, [finding], _rules_of_issuer(desired, live, name)))
    return changes


def issuer_findings(old: IssuerSpec, new: IssuerSpec) -> list[Finding]:
    findings: list[Finding] = []
    if old.issuer_url != new.issuer_url:
        findings.append(
            Finding(
                dimension="issuer_url",
                effect=Effect.MIXED,
                reason=(
                    f"issuer_url changed from {old.issuer_url} to {new.issuer_url}: every rule "
                    "under it matches tokens of a different issuer"
                ),
            )
        )
    if old.jwks != new.jwks:
        findings.append(_jwks_finding(old.jwks, new.jwks))
    if old.check_jti and not new.check_jti:
        findings.append(
            Finding(
                dimension="check_jti",
                effect=Effect.BROADENING,
                reason="check_jti disabled: an assertion can be exchanged more than once (replay)",
            )
        )
    elif new.check_jti and not old.check_jti:
        findings.append(
            Finding(
                dimension="check_jti",
                effect=Effect.NARROWING,
                reason="check_jti enabled: each assertion can be exchanged once",
            )
        )
    was, now = old.max_jwt_lifetime_seconds, new.max_jwt_lifetime_seconds
    if now != was:
        raised = now > was
        findings.append(
            Finding(
                dimension="max_jwt_lifetime_seconds",
                effect=Effect.BROADENING if raised else Effect.NARROWING,
                reason=(
                    f"max_jwt_lifetime_seconds {'raised' if raised else 'lowered'} from {was} "
                    f"to {now}: {'longer' if raised else 'only shorter'}-lived assertions "
                    "are accepted"
                ),
            )
        )
    return findings


def _jwks_finding(old: dict[str, Any], new: dict[str, Any]) -> Finding:
    if old.get("type") == new.get("type") == "inline":
        old_keys, new_keys = _keys_by_kid(old), _keys_by_kid(new)
        added = sorted(new_keys[kid] for kid in new_keys if old_keys.get(kid) != new_keys[kid])
        removed = sorted(old_keys[kid] for kid in old_keys if new_keys.get(kid) != old_keys[kid])
        parts = [f"adds key {', '.join(added)}"] if added else []
        parts += [f"removes key {', '.join(removed)}"] if removed else []
        if added and removed:
            effect = Effect.MIXED
        else:
            effect = Effect.BROADENING if added else Effect.NARROWING
        # Keys are named by kid and thumbprint only: key material never appears in output.
        return Finding(
            dimension="jwks",
            effect=effect,
            reason=f"jwks: {'; '.join(parts)}: tokens signed by different keys are accepted"
            if added
            else f"jwks: {'; '.join(parts)}",
        )
    return Finding(
        dimension="jwks",
        effect=Effect.MIXED,
        reason=(
            f"jwks changed from {_jwks_label(old)} to {_jwks_label(new)}: "
            "tokens signed by different keys are accepted"
        ),
    )


def _keys_by_kid(jwks: dict[str, Any]) -> dict[str, str]:
    """kid -> `kid (sha256 thumbprint)`: two keys under one kid differ by their label."""
    keys = jwks.get("keys") or []
    return {
        str(key.get("kid", f"#{index}")): key_label(key) + _unprintable_difference(key)
        for index, key in enumerate(keys)
        if isinstance(key, dict)
    }


def _unprintable_difference(key: dict[str, Any]) -> str:
    # A key without a thumbprint (missing members) is still compared on all its members,
    # through a hash that shows nothing of them.
    if thumbprint(key) is not None:
        return ""
    digest = hashlib.sha256(repr(sorted(key.items())).encode()).hexdigest()[:12]
    return f" (members {digest})"


def _jwks_label(jwks: dict[str, Any]) -> str:
    kind = str(jwks.get("type"))
    if kind == "explicit_url":
        return f"explicit_url {jwks.get('url')}"
    if kind == "discovery" and jwks.get("discovery_base"):
        return f"discovery via {jwks.get('discovery_base')}"
    if kind == "inline":
        return f"inline ({len(_keys_by_kid(jwks))} keys)"
    return kind


def compare_service_accounts(
    desired: DesiredState, live: LiveState, *, archived: set[str]
) -> list[AccessChange]:
    changes: list[AccessChange] = []
    for name, spec in sorted(desired.service_accounts.items()):
        live_account = live_counterpart(desired, Kind.SERVICE_ACCOUNT, name, live.service_accounts)
        if live_account is None:
            continue  # a new service account can do nothing until a rule targets it
        findings = service_account_findings(live_account.spec, spec)
        if findings:
            changes.append(
                _change(
                    Kind.SERVICE_ACCOUNT, name, findings, _rules_of_account(desired, live, name)
                )
            )
    for name in sorted(archived):
        finding = Finding(
            dimension="service_account",
            effect=Effect.NARROWING,
            reason="service account archived: no rule can mint tokens as it",
        )
        changes.append(
            _change(Kind.SERVICE_ACCOUNT, name, [finding], _rules_of_account(desired, live, name))
        )
    return changes


def service_account_findings(old: ServiceAccountSpec, new: ServiceAccountSpec) -> list[Finding]:
    findings: list[Finding] = []
    if old.organization_role != new.organization_role:
        raised = new.organization_role == "admin"
        findings.append(
            Finding(
                dimension="organization_role",
                effect=Effect.BROADENING if raised else Effect.NARROWING,
                reason=(
                    f"organization_role changed from {old.organization_role} to "
                    f"{new.organization_role}: tokens minted as it can do "
                    f"{'more' if raised else 'less'}"
                ),
            )
        )
    for workspace_id in sorted(old.memberships.keys() | new.memberships.keys()):
        was, now = old.memberships.get(workspace_id), new.memberships.get(workspace_id)
        if was == now:
            continue
        if was is None:
            effect, reason = Effect.BROADENING, f"membership added in {workspace_id} as {now}"
        elif now is None:
            effect, reason = Effect.NARROWING, f"membership removed from {workspace_id} (was {was})"
        else:
            effect = Effect.BROADENING if _ROLE_RANK[now] > _ROLE_RANK[was] else Effect.NARROWING
            reason = f"membership in {workspace_id} changed from {was} to {now}"
        findings.append(
            Finding(dimension=f"memberships.{workspace_id}", effect=effect, reason=reason)
        )
    return findings


def _change(kind: Kind, name: str, findings: list[Finding], affected: list[str]) -> AccessChange:
    return AccessChange(
        kind=kind,
        name=name,
        effect=combine_effects(finding.effect for finding in findings),
        findings=tuple(findings),
        affected_rules=tuple(affected),
    )


def _rules_of_issuer(desired: DesiredState, live: LiveState, issuer_name: str) -> list[str]:
    names = {name for name, rule in desired.rules.items() if rule.issuer_name == issuer_name}
    names |= {name for name, rule in live.rules.items() if rule.spec.issuer_name == issuer_name}
    return sorted(names)


def _rules_of_account(desired: DesiredState, live: LiveState, account_name: str) -> list[str]:
    names = {
        name for name, rule in desired.rules.items() if rule.service_account_name == account_name
    }
    names |= {
        name for name, rule in live.rules.items() if rule.spec.service_account_name == account_name
    }
    return sorted(names)
