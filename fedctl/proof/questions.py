"""The questions lint asks the solver about one rule, with tokens shaped as providers write them.

- `other_tenant`: are tokens of two different tenants admitted? (FED011's question, which
  catches every string trick on a tenant claim at once);
- `pull_request_run`: is a token of a GitHub `pull_request` run admitted? (FED001);
- `tautology`, `dead`, `subsumed`: is the condition always true given the rest of the
  match, can no token match, are a rule's tokens all admitted by another? (FED034-FED036).

A rule is only said to admit another tenant when both tenant claims (name and ID)
differ, so a rule pinned by the immutable ID alone is not flagged for a renamed owner.

Usage:
    answer = other_tenant(rule, "github-actions")  # Found(claims={"first": ..., "second": ...})
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import z3

from fedctl.proof.answers import Answer, Found
from fedctl.proof.formula import Token
from fedctl.proof.solve import find_token
from fedctl.proof.text import literal
from fedctl.proof.values import Json
from fedctl.resolved import ResolvedRule

# provider -> (tenant name claim, tenant ID claim): a different tenant differs in both.
TENANT_CLAIMS: dict[str, tuple[str, str]] = {
    "github-actions": ("repository_owner", "repository_owner_id"),
    "gitlab": ("namespace_path", "namespace_id"),
    "buildkite": ("organization_slug", "organization_id"),
    "terraform-cloud": ("terraform_organization_name", "terraform_organization_id"),
}


def _text(token: Token, name: str) -> Any:
    term = token.claim((name,))
    return Json.is_jstr(term), Json.str_of(term)


def _segment(name: str, forbidden: str) -> tuple[Any, Any]:
    """A fresh non-empty string with none of `forbidden`'s characters."""
    value = z3.String(name)
    facts = [z3.Length(value) > 0, *(z3.Not(z3.Contains(value, ch)) for ch in forbidden)]
    return value, z3.And(*facts)


# provider -> the claim holding "<tenant name>/<project>", which names the tenant too.
_PATH_CLAIMS = {"github-actions": "repository", "gitlab": "project_path"}


def other_tenant(rule: ResolvedRule, provider: str) -> Answer:
    """Two tokens of different tenants that the rule both admits, as {"first", "second"}.

    Asked as two questions on one token each: any token the rule admits, then one whose
    tenant name and ID both differ from the first one's. The caller asks only about rules
    whose subject and claims leave the tenant open, so the `sub` needs no shape here.
    """
    name_claim, id_claim = TENANT_CLAIMS[provider]

    path_claim = _PATH_CLAIMS.get(provider)
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


def dead(rule: ResolvedRule) -> Answer:
    """NONE when no token can match the rule; else a token it admits."""
    return find_token([rule], [])


def tautology(rule: ResolvedRule) -> Answer:
    """NONE when the condition excludes no token the rest of the match admits."""
    rest = replace(rule, condition=None)
    return find_token([rest], [rule])


def subsumed(rule: ResolvedRule, by: ResolvedRule) -> Answer:
    """NONE when every token `rule` admits is admitted by `by`; else one that is not."""
    return find_token([rule], [by])


def _check(ok: bool, rule: ResolvedRule, found: object) -> None:
    if not ok:
        from fedctl.proof.solve import UncheckedWitness

        raise UncheckedWitness(
            f"fedctl's solver produced tokens {found!r} for rule {rule.name} that its own "
            "evaluator does not confirm; this is a bug in fedctl: please report it"
        )


Question = Callable[[ResolvedRule], Answer]
