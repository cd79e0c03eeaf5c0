"""Live resources no file declares: listed as unmanaged, archived only with prune.

Console-managed resources are never listed here (they have their own list) and never
archived; resources named in `settings.protect` are listed but never archived.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fnmatch import fnmatchcase
from typing import Any

from fedctl.plan.accounts import draft_archive_service_account as _archive_service_account
from fedctl.plan.actions import Action, Operation
from fedctl.plan.context import DiffContext, PendingChange
from fedctl.plan.leftovers import interrupted_replacement_of, leftover_reason
from fedctl.plan.normalise import issuer_view, rule_view, service_account_view
from fedctl.plan.order import Draft, released
from fedctl.plan.rules import draft_archive_rule
from fedctl.state import Kind, LiveMeta


def is_protected(
    kind: Kind, name: str, protect: Iterable[str], *, resource_id: str | None = None
) -> bool:
    """`settings.protect` entries are `kind/name` or a bare name (any kind), globs allowed,
    or a live ID (`resource_id`)."""
    return matching_pattern(kind, (name,), resource_id, protect) is not None


# Live ID prefixes (admin-api.md §1.6): a protect entry of this shape names one resource.
ID_PREFIXES = {Kind.SERVICE_ACCOUNT: "svac_", Kind.ISSUER: "fdis_", Kind.RULE: "fdrl_"}


def matching_pattern(
    kind: Kind, names: Iterable[str], resource_id: str | None, protect: Iterable[str]
) -> str | None:
    """The first protect entry that names the resource by any of `names` or by its ID."""
    names = [name for name in names if name]
    for pattern in protect:
        if pattern.startswith(tuple(ID_PREFIXES.values())):
            if resource_id is not None and pattern == resource_id:
                return pattern
            continue
        for name in names:
            if fnmatchcase(f"{kind.value}/{name}" if "/" in pattern else name, pattern):
                return pattern
    return None


def diff_unmanaged(ctx: DiffContext, console_ids: set[str]) -> list[str]:
    """List unclaimed live resources; with prune, archive the unprotected ones."""
    unmanaged: list[str] = []
    groups: list[tuple[Kind, dict[str, Any]]] = [
        (Kind.SERVICE_ACCOUNT, dict(ctx.service_accounts.unclaimed)),
        (Kind.ISSUER, dict(ctx.issuers.unclaimed)),
        (Kind.RULE, dict(ctx.rules.unclaimed)),
    ]
    for kind, unclaimed in groups:
        for name, resource in sorted(unclaimed.items()):
            if resource.meta.id in console_ids:
                continue
            protected = is_protected(kind, name, ctx.desired.protect, resource_id=resource.meta.id)
            # An interrupted apply's leftover is archived even without prune: the
            # configuration itself asked for it to go (fedctl.plan.leftovers).
            replaced_by = interrupted_replacement_of(
                kind, name, resource.meta.id, ctx.desired, _active_names(ctx, kind)
            )
            if replaced_by is not None and not protected:
                _prune(ctx, kind, resource, reason=leftover_reason(kind, replaced_by))
                continue
            unmanaged.append(f"{kind.value}/{name}")
            if ctx.options.prune and not protected:
                _prune(ctx, kind, resource)
    return unmanaged


def _active_names(ctx: DiffContext, kind: Kind) -> set[str]:
    if kind is Kind.SERVICE_ACCOUNT:
        return set(ctx.live.service_accounts)
    if kind is Kind.ISSUER:
        return set(ctx.live.issuers)
    return set(ctx.live.rules)


def _prune(
    ctx: DiffContext, kind: Kind, resource: Any, reason: str = "not in the configuration (prune)"
) -> None:
    name: str = resource.spec.name
    meta: LiveMeta = resource.meta
    key = (kind, name)
    views: dict[Kind, Callable[[Any], dict[str, Any]]] = {
        Kind.SERVICE_ACCOUNT: service_account_view,
        Kind.ISSUER: issuer_view,
        Kind.RULE: rule_view,
    }
    # Issuer IDs are not configured in workloads; rule and service-account IDs are.
    retired = (meta.id,) if kind is not Kind.ISSUER else ()
    ctx.add_change(
        PendingChange(
            kind,
            name,
            Action.ARCHIVE,
            before=views[kind](resource.spec),
            reason=reason,
            live_id=meta.id,
            ids_retired=retired,
        )
    )
    ctx.touch(kind, name, meta)
    if kind is Kind.SERVICE_ACCOUNT:
        _archive_service_account(ctx, resource, key)
    elif kind is Kind.ISSUER:
        ctx.archived_ids.add(meta.id)
        needs = {released(rule.meta.id, meta.id) for rule in ctx.live_rules_referencing(meta.id)}
        ctx.add_draft(
            Draft(
                Operation.ARCHIVE_ISSUER,
                Kind.ISSUER,
                name,
                live_id=meta.id,
                needs=needs,
                description=f"archive issuer {name} ({meta.id})",
            ),
            key,
        )
    else:
        draft_archive_rule(ctx, resource, name, key)
