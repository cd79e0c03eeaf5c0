"""Live resources no file declares: archived with prune (the default), else listed.

Console-managed resources are never listed here (they have their own list) and never
archived; resources named in `settings.protect` are listed but never archived; resources
matched by `settings.unmanaged` belong to another team: listed apart ("Not managed
here") and never touched, not even as an interrupted apply's leftover.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fedctl.core.address import Address
from fedctl.core.patterns import is_protected, is_unmanaged
from fedctl.core.state import Kind, LiveMeta
from fedctl.plan.accounts import draft_archive_service_account as _archive_service_account
from fedctl.plan.actions import Action, Operation
from fedctl.plan.context import DiffContext, PendingChange
from fedctl.plan.leftovers import interrupted_replacement_of, leftover_reason
from fedctl.plan.normalise import issuer_view, rule_view, service_account_view
from fedctl.plan.order import Draft, released
from fedctl.plan.rules import draft_archive_rule


def diff_unmanaged(ctx: DiffContext, console_ids: set[str]) -> list[Address]:
    """List unclaimed live resources; with prune, archive the unprotected ones.

    Those matched by settings.unmanaged go to `ctx.out.not_managed` instead, untouched.
    """
    unmanaged: list[Address] = []
    kept_references = _referenced_by_staying_rules(ctx, console_ids)
    pruned = 0
    groups: list[tuple[Kind, dict[str, Any]]] = [
        (Kind.SERVICE_ACCOUNT, dict(ctx.service_accounts.unclaimed)),
        (Kind.ISSUER, dict(ctx.issuers.unclaimed)),
        (Kind.RULE, dict(ctx.rules.unclaimed)),
    ]
    for kind, unclaimed in groups:
        for name, resource in sorted(unclaimed.items()):
            if resource.meta.id in console_ids:
                continue
            if is_unmanaged(kind, name, resource.meta.id, ctx.desired.unmanaged):
                ctx.out.not_managed.append(f"{kind.value}/{name} ({resource.meta.id})")
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
            unmanaged.append(Address(kind, name))
            if ctx.options.prune and not protected and resource.meta.id not in kept_references:
                _prune(ctx, kind, resource)
                pruned += 1
    if pruned and ctx.desired.prune_by_default:
        ctx.warnings.append(
            f"{pruned} live resource(s) no file declares will be archived: settings.prune is "
            "true by default, the files are the whole truth; declare what must stay, list "
            "another team's resources in settings.unmanaged, or set settings.prune: false"
        )
    return unmanaged


def _referenced_by_staying_rules(ctx: DiffContext, console_ids: set[str]) -> set[str]:
    """IDs of the issuers and service accounts that undeclared live rules which stay use.

    Prune leaves a Console-managed, unmanageable, protected or settings.unmanaged rule
    alone, so it leaves what that rule mints through alone too: the API refuses to
    archive an issuer or service account a live rule references, and archiving it would
    break the rule the configuration chose to keep.
    """
    kept: set[str] = set()
    for name, rule in ctx.rules.unclaimed.items():
        stays = (
            rule.meta.id in console_ids
            or is_unmanaged(Kind.RULE, name, rule.meta.id, ctx.desired.unmanaged)
            or is_protected(Kind.RULE, name, ctx.desired.protect)
        )
        if stays:
            kept.update((rule.issuer_id, rule.service_account_id))
    return kept


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
