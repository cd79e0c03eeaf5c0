"""The solver's answers to lint's tenant and pull-request questions, for rules the class
search (fedctl.access.proof.questions) does not decide: tokens shaped as providers write them,
as z3 formulas.

A rule is only said to admit another tenant when both tenant claims (name and ID)
differ, so a rule pinned by the immutable ID alone is not flagged for a renamed owner.
"""

from __future__ import annotations

from typing import Any

import z3

from fedctl.access.proof.answers import Answer, Found
from fedctl.access.proof.formula import Token
from fedctl.access.proof.solve import find_token
from fedctl.access.proof.text import literal
from fedctl.access.proof.values import Json
from fedctl.core.resolved import ResolvedRule


def _text(token: Token, name: str) -> Any:
    term = token.claim((name,))
    return Json.is_jstr(term), Json.str_of(term)


def other_tenant(
    rule: ResolvedRule, tenant: tuple[str, str], path_claim: str | None = None
) -> Answer:
    """Two tokens of different tenants that the rule both admits, as {"first", "second"}.

    Asked as two questions on one token each: any token the rule admits, then one whose
    tenant name and ID both differ from the first one's. The caller asks only about rules
    whose subject and claims leave the tenant open, so the `sub` needs no shape here.
    `tenant`: the (name, ID) claims; `path_claim`: "<name>/<project>", if the provider has one.
    """
    name_claim, id_claim = tenant
    linked = path_claim is not None and path_claim in (rule.condition or "")

    def named(token: Token) -> Any:
        facts = [_text(token, claim)[0] for claim in (name_claim, id_claim)]
        if linked and path_claim is not None:
            # A repository or project path starts with its owner's name and "/".
            is_path, path = _text(token, path_claim)
            owner = _text(token, name_claim)[1]
            facts += [is_path, z3.PrefixOf(z3.Concat(owner, literal("/")), path)]
            facts.append(z3.Not(z3.Contains(owner, literal("/"))))
        return z3.And(*facts)

    first = find_token([rule], [], extra=named)
    if not isinstance(first, Found):
        return first
    own = {claim: str(first.claims.get(claim)) for claim in (name_claim, id_claim)}

    def elsewhere(token: Token) -> Any:
        differs = [_text(token, claim)[1] != literal(own[claim]) for claim in own]
        return z3.And(named(token), *differs)

    second = find_token([rule], [], extra=elsewhere)
    if not isinstance(second, Found):
        return second
    _check(all(second.claims.get(c) != own[c] for c in own), rule, second.claims)
    return Found({"first": first.claims, "second": second.claims})


def pull_request_run(rule: ResolvedRule) -> Answer:
    """A token of a GitHub `pull_request` run (forks' included) that the rule admits:
    `sub` `repo:OWNER/REPO:pull_request`, `event_name` pull_request, `ref`
    `refs/pull/N/merge` (GitHub's OIDC documentation)."""

    def pull_request(token: Token) -> Any:
        sub, event, ref = (_text(token, name) for name in ("sub", "event_name", "ref"))
        # OWNER/REPO as GitHub spells names (and IDs in the immutable form).
        name_chars = [z3.Range("a", "z"), z3.Range("A", "Z"), z3.Range("0", "9")]
        no_colon = z3.Plus(z3.Union(*name_chars, *map(z3.Re, "-_./@")))
        pull_request_sub = z3.Concat(z3.Re("repo:"), no_colon, z3.Re(":pull_request"))
        return z3.And(
            sub[0],
            z3.InRe(sub[1], pull_request_sub),
            event[0],
            event[1] == literal("pull_request"),
            ref[0],
            # One pull request stands for all: no rule pins a pull request's number, and
            # a regular expression over every number costs z3 seconds.
            ref[1] == literal("refs/pull/1/merge"),
            # A job with an environment has an environment subject, not :pull_request.
            Json.is_jabsent(token.claim(("environment",))),
        )

    return find_token([rule], [], extra=pull_request)


def _check(ok: bool, rule: ResolvedRule, found: object) -> None:
    if not ok:
        from fedctl.access.proof.solve import UncheckedWitness

        raise UncheckedWitness(
            f"fedctl's solver produced tokens {found!r} for rule {rule.name} that its own "
            "evaluator does not confirm; this is a bug in fedctl: please report it"
        )
