"""The vocabulary of the access diff: effects, findings and per-resource access changes.

`fedctl.access.diff` fills these from a DesiredState and a LiveState; a rule's two sides
are resolved rules (`fedctl.core.resolved`), workspaces kept as IDs; the renderers in
`fedctl.render.access` turn them into the section that heads every plan output and its
JSON.

Usage:
    finding = Finding(dimension="token_lifetime_seconds", effect=Effect.BROADENING,
                      reason="token_lifetime_seconds raised from 600 to 3600: ...")
    change = AccessChange(kind=Kind.RULE, name="deploy", effect=combine_effects([finding.effect]))
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from fedctl.core.address import Address
from fedctl.core.resolved import LabelStyle, ResolvedRule, workspace_label
from fedctl.core.state import Kind


class Effect(StrEnum):
    """What a change does to the set of (token, service account, scope, workspace) grants.

    NOTE: MIXED and POSSIBLY_BROADENING both count as broadening for `--fail-on
    broadening`: a mixed change admits *some* token the old configuration did not, and a
    possibly-broadening one is a change fedctl could not prove harmless.
    """

    NEUTRAL = "neutral"
    NARROWING = "narrowing"
    BROADENING = "broadening"
    POSSIBLY_BROADENING = "possibly broadening"
    MIXED = "mixed"

    @property
    def broadens(self) -> bool:
        """True when the change may admit a grant the old configuration did not."""
        return self in {Effect.BROADENING, Effect.POSSIBLY_BROADENING, Effect.MIXED}

    @property
    def symbol(self) -> str:
        return {
            "neutral": "=",
            "narrowing": "-",
            "broadening": "+",
            "possibly broadening": "?",
            "mixed": "±",
        }[self.value]


def combine_effects(effects: Iterable[Effect]) -> Effect:
    """One effect for several independent (ANDed) dimensions of the same grant set.

    Neutral parts drop out; narrowing alone narrows; any widening part together with a
    narrowing part is MIXED (neither set contains the other); a proven widening wins over
    a possible one.
    """
    present = set(effects) - {Effect.NEUTRAL}
    if not present:
        return Effect.NEUTRAL
    if present == {Effect.NARROWING}:
        return Effect.NARROWING
    if Effect.MIXED in present or Effect.NARROWING in present:
        return Effect.MIXED
    if Effect.BROADENING in present:
        return Effect.BROADENING
    return Effect.POSSIBLY_BROADENING


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Finding(_Frozen):
    """One dimension of one resource that changed, with its effect and a one-line reason."""

    dimension: str
    effect: Effect
    reason: str


def rule_workspace_labels(rule: ResolvedRule) -> tuple[str, ...]:
    """The rule's workspaces as the access diff shows them (`wrkspc_… (name)`), sorted."""
    names = rule.workspace_names_by_id
    return tuple(
        sorted(
            workspace_label(wid, names, style=LabelStyle.ID_THEN_NAME) for wid in rule.workspace_ids
        )
    )


def rule_grants(rule: ResolvedRule) -> tuple[object, ...]:
    """What one side of a rule gives: which tokens can mint what, as whom, where, for how
    long (two sides equal here change no access)."""
    return (
        rule.issuer_name,
        rule.issuer_url,
        rule.match_key,
        rule.service_account_name,
        rule.oauth_scope,
        frozenset(rule.workspace_ids),
        rule.applies_to_all_workspaces,
        rule.token_lifetime_seconds,
    )


def rule_summary(rule: ResolvedRule) -> str:
    """'who' -> 'what, where, how long' in one line."""
    who = [f"tokens of {rule.issuer_name}"]
    who.append(f"sub {rule.subject_prefix}" if rule.subject_prefix else "any sub")
    if rule.audience:
        who.append(f"aud {rule.audience}")
    for claim, value in rule.claims:
        who.append(f"{claim}={value}")
    if rule.condition:
        who.append(f"if {rule.condition}")
    where = (
        "every workspace"
        if rule.applies_to_all_workspaces
        else ", ".join(rule_workspace_labels(rule)) or "no workspace"
    )
    return (
        f"{'; '.join(who)} -> {rule.service_account_name}, {rule.oauth_scope}, "
        f"in {where}, {rule.token_lifetime_seconds}s"
    )


class AccessChange(_Frozen):
    """The access effect of one resource's change; `before`/`after` are set for rules."""

    kind: Kind
    name: str
    effect: Effect
    findings: tuple[Finding, ...] = ()
    before: ResolvedRule | None = None
    after: ResolvedRule | None = None
    # Rules whose grants this issuer or service account change affects.
    affected_rules: tuple[str, ...] = ()
    # Tokens one side admits and the other does not, each checked by the evaluator
    # (`fedctl.access.proof.grants.Witness.to_json()` form), and why a verdict is only possible.
    witnesses: tuple[dict[str, Any], ...] = ()
    undecided: tuple[str, ...] = ()

    @property
    def address(self) -> Address:
        return Address(self.kind, self.name)

    @property
    def reason(self) -> str:
        if not self.findings:
            return "no change to who can mint what"
        return "; ".join(finding.reason for finding in self.findings)


class AccessDiff(_Frozen):
    """Every access-relevant change of a plan, broadening first, then by resource."""

    changes: tuple[AccessChange, ...] = ()

    @property
    def effect(self) -> Effect:
        return combine_effects(change.effect for change in self.changes)

    @property
    def broadens(self) -> bool:
        return any(change.effect.broadens for change in self.changes)

    @property
    def proven_broadening(self) -> bool:
        """A broadening shown by a token (or by a grant that did not exist), not a guess."""
        proven = {Effect.BROADENING, Effect.MIXED}
        return any(change.effect in proven and not change.undecided for change in self.changes)

    @property
    def undecided(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r for change in self.changes for r in change.undecided))

    def counts(self) -> dict[Effect, int]:
        tally = dict.fromkeys(Effect, 0)
        for change in self.changes:
            tally[change.effect] += 1
        return tally
