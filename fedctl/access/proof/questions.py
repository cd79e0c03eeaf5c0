"""The questions lint asks about one rule, each answered by the class search where it
decides (fedctl.access.proof.exhaustion) and by the solver (fedctl.access.proof.solver_questions)
otherwise, so linting the usual conditions loads no z3.

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

import re
from dataclasses import replace

from fedctl.access.proof.answers import NONE, Answer, Claims, Found
from fedctl.access.proof.concrete import admits
from fedctl.access.proof.exhaustion import (
    ABSENT,
    Classes,
    ask,
    classes_of,
    confirm,
    remembered_admits,
)
from fedctl.core.resolved import ResolvedRule

# provider -> (tenant name claim, tenant ID claim): a different tenant differs in both.
TENANT_CLAIMS: dict[str, tuple[str, str]] = {
    "github-actions": ("repository_owner", "repository_owner_id"),
    "gitlab": ("namespace_path", "namespace_id"),
    "buildkite": ("organization_slug", "organization_id"),
    "terraform-cloud": ("terraform_organization_name", "terraform_organization_id"),
}
# provider -> the claim holding "<tenant name>/<project>", which names the tenant too.
PATH_CLAIMS = {"github-actions": "repository", "gitlab": "project_path"}

# A GitHub `pull_request` run's token (GitHub's OIDC documentation): one pull request stands for
# all (no rule pins a pull request's number), and a job with an environment has an
# environment subject, not :pull_request.
PULL_REQUEST_RUN: Claims = {
    "event_name": "pull_request",
    "ref": "refs/pull/1/merge",
    "environment": ABSENT,
}
# OWNER/REPO as GitHub spells names (and IDs in the immutable form).
PULL_REQUEST_SUBJECT = re.compile(r"repo:[A-Za-z0-9\-_./@]+:pull_request")
_NAMES = ("acme/app", "x/y", "o/r", "a0/b0", "z/z")


def dead(rule: ResolvedRule) -> Answer:
    """NONE when no token can match the rule; else a token it admits."""
    return ask([rule], [])


def tautology(rule: ResolvedRule) -> Answer:
    """NONE when the condition excludes no token the rest of the match admits."""
    return ask([replace(rule, condition=None)], [rule])


def subsumed(rule: ResolvedRule, by: ResolvedRule) -> Answer:
    """NONE when every token `rule` admits is admitted by `by`; else one that is not."""
    return ask([rule], [by])


def pull_request_run(rule: ResolvedRule) -> Answer:
    """A token of a GitHub `pull_request` run (forks' included) that the rule admits:
    `sub` `repo:OWNER/REPO:pull_request`, `event_name` pull_request, `ref`
    `refs/pull/N/merge`."""
    classes = classes_of([rule], fixed=PULL_REQUEST_RUN)
    subjects = None if classes is None else _pull_request_subjects(classes)
    if classes is None or subjects is None:
        from fedctl.access.proof import solver_questions

        return solver_questions.pull_request_run(rule)
    classes.values["sub"] = subjects
    for token in classes.tokens():
        if remembered_admits(rule, token):
            confirm(token, lambda found: _pull_request_token(found) and admits(rule, found))
            return Found(token)
    return NONE


def _pull_request_token(token: Claims) -> bool:
    fixed = PULL_REQUEST_RUN.items()
    shape = all(token.get(name) == value for name, value in fixed if value is not ABSENT)
    subject = token.get("sub")
    run = isinstance(subject, str) and PULL_REQUEST_SUBJECT.fullmatch(subject) is not None
    return shape and run and "environment" not in token


def _pull_request_subjects(classes: Classes) -> list[object] | None:
    """Per class of `sub`, one pull-request subject in it (none when the class holds no
    such subject); None when that cannot be told (the solver then answers)."""
    subjects: list[object] = []
    for value in classes.values["sub"]:
        if not isinstance(value, str):
            continue
        candidates, complete = _completions(classes.anchor("sub", value))
        if not classes.infinite("sub", value):
            candidates, complete = [value], True
        same = [c for c in candidates if classes.same_class("sub", c, value)]
        fitting = [c for c in same if PULL_REQUEST_SUBJECT.fullmatch(c)]
        if not fitting and not complete:
            return None
        subjects += fitting[:1]
    return subjects


def _completions(anchor: str) -> tuple[list[str], bool]:
    """Pull-request subjects that start with `anchor`, and whether they are all of them."""
    if "repo:".startswith(anchor):
        return [f"repo:{name}:pull_request" for name in _NAMES], False
    if not anchor.startswith("repo:"):
        return [], True
    owner_repo, colon, _tail = anchor.removeprefix("repo:").partition(":")
    if colon:  # the name is closed: one subject at most
        candidate = f"repo:{owner_repo}:pull_request"
        return ([candidate] if candidate.startswith(anchor) else []), True
    return [f"{anchor}{name}:pull_request" for name in ("", *_NAMES)], False


def other_tenant(rule: ResolvedRule, provider: str) -> Answer:
    """Two tokens of different tenants that the rule both admits, as {"first", "second"}.
    The caller asks only about rules whose subject and claims leave the tenant open."""
    tenant = TENANT_CLAIMS[provider]
    classes = classes_of([rule])
    # A rule reading the repository or project path ties it to the owner's name: the
    # solver models that link.
    if classes is None or PATH_CLAIMS.get(provider) in classes.values:
        from fedctl.access.proof import solver_questions

        return solver_questions.other_tenant(rule, tenant, PATH_CLAIMS.get(provider))
    for claim in tenant:
        values = classes.values.setdefault(claim, ["tenant-1"])
        classes.values[claim] = [value for value in values if isinstance(value, str)]
    tokens: dict[tuple[object, ...], Claims] = {}  # the first admitted per tenant classes
    for token in classes.tokens():
        if remembered_admits(rule, token):
            tokens.setdefault(tuple(token[claim] for claim in tenant), token)
    for first in tokens.values():
        for second in tokens.values():
            other = _other_tenant(classes, tenant, first, second)
            if other is not None:
                for token in (first, other):
                    confirm(token, lambda found: admits(rule, found))
                return Found({"first": first, "second": other})
    return NONE


def _other_tenant(
    classes: Classes, tenant: tuple[str, str], first: Claims, second: Claims
) -> Claims | None:
    """`second`, its tenant claims made to differ from `first`'s within their classes."""
    other = dict(second)
    for claim in tenant:
        if first[claim] == second[claim]:
            if not classes.infinite(claim, second[claim]):
                return None
            other[claim] = f"{second[claim]}-2"  # the class of an unmentioned value
    return other
