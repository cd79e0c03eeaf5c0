"""Per-dimension comparison of a rule before and after: the findings of one rule change.

The grant set of a rule is the AND of its dimensions (issuer, subject, audience, claims,
condition) times what it grants (service account, scope, workspaces, lifetime), so each
dimension is compared on its own and the results combined (`combine_effects`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fedctl.access.conditions import compare_conditions
from fedctl.access.model import Effect, Finding, RuleAccess
from fedctl.access.subjects import compare_subjects

# A scope token implies the scopes listed here (admin-api.md §5.7: inference's endpoints
# are a subset of developer's). Unknown scopes are only equal to themselves.
_IMPLIED_SCOPES: dict[str, frozenset[str]] = {
    "workspace:developer": frozenset({"workspace:inference"}),
}


def compare_rule_access(before: RuleAccess, after: RuleAccess) -> list[Finding]:
    """Every dimension that changed between two sides of the same rule, in a fixed order."""
    comparisons: list[Callable[[RuleAccess, RuleAccess], list[Finding]]] = [
        _issuer,
        lambda old, new: _maybe(compare_subjects(old.subject_prefix, new.subject_prefix)),
        _audience,
        _claims,
        lambda old, new: _maybe(compare_conditions(old.condition, new.condition)),
        _service_account,
        _scope,
        _workspaces,
        _lifetime,
    ]
    return [finding for compare in comparisons for finding in compare(before, after)]


def _maybe(finding: Finding | None) -> list[Finding]:
    return [finding] if finding else []


def _issuer(old: RuleAccess, new: RuleAccess) -> list[Finding]:
    if old.issuer_name == new.issuer_name:
        return []
    return [
        Finding(
            dimension="issuer",
            effect=Effect.MIXED,
            reason=(
                f"issuer changed from {old.issuer_name} to {new.issuer_name}: "
                "tokens of a different identity provider match"
            ),
        )
    ]


def _audience(old: RuleAccess, new: RuleAccess) -> list[Finding]:
    if old.audience == new.audience:
        return []
    # NOTE: unset means "Anthropic's expected audience for the issuer", a value the docs
    # do not publish (admin-api.md §3.5), so no audience change can be shown to narrow:
    # every one swaps one set of tokens for another.
    shown_old = old.audience or "(issuer default)"
    shown_new = new.audience or "(issuer default)"
    return [
        Finding(
            dimension="audience",
            effect=Effect.MIXED,
            reason=(
                f"audience changed from {shown_old} to {shown_new}: "
                "tokens minted for a different audience match"
            ),
        )
    ]


def _claims(old: RuleAccess, new: RuleAccess) -> list[Finding]:
    old_claims, new_claims = old.claims or {}, new.claims or {}
    findings: list[Finding] = []
    for claim in sorted(old_claims.keys() | new_claims.keys()):
        was, now = old_claims.get(claim), new_claims.get(claim)
        if was == now:
            continue
        if was is None:
            effect, reason = Effect.NARROWING, f"claims.{claim} pinned to {now}"
        elif now is None:
            effect = Effect.BROADENING
            reason = f"claims.{claim} pin removed (was {was}): any {claim} matches"
        else:
            effect = Effect.MIXED
            reason = (
                f"claims.{claim} changed from {was} to {now}: "
                f"tokens with {claim}={now} match instead"
            )
        findings.append(Finding(dimension=f"claims.{claim}", effect=effect, reason=reason))
    return findings


def _service_account(old: RuleAccess, new: RuleAccess) -> list[Finding]:
    if old.service_account_name == new.service_account_name:
        return []
    # A retarget moves the power to a different identity: that identity gains it, which
    # is what a reviewer must approve, so it is reported as broadening.
    return [
        Finding(
            dimension="service_account",
            effect=Effect.BROADENING,
            reason=(
                f"target changed from {old.service_account_name} to "
                f"{new.service_account_name}: {new.service_account_name} gains the power "
                "to mint these tokens"
            ),
        )
    ]


def expand_scope(oauth_scope: str) -> frozenset[str]:
    """The scope tokens granted, with the ones they imply (developer implies inference)."""
    tokens = set(oauth_scope.split())
    for token in list(tokens):
        tokens |= _IMPLIED_SCOPES.get(token, frozenset())
    return frozenset(tokens)


def _scope(old: RuleAccess, new: RuleAccess) -> list[Finding]:
    was, now = expand_scope(old.oauth_scope), expand_scope(new.oauth_scope)
    if was == now:
        return []
    head = f"oauth_scope changed from {old.oauth_scope} to {new.oauth_scope}"
    if was < now:
        effect, reason = Effect.BROADENING, f"{head}: adds {' '.join(sorted(now - was))}"
    elif now < was:
        effect, reason = Effect.NARROWING, f"{head}: drops {' '.join(sorted(was - now))}"
    else:
        effect, reason = Effect.MIXED, f"{head}: grants different endpoints"
    return [Finding(dimension="oauth_scope", effect=effect, reason=reason)]


def _workspaces(old: RuleAccess, new: RuleAccess) -> list[Finding]:
    if old.applies_to_all_workspaces != new.applies_to_all_workspaces:
        if new.applies_to_all_workspaces:
            return [
                Finding(
                    dimension="workspaces",
                    effect=Effect.BROADENING,
                    reason=(
                        "applies_to_all_workspaces turned on: every workspace, "
                        "including ones created later"
                    ),
                )
            ]
        listed = ", ".join(new.workspaces) or "none"
        return [
            Finding(
                dimension="workspaces",
                effect=Effect.NARROWING,
                reason=f"applies_to_all_workspaces turned off: only {listed}",
            )
        ]
    if new.applies_to_all_workspaces:
        # workspace_ids is ignored at exchange while the rule applies everywhere (§3.4).
        return []
    return _workspace_sets(set(old.workspaces), set(new.workspaces))


def _workspace_sets(was: set[str], now: set[str]) -> list[Finding]:
    added, removed = sorted(now - was), sorted(was - now)
    if not added and not removed:
        return []
    parts = []
    if added:
        parts.append(f"adds {', '.join(added)}")
    if removed:
        parts.append(f"removes {', '.join(removed)}")
    effect = Effect.BROADENING if added else Effect.NARROWING
    if added and removed:
        effect = Effect.MIXED
    return [
        Finding(dimension="workspaces", effect=effect, reason=f"workspaces: {'; '.join(parts)}")
    ]


def _lifetime(old: RuleAccess, new: RuleAccess) -> list[Finding]:
    was, now = old.token_lifetime_seconds, new.token_lifetime_seconds
    if was == now:
        return []
    if now > was:
        effect, reason = Effect.BROADENING, "minted tokens live longer"
    else:
        effect, reason = Effect.NARROWING, "minted tokens expire sooner"
    verb = "raised" if now > was else "lowered"
    return [
        Finding(
            dimension="token_lifetime_seconds",
            effect=effect,
            reason=f"token_lifetime_seconds {verb} from {was} to {now}: {reason}",
        )
    ]


def workspace_label(workspace_id: str, names: Mapping[str, str]) -> str:
    """`wrkspc_… (prod)` when the name is known, else the ID."""
    name = names.get(workspace_id)
    return f"{workspace_id} ({name})" if name else workspace_id
