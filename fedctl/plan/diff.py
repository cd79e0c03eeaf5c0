"""DesiredState + LiveState -> resource-level changes and draft API steps.

Resources are matched by (kind, name), or through `previous_names` (`fedctl.plan.match`).
An update lists its changed fields with deepdiff on normalised dicts; everything else
(what can change in place, what needs a replacement) follows admin-api.md §5.11:
- a service account's name is immutable, so a renamed one is replaced: create the new
  one, move its rules (retarget), then archive the old one;
- a rule's issuer is immutable, so a rule moved to another issuer is replaced: rename the
  old rule out of the way (archived names may stay reserved), create the new one, then
  archive the old one.
Knows nothing of HTTP; `fedctl.plan.checks` predicts the refusals on the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fedctl.fields import ISSUER_FIELDS, SERVICE_ACCOUNT_FIELDS
from fedctl.plan.actions import Action, Operation
from fedctl.plan.match import KindMatching, archived_note, describe_archived, match_kind
from fedctl.plan.normalise import (
    ISSUER_AS_SENT,
    check_no_private_keys,
    issuer_compare,
    issuer_create_payload,
    issuer_view,
    service_account_compare,
    service_account_create_payload,
    service_account_view,
)
from fedctl.plan.order import Draft, Fact, done, exists, member, released, released_workspace
from fedctl.plan.problems import Problem
from fedctl.presets import PRESETS
from fedctl.state import (
    DesiredState,
    IssuerSpec,
    Kind,
    LiveIssuer,
    LiveMeta,
    LiveRule,
    LiveServiceAccount,
    LiveState,
    ServiceAccountSpec,
)

# Fields whose nested keys are worth naming in `changed_fields` (match.audience, jwks.url,
# memberships.<workspace id>); deeper paths and list items collapse to these.
MAX_PATH_DEPTH = 2


@dataclass
class PendingChange:
    """A Change before its steps have ids."""

    kind: Kind
    name: str
    action: Action
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    changed_fields: tuple[str, ...] = ()
    reason: str = ""
    live_id: str | None = None
    ids_retired: tuple[str, ...] = ()
    in_place_alternative: str = ""


@dataclass
class DiffOptions:
    prune: bool = False
    recreate_archived: bool = False


@dataclass
class DiffContext:
    """Everything one planning run accumulates; filled kind by kind."""

    desired: DesiredState
    live: LiveState
    options: DiffOptions
    service_accounts: KindMatching[LiveServiceAccount] = field(default_factory=KindMatching)
    issuers: KindMatching[LiveIssuer] = field(default_factory=KindMatching)
    rules: KindMatching[LiveRule] = field(default_factory=KindMatching)
    changes: dict[tuple[Kind, str], PendingChange] = field(default_factory=dict)
    drafts: list[Draft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # "kind/name" (live name) -> meta of every live resource a step touches.
    touched: dict[str, LiveMeta] = field(default_factory=dict)
    # Live rule ids this plan archives, and live rule id -> service account id it moves to
    # (None for a service account created in this run).
    archived_rule_ids: set[str] = field(default_factory=set)
    retargeted_rule_ids: set[str] = field(default_factory=set)
    archived_ids: set[str] = field(default_factory=set)
    workspace_names: dict[str, str] = field(default_factory=dict)

    def workspace_label(self, workspace_id: str) -> str:
        """`production` for a step description; the ID when the workspace is unknown."""
        if not self.workspace_names:
            self.workspace_names.update({ws.id: ws.name for ws in self.live.workspaces})
        return self.workspace_names.get(workspace_id, workspace_id)

    def add_change(self, change: PendingChange) -> None:
        self.changes[(change.kind, change.name)] = change

    def add_draft(self, draft: Draft, change_key: tuple[Kind, str]) -> Draft:
        draft.change_key = change_key
        self.drafts.append(draft)
        return draft

    def touch(self, kind: Kind, name: str, meta: LiveMeta) -> None:
        self.touched[f"{kind.value}/{name}"] = meta

    def recreation_reason(
        self, kind: Kind, name: str, archived: LiveIssuer | LiveRule | None, consequence: str
    ) -> str | None:
        """The create's reason ("" when nothing was archived), or None when it is refused.

        Re-creating an archived issuer or rule needs --recreate-archived; without it a
        Problem is recorded, with it a warning naming `consequence`.
        """
        if archived is None:
            return ""
        described = describe_archived(kind, archived)
        if not self.options.recreate_archived:
            self.problems.append(
                Problem(
                    (f"{kind.value}/{name}",),
                    f"declared, but its only live copy {archived_note(archived.meta)}; pass "
                    "--recreate-archived to create it again (with a new ID), or remove it "
                    "from the configuration",
                )
            )
            return None
        self.warnings.append(f"{kind.value}/{name}: re-created although {described}; {consequence}")
        return f"re-created: {described}"

    def live_rules_referencing(self, live_id: str) -> list[LiveRule]:
        return [
            rule
            for rule in self.live.rules.values()
            if live_id in (rule.issuer_id, rule.service_account_id)
        ]


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


# --- service accounts ---------------------------------------------------------------


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
                (f"service_account/{spec.name}",),
                f"its only live copy {archived_note(archived.meta)}; a service account cannot "
                "be un-archived and its name cannot be reused "
                "or changed, so give it a new name in the configuration (and point its "
                "rules at that name)",
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


# --- issuers ------------------------------------------------------------------------


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
                    (f"issuer/{current.spec.name}",),
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
    tenant (admin-api.md §2.5.4, §5.6), so the rules' updates (which carry their new
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
