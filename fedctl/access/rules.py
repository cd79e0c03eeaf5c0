"""The findings of one rule change: the solver's verdict on its match, then per dimension.

Which tokens a rule admits (issuer, subject, audience, claims, condition) is decided per
grant by `fedctl.access.proof.grants`; what a minted token may do (service account, scope,
workspaces, lifetime) is compared here dimension by dimension and combined
(`combine_effects`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from fedctl.access.model import Effect, Finding, rule_workspace_labels
from fedctl.access.proof.grants import MatchVerdict
from fedctl.core.resolved import LabelStyle, ResolvedRule, workspace_label

# A scope token implies the scopes listed here (docs/admin-api.md §5.7: inference's endpoints
# are a subset of developer's). Unknown scopes are only equal to themselves.
_IMPLIED_SCOPES: dict[str, frozenset[str]] = {
    "workspace:developer": frozenset({"workspace:inference"}),
}


def compare_rule_access(
    before: ResolvedRule, after: ResolvedRule, match: MatchVerdict | None
) -> list[Finding]:
    """Every dimension that changed between two sides of the same rule, in a fixed order.

    `match` is the solver's verdict on what the rule's grants admit (None: the match did
    not change); what a token may do once minted is compared per dimension.
    """
    comparisons: list[Callable[[ResolvedRule, ResolvedRule], list[Finding]]] = [
        _service_account,
        _scope,
        _workspaces,
        _lifetime,
    ]
    found = [finding for compare in comparisons for finding in compare(before, after)]
    return ([match_finding(match, "match")] if match is not None else []) + found


_VERDICT_REASONS = {
    "rule": {
        "broadening": "new rule admits tokens no rule of its grants admitted before",
        "neutral": "new rule admits no token its grants' rules did not already admit",
        "narrowing": "new rule; the grants' rules admit fewer tokens than before",
        "mixed": "new rule; the grants' rules admit other tokens than before",
    },
    "archived": {
        "narrowing": "rule archived: tokens it admitted are no longer admitted for its grants",
        "neutral": "rule archived: other rules still admit every token it admitted",
        "broadening": "rule archived; the grants' rules admit tokens not admitted before",
        "mixed": "rule archived; the grants' rules admit other tokens than before",
    },
    "grant": {
        "broadening": "another rule of the same grants now admits tokens not admitted before",
        "narrowing": "the same grants' rules no longer admit some tokens",
        "neutral": "the same grants' rules admit exactly the tokens they did",
        "mixed": "the same grants' rules admit some tokens not admitted before, and no "
        "longer others",
    },
    "match": {
        "broadening": "match widened: admits tokens it did not",
        "narrowing": "match narrowed: no longer admits some tokens",
        "neutral": "match rewritten: admits exactly the tokens it did",
        "mixed": "match changed: admits some tokens it did not, and no longer others",
    },
}


def match_finding(verdict: MatchVerdict, dimension: str) -> Finding:
    """The finding for what a rule's grants admit, with its witnesses spelled out."""
    effect = Effect(verdict.effect_name)
    if verdict.by_other_rules:
        dimension = "grant"
    if effect is Effect.POSSIBLY_BROADENING:
        reason = (
            f"fedctl could not decide what the {dimension} admits: {'; '.join(verdict.undecided)}"
        )
    else:
        reason = _VERDICT_REASONS[dimension][effect.value]
    for witness in verdict.witnesses:
        verb = "admits" if witness.admitted_by == "after" else "no longer admits"
        reason += f"; e.g. {verb} {describe_token(witness.claims)}"
    return Finding(dimension=dimension, effect=effect, reason=reason)


def describe_token(claims: Mapping[str, object]) -> str:
    """`sub=..., event_name=workflow_dispatch`: the claims a reviewer compares (not iss/aud)."""
    shown = [(name, value) for name, value in claims.items() if name not in {"iss", "aud"}]
    shown.sort(key=lambda item: (item[0] != "sub", item[0]))
    parts = [f"{name}={_shown(value)}" for name, value in shown]
    return ", ".join(parts) or "any token of the issuer"


def _shown(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _service_account(old: ResolvedRule, new: ResolvedRule) -> list[Finding]:
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


def _scope(old: ResolvedRule, new: ResolvedRule) -> list[Finding]:
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


def _workspaces(old: ResolvedRule, new: ResolvedRule) -> list[Finding]:
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
        listed = ", ".join(rule_workspace_labels(new)) or "none"
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
    return _workspace_sets(old, new)


def _workspace_sets(old: ResolvedRule, new: ResolvedRule) -> list[Finding]:
    was, now = set(old.workspace_ids), set(new.workspace_ids)
    added = _labels(now - was, new)
    removed = _labels(was - now, old)
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


def _lifetime(old: ResolvedRule, new: ResolvedRule) -> list[Finding]:
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


def _labels(workspace_ids: set[str], rule: ResolvedRule) -> list[str]:
    names = rule.workspace_names_by_id
    return sorted(
        workspace_label(wid, names, style=LabelStyle.ID_THEN_NAME) for wid in workspace_ids
    )
