"""Per grant, the rules before and after a plan, compared by the tokens they admit.

A grant is (service account, scope, workspace): what a minted token can do. For every
grant a changed rule gives, the union of the rules giving it before is compared with the
union after: a token admitted after and not before proves broadening, one admitted before
and not after proves narrowing, neither proves an equivalent rewrite. Renames, splits
and merges are therefore judged by what they admit, not by their names.

Usage:
    verdict = compare_rule(before_rules, after_rules, old=live_side, new=declared_side)
    verdict.effect_name  # "narrowing"; verdict.witnesses[0].claims is the token that shows it
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fedctl.core.resolved import ResolvedRule

if TYPE_CHECKING:
    from fedctl.access.proof.answers import Answer, Claims

Grant = tuple[str, str, str]
ALL_WORKSPACES = "*"


@dataclass(frozen=True)
class Witness:
    admitted_by: str  # "after" or "before"
    claims: dict[str, object]

    def to_json(self) -> dict[str, object]:
        return {"admitted_by": self.admitted_by, "claims": self.claims}


@dataclass(frozen=True)
class MatchVerdict:
    """What the rules of a rule's grants admit after compared with before."""

    broadens: bool
    narrows: bool
    witnesses: tuple[Witness, ...] = ()
    undecided: tuple[str, ...] = ()
    # The witnesses show other rules' changes: this rule admits each one on both sides.
    by_other_rules: bool = False

    @property
    def effect_name(self) -> str:
        if self.undecided and not self.broadens:
            return "possibly broadening"
        if self.broadens and self.narrows:
            return "mixed"
        if self.broadens:
            return "broadening"
        return "narrowing" if self.narrows else "neutral"


def grants_of(rule: ResolvedRule) -> set[Grant]:
    if rule.applies_to_all_workspaces:
        places: tuple[str, ...] = (ALL_WORKSPACES,)
    else:
        places = rule.workspace_ids or ("",)
    return {(rule.service_account_name, rule.oauth_scope, place) for place in places}


def gives(rule: ResolvedRule, grant: Grant) -> bool:
    account, scope, place = grant
    if rule.service_account_name != account or rule.oauth_scope != scope:
        return False
    if rule.applies_to_all_workspaces:
        return place != ""
    return place in rule.workspace_ids or (place == "" and not rule.workspace_ids)


class GrantComparer:
    """Compares grants, each once, between two sets of rules (by rule name)."""

    def __init__(
        self, before: Mapping[str, ResolvedRule], after: Mapping[str, ResolvedRule]
    ) -> None:
        self.before, self.after = _by_account(before), _by_account(after)
        self._verdicts: dict[Grant, MatchVerdict] = {}

    def compare_rule(self, old: ResolvedRule | None, new: ResolvedRule | None) -> MatchVerdict:
        """The verdict over the grants the rule gives on both sides, else on either side.

        A grant only one side gives is the workspace, scope or service-account finding's
        to report; with none in common, what the rule admits is judged on all of them.
        """
        sides = [grants_of(side) for side in (old, new) if side is not None]
        grants = set.intersection(*sides) or set.union(*sides)
        merged = _merge([self.compare_grant(grant) for grant in sorted(grants)])
        if old is None or new is None or not merged.witnesses:
            return merged
        from dataclasses import replace

        from fedctl.access.proof.concrete import admits

        others = all(admits(old, w.claims) == admits(new, w.claims) for w in merged.witnesses)
        return replace(merged, by_other_rules=others)

    def compare_grant(self, grant: Grant) -> MatchVerdict:
        if grant not in self._verdicts:
            self._verdicts[grant] = self._decide(grant)
        return self._verdicts[grant]

    def _decide(self, grant: Grant) -> MatchVerdict:
        old = [rule for rule in self.before.get(grant[:2], ()) if gives(rule, grant)]
        new = [rule for rule in self.after.get(grant[:2], ()) if gives(rule, grant)]
        if sorted(map(_key, old)) == sorted(map(_key, new)):
            return MatchVerdict(broadens=False, narrows=False)  # the same matches: no solver
        from fedctl.access.proof.answers import Found, Undecided

        witnesses: list[Witness] = []
        undecided: list[str] = []
        found: dict[str, bool] = {}
        for label, admit, deny in (("after", new, old), ("before", old, new)):
            answer = _answer(admit, deny)
            found[label] = isinstance(answer, Found)
            if isinstance(answer, Found):
                witnesses.append(Witness(label, answer.claims))
            elif isinstance(answer, Undecided):
                undecided.append(_blame(answer.reason, [*admit, *deny]))
        return MatchVerdict(
            broadens=found["after"],
            narrows=found["before"],
            witnesses=tuple(witnesses),
            undecided=tuple(dict.fromkeys(undecided)),
        )


def _answer(admit: list[ResolvedRule], deny: list[ResolvedRule]) -> Answer:
    """find_token's answer, without z3 where the question answers itself: when no rule
    denies (a grant a plan creates or ends), the token a condition-free rule's own pins
    describe; else by exhaustion over classes of claim values (fedctl.access.proof.exhaustion),
    which decides the usual matches. Each checked by the concrete evaluator."""
    from fedctl.access.proof.answers import Found
    from fedctl.access.proof.exhaustion import ask

    for rule in admit if not deny else ():
        token = _own_token(rule)
        if token is not None:
            return Found(token)
    return ask(admit, deny)


def _own_token(rule: ResolvedRule) -> Claims | None:
    """The token a rule without a condition pins: its iss, sub, aud and claims."""
    from fedctl.access.explain.model import ASSUMED_DEFAULT_AUDIENCE
    from fedctl.access.proof.concrete import admits

    if rule.condition is not None or rule.issuer_url is None:
        return None
    token: Claims = {"iss": rule.issuer_url}
    if rule.subject_prefix is not None:
        token["sub"] = rule.subject_prefix.removesuffix("*")
    token["aud"] = rule.audience or ASSUMED_DEFAULT_AUDIENCE
    token.update(dict(rule.claims))
    return token if admits(rule, token) else None


def _by_account(rules: Mapping[str, ResolvedRule]) -> dict[tuple[str, str], list[ResolvedRule]]:
    """Rules by (service account, scope): a grant's rules are looked up, not scanned."""
    index: dict[tuple[str, str], list[ResolvedRule]] = {}
    for rule in rules.values():
        index.setdefault((rule.service_account_name, rule.oauth_scope), []).append(rule)
    return index


def _key(rule: ResolvedRule) -> tuple[object, ...]:
    return tuple(str(part) for part in rule.match_key)


def _blame(reason: str, rules: list[ResolvedRule]) -> str:
    """The reason with the rule that causes it, when a construct is to blame."""
    if reason.startswith("the solver"):
        return reason
    from fedctl.access.proof.formula import Token, admission
    from fedctl.access.proof.solve import Z3_LOCK
    from fedctl.access.proof.syntax import Unsupported

    with Z3_LOCK:
        for rule in rules:
            try:
                admission(rule, Token())
            except Unsupported:
                return f"{reason} in the condition of rule/{rule.name}"
    return reason


def _merge(verdicts: list[MatchVerdict]) -> MatchVerdict:
    witnesses: dict[str, Witness] = {}
    for verdict in verdicts:
        for witness in verdict.witnesses:
            witnesses.setdefault(witness.admitted_by, witness)
    return MatchVerdict(
        broadens=any(v.broadens for v in verdicts),
        narrows=any(v.narrows for v in verdicts),
        witnesses=tuple(witnesses[label] for label in ("after", "before") if label in witnesses),
        undecided=tuple(dict.fromkeys(r for v in verdicts for r in v.undecided)),
    )
