"""Issuers: create and update in place, shared issuers updated before the rules they serve."""

from __future__ import annotations

from typing import Any

from fedctl.core.address import Address
from fedctl.core.fields import ISSUER_FIELDS
from fedctl.core.presets import PRESETS
from fedctl.core.state import (
    IssuerSpec,
    Kind,
    LiveIssuer,
)
from fedctl.plan.actions import Action, Operation
from fedctl.plan.context import DiffContext, PendingChange
from fedctl.plan.diff import changed_paths, top_level
from fedctl.plan.normalise import (
    ISSUER_AS_SENT,
    check_no_private_keys,
    issuer_compare,
    issuer_create_payload,
    issuer_view,
)
from fedctl.plan.order import Draft, Fact, done, exists
from fedctl.plan.problems import Problem


def diff_issuers(ctx: DiffContext, console_issuer_ids: set[str]) -> None:
    for name, spec in sorted(ctx.desired.issuers.items()):
        pairing = ctx.issuers.pairings[name]
        if pairing.live is None:
            _create_issuer(ctx, spec, pairing.archived)
            continue
        current = pairing.live
        before = issuer_compare(current.spec)
        after = issuer_compare(spec)
        fields = changed_paths(before, after)
        if not fields:
            continue
        if current.meta.id in console_issuer_ids:
            ctx.problems.append(
                Problem(
                    (Address(Kind.ISSUER, current.spec.name),),
                    f"backs a Console-managed rule, so the API refuses to change it "
                    f"({', '.join(fields)}); change it in the Console or declare it as it is",
                )
            )
            continue
        _update_issuer(ctx, spec, current, fields, renamed_from=pairing.renamed_from)


def _create_issuer(ctx: DiffContext, spec: IssuerSpec, archived: LiveIssuer | None) -> None:
    reason = ctx.recreation_reason(
        Kind.ISSUER,
        spec.name,
        archived,
        "the API may keep the archived name reserved (409 on apply), in which case give it "
        "a new name",
    )
    if reason is None:
        return
    key = (Kind.ISSUER, spec.name)
    ctx.add_change(
        PendingChange(Kind.ISSUER, spec.name, Action.CREATE, after=issuer_view(spec), reason=reason)
    )
    ctx.add_draft(
        Draft(
            Operation.CREATE_ISSUER,
            Kind.ISSUER,
            spec.name,
            payload=issuer_create_payload(spec),
            provides={exists(Kind.ISSUER, spec.name)},
            description=f"create issuer {spec.name}",
        ),
        key,
    )


def _update_issuer(
    ctx: DiffContext,
    spec: IssuerSpec,
    current: LiveIssuer,
    fields: tuple[str, ...],
    *,
    renamed_from: str | None,
) -> None:
    key = (Kind.ISSUER, spec.name)
    ctx.add_change(
        PendingChange(
            Kind.ISSUER,
            spec.name,
            Action.UPDATE,
            before=issuer_view(current.spec),
            after=issuer_view(spec),
            changed_fields=fields,
            reason=f"renamed from {renamed_from}" if renamed_from else "",
            live_id=current.meta.id,
        )
    )
    ctx.touch(Kind.ISSUER, current.spec.name, current.meta)
    check_no_private_keys(spec)
    payload = ISSUER_FIELDS.update_body(spec, top_level(fields), ISSUER_AS_SENT)
    ctx.add_draft(
        Draft(
            Operation.UPDATE_ISSUER,
            Kind.ISSUER,
            current.spec.name,
            live_id=current.meta.id,
            payload=payload,
            provides={exists(Kind.ISSUER, spec.name)} if "name" in payload else set(),
            needs=_rules_pinned_first(ctx, current, payload),
            description=f"update issuer {current.spec.name} ({', '.join(sorted(payload))})",
        ),
        key,
    )


def _rules_pinned_first(
    ctx: DiffContext, current: LiveIssuer, payload: dict[str, Any]
) -> set[Fact]:
    """Rule updates that must run before an issuer moves onto a shared platform.

    The API refuses such a move while a live rule under the issuer does not pin the
    tenant (docs/admin-api.md §2.5.4, §5.6), so the rules' updates (which carry their new
    match) go first. Moving *off* a shared platform keeps the default order, issuer
    first, so that rules loosened in the same plan are no longer checked.
    """
    new_url = payload.get("issuer_url")
    if not isinstance(new_url, str) or not any(p.is_shared(new_url) for p in PRESETS.values()):
        return set()
    return {
        done("rule-main", rule.meta.id)
        for rule in ctx.live.rules.values()
        if rule.issuer_id == current.meta.id
    }
