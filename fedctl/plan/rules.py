"""Federation rules: create, update in place, replace (issuer change) and archive drafts.

A rule's steps run in a fixed sequence so every intermediate state is one the API
accepts and no rule is ever enabled nowhere (docs/admin-api.md §2.6.4, §2.7.3, §5.8): turn
"all workspaces" on; disable the workspaces the rule leaves, when another stays enabled
throughout; the main update (rename, match, scope, retarget...); enable new workspaces;
only then disable the left workspaces when none stayed; turn "all workspaces" off last,
once an explicit workspace exists. Memberships are added before a rule is enabled where
they are needed, and removed only after the rules relying on them are disabled.

Every rule update also sends the whole `match` (the desired one; the live one for the
rename that frees a replaced rule's name). On a well-known shared issuer the API checks
tenant pinning again on *every* update, and a rule whose stored match does not pin the
tenant accepts an update only when it carries a conforming `match` (§2.6.4). Which
issuers count is the server's secret (§8 item 19), so fedctl always sends it: `match`
is replaced as a whole object, so resending the desired value is harmless.
"""

from __future__ import annotations

import re
from typing import Any

from fedctl.core.address import Address
from fedctl.core.state import Kind, LiveRule, RuleSpec
from fedctl.plan.actions import Action, Operation
from fedctl.plan.context import DiffContext, PendingChange
from fedctl.plan.diff import changed_paths
from fedctl.plan.match import archived_holder
from fedctl.plan.normalise import (
    match_payload,
    rule_compare,
    rule_create_payload,
    rule_view,
)
from fedctl.plan.order import (
    Draft,
    Fact,
    done,
    exists,
    member,
    name_free,
    released,
    released_workspace,
)
from fedctl.plan.problems import Problem
from fedctl.plan.rule_update import update_rule

MAX_NAME_LENGTH = 255


class _Unresolved(Exception):
    """A reference that names nothing; already recorded as a Problem."""


def diff_rules(ctx: DiffContext, console_rule_ids: set[str]) -> None:
    for name, spec in sorted(ctx.desired.rules.items()):
        try:
            issuer_id = _resolve_issuer(ctx, spec)
            service_account_id = _resolve_service_account(ctx, spec)
        except _Unresolved:
            continue
        if not spec.applies_to_all_workspaces and not spec.workspace_ids:
            ctx.problems.append(
                Problem(
                    (Address(Kind.RULE, name),),
                    "is enabled in no workspace; list its workspaces or set "
                    "applies_to_all_workspaces: true",
                )
            )
            continue
        pairing = ctx.rules.pairings[name]
        if pairing.live is None:
            if spec.console_managed:
                ctx.problems.append(_console_problem(name, "create it"))
                continue
            _create_rule(ctx, spec, pairing.archived)
            continue
        _diff_existing(ctx, spec, pairing.live, issuer_id, service_account_id, console_rule_ids)


def _console_problem(name: str, what: str) -> Problem:
    return Problem(
        (Address(Kind.RULE, name),),
        f"is Console-managed (its oauth_scope is not only workspace:inference / "
        f"workspace:developer), so the API refuses to {what}; do it in the Console, or "
        "declare the rule exactly as it is live",
    )


def _resolve_issuer(ctx: DiffContext, spec: RuleSpec) -> str | None:
    """The live issuer ID the rule will use, or None when the issuer is created now."""
    if spec.issuer_name in ctx.desired.issuers:
        return ctx.issuers.live_id_of(spec.issuer_name)
    if spec.issuer_name in ctx.live.issuers:
        return ctx.live.issuers[spec.issuer_name].meta.id
    ctx.problems.append(
        Problem(
            (Address(Kind.RULE, spec.name),),
            f"references issuer/{spec.issuer_name}, which is neither declared nor live",
        )
    )
    raise _Unresolved


def _resolve_service_account(ctx: DiffContext, spec: RuleSpec) -> str | None:
    name = spec.service_account_name
    if name in ctx.desired.service_accounts:
        pairing = ctx.service_accounts.pairings[name]
        # A renamed service account is a new one: the rule must move to it.
        return pairing.live.meta.id if pairing.live and not pairing.renamed_from else None
    if name in ctx.live.service_accounts:
        return ctx.live.service_accounts[name].meta.id
    ctx.problems.append(
        Problem(
            (Address(Kind.RULE, spec.name),),
            f"targets service_account/{name}, which is neither declared nor live",
        )
    )
    raise _Unresolved


def live_rule_compare(ctx: DiffContext, rule: LiveRule) -> dict[str, Any]:
    """The live rule as a comparable dict, references named as the configuration names them."""
    compare = rule_compare(rule.spec)
    issuer_name = ctx.issuers.desired_name_of(rule.issuer_id)
    if issuer_name is not None:
        compare["issuer_name"] = issuer_name
    service_account_name = ctx.service_accounts.kept_name_of(rule.service_account_id)
    if service_account_name is not None:
        compare["service_account_name"] = service_account_name
    return compare


def _diff_existing(
    ctx: DiffContext,
    spec: RuleSpec,
    current: LiveRule,
    issuer_id: str | None,
    service_account_id: str | None,
    console_rule_ids: set[str],
) -> None:
    # Most rules of a plan are unchanged: equal specs (strictly typed) on the same issuer
    # and account compare equal, so the dict shapes are not built for them.
    same_refs = (issuer_id, service_account_id) == (current.issuer_id, current.service_account_id)
    if same_refs and spec == current.spec:
        return
    before = live_rule_compare(ctx, current)
    fields = set(changed_paths(before, rule_compare(spec)))
    if issuer_id != current.issuer_id:
        fields.add("issuer_name")
    if service_account_id != current.service_account_id:
        fields.add("service_account_name")
    if not fields:
        return
    if current.meta.id in console_rule_ids or spec.console_managed:
        ctx.problems.append(
            _console_problem(current.spec.name, f"change {', '.join(sorted(fields))}")
        )
        return
    pairing = ctx.rules.pairings[spec.name]
    change = PendingChange(
        Kind.RULE,
        spec.name,
        Action.UPDATE,
        before=before,
        after=rule_view(spec),
        changed_fields=tuple(sorted(fields)),
        reason=f"renamed from {pairing.renamed_from}" if pairing.renamed_from else "",
        live_id=current.meta.id,
    )
    ctx.touch(Kind.RULE, current.spec.name, current.meta)
    if "issuer_name" in fields:
        _replace_rule(ctx, spec, current, change)
    else:
        ctx.add_change(change)
        update_rule(ctx, spec, current, fields)


# --- create -------------------------------------------------------------------------


def _create_rule(ctx: DiffContext, spec: RuleSpec, archived: LiveRule | None) -> None:
    reason = ctx.recreation_reason(
        Kind.RULE,
        spec.name,
        archived,
        "workloads need the new rule ID, and the API may keep the archived name reserved "
        "(409 on apply)",
    )
    if reason is None:
        return
    ctx.add_change(
        PendingChange(Kind.RULE, spec.name, Action.CREATE, after=rule_view(spec), reason=reason)
    )
    _draft_create(ctx, spec, (Kind.RULE, spec.name), set())


def _draft_create(
    ctx: DiffContext, spec: RuleSpec, key: tuple[Kind, str], extra_needs: set[Fact]
) -> set[Fact]:
    """Create + enable drafts; returns the facts that say the new rule is fully enabled."""
    needs = {
        exists(Kind.ISSUER, spec.issuer_name),
        exists(Kind.SERVICE_ACCOUNT, spec.service_account_name),
        name_free(Kind.RULE, spec.name),
        *extra_needs,
    }
    workspaces = sorted(spec.workspace_ids)
    payload = rule_create_payload(spec)
    if not spec.applies_to_all_workspaces:
        needs.add(member(spec.service_account_name, workspaces[0]))
        workspaces = workspaces[1:]
    ctx.add_draft(
        Draft(
            Operation.CREATE_RULE,
            Kind.RULE,
            spec.name,
            payload=payload,
            provides={exists(Kind.RULE, spec.name)},
            needs=needs,
            description=f"create rule {spec.name}",
        ),
        key,
    )
    ready = {exists(Kind.RULE, spec.name)}
    for workspace_id in workspaces:
        fact = done("rule-enabled-new", spec.name, workspace_id)
        ready.add(fact)
        ctx.add_draft(
            Draft(
                Operation.ENABLE_RULE_WORKSPACE,
                Kind.RULE,
                spec.name,
                payload={"workspace_id": workspace_id},
                provides={fact},
                needs={
                    exists(Kind.RULE, spec.name),
                    member(spec.service_account_name, workspace_id),
                },
                description=f"enable rule {spec.name} in {ctx.workspace_label(workspace_id)}",
            ),
            key,
        )
    return ready


# --- replace ------------------------------------------------------------------------


def out_of_the_way_name(name: str, live_id: str) -> str:
    suffix = "-replaced-" + re.sub(r"[^a-z0-9]", "", live_id.lower())[-8:]
    return name[: MAX_NAME_LENGTH - len(suffix)] + suffix


def _other_rules_on(ctx: DiffContext, issuer_name: str, *names: str) -> bool:
    """Whether a rule other than `names` uses the issuer, live or declared."""
    live = (rule.spec for rule in ctx.live.rules.values())
    declared = ctx.desired.rules.values()
    return any(
        rule.issuer_name == issuer_name and rule.name not in names
        for rules in (live, declared)
        for rule in rules
    )


def _replace_rule(
    ctx: DiffContext, spec: RuleSpec, current: LiveRule, change: PendingChange
) -> None:
    old_issuer = current.spec.issuer_name
    change.action = Action.REPLACE
    change.reason = (
        f"moves from issuer/{old_issuer} to issuer/{spec.issuer_name}, and a rule's issuer "
        "cannot change: a new rule is created, then the old one archived"
    )
    change.ids_retired = (current.meta.id,)
    if not _other_rules_on(ctx, old_issuer, current.spec.name, spec.name):
        # Editing a shared issuer in place would change what its other rules accept.
        change.in_place_alternative = (
            f"keep issuer/{old_issuer} and update it in place (issuer_url, jwks) to keep "
            f"{current.meta.id}"
        )
    ctx.add_change(change)
    key = (Kind.RULE, spec.name)
    archive_name = current.spec.name
    if current.spec.name == spec.name:
        # The API may keep an archived rule's name reserved (docs/admin-api.md §8 item 4):
        # move the old rule off the name before the new rule takes it.
        archive_name = out_of_the_way_name(spec.name, current.meta.id)
        taken = set(ctx.live.rules) | {rule.spec.name for rule in ctx.live.archived_rules}
        if archive_name in taken:
            ctx.problems.append(
                Problem(
                    (Address(Kind.RULE, spec.name),),
                    f"cannot rename the old rule to {archive_name}: taken",
                )
            )
            return
        ctx.add_draft(
            Draft(
                Operation.UPDATE_RULE,
                Kind.RULE,
                current.spec.name,
                live_id=current.meta.id,
                # The stored match, unchanged, for the API's per-update tenant re-check.
                payload={"name": archive_name, "match": match_payload(current.spec.match)},
                provides={name_free(Kind.RULE, spec.name)},
                description=f"rename rule {spec.name} ({current.meta.id}) to {archive_name} "
                "to free its name",
            ),
            key,
        )
    ready = _draft_create(ctx, spec, key, set())
    draft_archive_rule(ctx, current, archive_name, key, extra_needs=ready)


def draft_archive_rule(
    ctx: DiffContext,
    rule: LiveRule,
    name: str,
    key: tuple[Kind, str],
    extra_needs: set[Fact] | None = None,
) -> None:
    """Archive a live rule; releasing its issuer, service account and workspaces."""
    ctx.archived_rule_ids.add(rule.meta.id)
    provides = {
        released(rule.meta.id, rule.issuer_id),
        released(rule.meta.id, rule.service_account_id),
    }
    provides |= {
        released_workspace(rule.meta.id, rule.service_account_id, workspace_id)
        for workspace_id in rule.spec.workspace_ids
    }
    ctx.add_draft(
        Draft(
            Operation.ARCHIVE_RULE,
            Kind.RULE,
            name,
            live_id=rule.meta.id,
            provides=provides,
            needs=set(extra_needs or ()),
            description=f"archive rule {name} ({rule.meta.id})",
        ),
        key,
    )


def archived_rule_holding(ctx: DiffContext, name: str) -> LiveRule | None:
    return archived_holder(name, ctx.live.archived_rules)
