"""DesiredState + LiveState -> resource-level changes and draft API steps.

Resources are matched by (kind, name), or through `previous_names` (`fedctl.plan.match`).
An update lists its changed fields with deepdiff on normalised dicts; everything else
(what can change in place, what needs a replacement) follows docs/admin-api.md §5.11:
- a service account's name is immutable, so a renamed one is replaced: create the new
  one, move its rules (retarget), then archive the old one;
- a rule's issuer is immutable, so a rule moved to another issuer is replaced: rename the
  old rule out of the way (archived names may stay reserved), create the new one, then
  archive the old one.
Service accounts are diffed in `fedctl.plan.accounts`, issuers in `fedctl.plan.issuers`,
rules in `fedctl.plan.rules`. Knows nothing of HTTP; `fedctl.plan.checks` predicts the
refusals on the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fedctl.core.state import Kind
from fedctl.plan.context import DiffContext
from fedctl.plan.match import match_kind

# Fields whose nested keys are worth naming in `changed_fields` (match.audience, jwks.url,
# memberships.<workspace id>); deeper paths and list items collapse to these.
MAX_PATH_DEPTH = 2


def top_level(paths: Iterable[str]) -> set[str]:
    """The fields that dotted change paths (`match.claims.tid`) fall under."""
    return {path.split(".", 1)[0] for path in paths}


def changed_paths(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, ...]:
    """Dotted paths of what differs, cut at MAX_PATH_DEPTH and at list items."""
    if same_value(before, after):
        # Most resources of a plan are unchanged; DeepDiff costs ~1 ms each even then.
        return ()
    # Imported here: a plan without changes (the common CI case) never pays its ~30 ms.
    from deepdiff import DeepDiff

    tree = DeepDiff(before, after, view="tree")
    paths: set[str] = set()
    for levels in tree.values():
        for level in levels:
            parts: list[str] = []
            for part in level.path(output_format="list"):
                if not isinstance(part, str) or len(parts) == MAX_PATH_DEPTH:
                    break
                parts.append(part)
            paths.add(".".join(parts))
    return tuple(sorted(paths))


def same_value(a: object, b: object) -> bool:
    """Equal and of the same types all the way down: where DeepDiff finds nothing.

    Plain `==` is not enough: it calls 1 == 1.0 == True and [] == (), which DeepDiff
    reports as type changes.
    """
    if type(a) is not type(b):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[key], b[key]) for key in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, set | frozenset) and isinstance(b, set | frozenset):
        # Members are hashable scalars here; equal sets of equal-typed members.
        return a == b and {type(x) for x in a} == {type(y) for y in b}
    return bool(a == b)


def match_all(ctx: DiffContext) -> None:
    desired, live = ctx.desired, ctx.live
    ctx.service_accounts = match_kind(
        Kind.SERVICE_ACCOUNT,
        list(desired.service_accounts),
        desired,
        live.service_accounts,
        live.archived_service_accounts,
        ctx.problems,
    )
    ctx.issuers = match_kind(
        Kind.ISSUER,
        list(desired.issuers),
        desired,
        live.issuers,
        live.archived_issuers,
        ctx.problems,
    )
    ctx.rules = match_kind(
        Kind.RULE, list(desired.rules), desired, live.rules, live.archived_rules, ctx.problems
    )
