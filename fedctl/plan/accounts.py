"""Service accounts and their memberships: create, update, replace (rename) and archive."""

from __future__ import annotations

from collections.abc import Iterable

from fedctl.core.address import Address
from fedctl.core.fields import SERVICE_ACCOUNT_FIELDS
from fedctl.core.state import (
    Kind,
    LiveServiceAccount,
    ServiceAccountSpec,
)
from fedctl.plan.actions import Action, Operation
from fedctl.plan.context import DiffContext, PendingChange
from fedctl.plan.diff import changed_paths, top_level
from fedctl.plan.match import archived_note
from fedctl.plan.normalise import (
    service_account_compare,
    service_account_create_payload,
    service_account_view,
)
from fedctl.plan.order import Draft, exists, member, released, released_workspace
from fedctl.plan.problems import Problem


def diff_service_accounts(ctx: DiffContext) -> None:
    for name, spec in sorted(ctx.desired.service_accounts.items()):
        pairing = ctx.service_accounts.pairings[name]
        if pairing.live is None:
            _create_or_refuse_service_account(ctx, spec, pairing.archived)
        elif pairing.renamed_from is not None:
            _replace_service_account(ctx, spec, pairing.live)
        else:
            _update_service_account(ctx, spec, pairing.live)


def _create_or_refuse_service_account(
    ctx: DiffContext, spec: ServiceAccountSpec, archived: LiveServiceAccount | None
) -> None:
    if archived is not None:
        ctx.problems.append(
            Problem(
                (Address(Kind.SERVICE_ACCOUNT, spec.name),),
                f"its only live copy {archived_note(archived.meta)}; a service account cannot "
                "be un-archived and its name cannot be reused "
                "or changed, so give it a new name in the configuration (e.g. "
                f"{ctx.free_name(Kind.SERVICE_ACCOUNT, spec.name)}) and point its rules at "
                "that name",
            )
        )
        return
    key = (Kind.SERVICE_ACCOUNT, spec.name)
    ctx.add_change(
        PendingChange(
            Kind.SERVICE_ACCOUNT,
            spec.name,
            Action.CREATE,
            after=service_account_view(spec),
        )
    )
    _draft_create_service_account(ctx, spec, key)


def _draft_create_service_account(
    ctx: DiffContext, spec: ServiceAccountSpec, key: tuple[Kind, str]
) -> None:
    ctx.add_draft(
        Draft(
            Operation.CREATE_SERVICE_ACCOUNT,
            Kind.SERVICE_ACCOUNT,
            spec.name,
            payload=service_account_create_payload(spec),
            provides={exists(Kind.SERVICE_ACCOUNT, spec.name)},
            description=f"create service account {spec.name}",
        ),
        key,
    )
    for workspace_id, role in sorted(spec.memberships.items()):
        _draft_put_membership(ctx, spec.name, None, workspace_id, role, key)


def _draft_put_membership(
    ctx: DiffContext,
    name: str,
    live_id: str | None,
    workspace_id: str,
    role: str,
    key: tuple[Kind, str],
) -> None:
    ctx.add_draft(
        Draft(
            Operation.PUT_MEMBERSHIP,
            Kind.SERVICE_ACCOUNT,
            name,
            live_id=live_id,
            payload={"workspace_id": workspace_id, "workspace_role": role},
            provides={member(name, workspace_id)},
            needs={exists(Kind.SERVICE_ACCOUNT, name)},
            description=(
                f"make service account {name} {role} in {ctx.workspace_label(workspace_id)}"
            ),
        ),
        key,
    )


def _replace_service_account(
    ctx: DiffContext, spec: ServiceAccountSpec, old: LiveServiceAccount
) -> None:
    key = (Kind.SERVICE_ACCOUNT, spec.name)
    before = service_account_view(old.spec)
    after = service_account_view(spec)
    ctx.add_change(
        PendingChange(
            Kind.SERVICE_ACCOUNT,
            spec.name,
            Action.REPLACE,
            before=before,
            after=after,
            changed_fields=changed_paths(before, after),
            reason=(
                f"renamed from {old.spec.name}: a service account's name cannot change, so "
                f"service_account/{spec.name} is created, the rules move to it, and "
                f"service_account/{old.spec.name} is archived"
            ),
            live_id=old.meta.id,
            ids_retired=(old.meta.id,),
            in_place_alternative=(
                f"keep the name {old.spec.name} (drop the rename) to keep {old.meta.id}"
            ),
        )
    )
    ctx.touch(Kind.SERVICE_ACCOUNT, old.spec.name, old.meta)
    _draft_create_service_account(ctx, spec, key)
    draft_archive_service_account(
        ctx, old, key, extra_needs={exists(Kind.SERVICE_ACCOUNT, spec.name)}
    )


def draft_archive_service_account(
    ctx: DiffContext,
    old: LiveServiceAccount,
    key: tuple[Kind, str],
    extra_needs: Iterable[tuple[str, ...]] = (),
) -> None:
    ctx.archived_ids.add(old.meta.id)
    needs = {
        released(rule.meta.id, old.meta.id) for rule in ctx.live_rules_referencing(old.meta.id)
    }
    ctx.add_draft(
        Draft(
            Operation.ARCHIVE_SERVICE_ACCOUNT,
            Kind.SERVICE_ACCOUNT,
            old.spec.name,
            live_id=old.meta.id,
            needs=needs | set(extra_needs),
            description=f"archive service account {old.spec.name} ({old.meta.id})",
        ),
        key,
    )


def _update_service_account(
    ctx: DiffContext, spec: ServiceAccountSpec, current: LiveServiceAccount
) -> None:
    if spec == current.spec:
        return  # the common case; strictly typed specs that are equal compare equal
    before = service_account_compare(current.spec)
    after = service_account_compare(spec)
    fields = changed_paths(before, after)
    if not fields:
        return
    key = (Kind.SERVICE_ACCOUNT, spec.name)
    ctx.add_change(
        PendingChange(
            Kind.SERVICE_ACCOUNT,
            spec.name,
            Action.UPDATE,
            before=service_account_view(current.spec),
            after=service_account_view(spec),
            changed_fields=fields,
            live_id=current.meta.id,
        )
    )
    ctx.touch(Kind.SERVICE_ACCOUNT, spec.name, current.meta)
    payload = SERVICE_ACCOUNT_FIELDS.update_body(spec, top_level(fields))
    if payload:
        ctx.add_draft(
            Draft(
                Operation.UPDATE_SERVICE_ACCOUNT,
                Kind.SERVICE_ACCOUNT,
                spec.name,
                live_id=current.meta.id,
                payload=payload,
                description=f"update service account {spec.name} ({', '.join(sorted(payload))})",
            ),
            key,
        )
    _draft_membership_changes(ctx, spec, current, key)


def _draft_membership_changes(
    ctx: DiffContext,
    spec: ServiceAccountSpec,
    current: LiveServiceAccount,
    key: tuple[Kind, str],
) -> None:
    live_rows = current.spec.memberships
    for workspace_id, role in sorted(spec.memberships.items()):
        if live_rows.get(workspace_id) != role:
            _draft_put_membership(ctx, spec.name, current.meta.id, workspace_id, role, key)
    for workspace_id in sorted(set(live_rows) - set(spec.memberships)):
        needs = {
            released_workspace(rule.meta.id, current.meta.id, workspace_id)
            for rule in ctx.live.rules.values()
            if rule.service_account_id == current.meta.id
            and workspace_id in rule.spec.workspace_ids
        }
        ctx.add_draft(
            Draft(
                Operation.REMOVE_MEMBERSHIP,
                Kind.SERVICE_ACCOUNT,
                spec.name,
                live_id=current.meta.id,
                payload={"workspace_id": workspace_id},
                needs=needs,
                description=(
                    f"remove service account {spec.name} from {ctx.workspace_label(workspace_id)}"
                ),
            ),
            key,
        )
