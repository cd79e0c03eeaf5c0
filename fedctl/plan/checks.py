"""Predicted refusals: what the API (or a fedctl safety guard) would refuse, found at plan time.

Each check reads the diff's result and appends `Problem`s naming the resources, so apply
never discovers them half-way: archiving what a staying rule references
(docs/admin-api.md §2.2.5, §2.5.5), a rule enabled where its service account is not a
member (§5.8, the project's strict reading), org:admin on a developer service account
(§5.7), archived or unknown workspaces (§2.3), what a federated caller may not do (§5.9),
and the self-lockout guard.
"""

from __future__ import annotations

from dataclasses import dataclass

from fedctl.core.address import Address
from fedctl.core.errors import PlanError
from fedctl.core.presets import API_TENANT_PINNED_ISSUER_URLS, Preset, detect_preset
from fedctl.core.resolved import LabelStyle, workspace_label
from fedctl.core.state import DesiredState, Kind, LiveRule, LiveState, OrganizationRole
from fedctl.plan.actions import Action, Operation
from fedctl.plan.context import DiffContext, PendingChange
from fedctl.plan.normalise import match_payload
from fedctl.plan.problems import Problem

ORG_ADMIN_SCOPE = "org:admin"
NARROWING_RULE_FIELDS = ("match", "oauth_scope", "service_account_name", "issuer_name")
NARROWING_ISSUER_FIELDS = ("issuer_url", "jwks", "check_jti", "max_jwt_lifetime_seconds")


@dataclass(frozen=True)
class SelfIdentity:
    """Whom fedctl is authenticated as, when that is a federation rule (a workload).

    Usage:
        compute_plan(desired, live, self_identity=SelfIdentity(rule_id="fdrl_01..."))
    """

    rule_id: str | None = None
    service_account_id: str | None = None


def check_organization(desired: DesiredState, live: LiveState) -> None:
    expected = desired.organization_id
    if expected is not None and expected != live.organization.id:
        raise PlanError(
            f"the configuration is for organization {expected}, but the credential belongs "
            f"to {live.organization.id} ({live.organization.name}); use a credential of "
            "that organization or fix organization_id in the configuration",
            [],
        )


def console_managed_ids(live: LiveState) -> tuple[set[str], set[str]]:
    """IDs of Console-managed rules, and of the issuers backing them."""
    rules = {rule.meta.id for rule in live.rules.values() if rule.spec.console_managed}
    issuers = {rule.issuer_id for rule in live.rules.values() if rule.spec.console_managed}
    return rules, issuers


def console_managed_names(live: LiveState) -> list[Address]:
    rule_ids, issuer_ids = console_managed_ids(live)
    names = [
        Address(Kind.ISSUER, i.spec.name) for i in live.issuers.values() if i.meta.id in issuer_ids
    ]
    names += [Address(Kind.RULE, r.spec.name) for r in live.rules.values() if r.meta.id in rule_ids]
    return sorted(names)


def run_checks(ctx: DiffContext) -> None:
    _check_archived_still_referenced(ctx)
    _check_rule_memberships(ctx)
    _check_org_admin_targets(ctx)
    _check_workspaces(ctx)
    _check_tenant_pinning(ctx)
    _check_stored_match_resent(ctx)


def _staying_live_rules(ctx: DiffContext) -> list[LiveRule]:
    return [rule for rule in ctx.live.rules.values() if rule.meta.id not in ctx.archived_rule_ids]


def _check_archived_still_referenced(ctx: DiffContext) -> None:
    live_names = {
        **{
            sa.meta.id: Address(Kind.SERVICE_ACCOUNT, n)
            for n, sa in ctx.live.service_accounts.items()
        },
        **{issuer.meta.id: Address(Kind.ISSUER, n) for n, issuer in ctx.live.issuers.items()},
    }
    for rule in _staying_live_rules(ctx):
        for referenced_id in (rule.issuer_id, rule.service_account_id):
            moved = referenced_id == rule.service_account_id and (
                rule.meta.id in ctx.retargeted_rule_ids
            )
            if referenced_id in ctx.archived_ids and not moved:
                ctx.problems.append(
                    Problem(
                        (live_names[referenced_id], Address(Kind.RULE, rule.spec.name)),
                        f"the API refuses to archive {live_names[referenced_id]} while live "
                        f"rule/{rule.spec.name} references it; archive or declare that rule "
                        "too, or keep (protect) the referenced resource",
                    )
                )
    for spec in ctx.desired.rules.values():
        for kind, name, live_map in (
            (Kind.ISSUER, spec.issuer_name, ctx.live.issuers),
            (Kind.SERVICE_ACCOUNT, spec.service_account_name, ctx.live.service_accounts),
        ):
            declared = ctx.desired.issuers if kind is Kind.ISSUER else ctx.desired.service_accounts
            live = live_map.get(name)
            if name not in declared and live is not None and live.meta.id in ctx.archived_ids:
                ctx.problems.append(
                    Problem(
                        (Address(Kind.RULE, spec.name), Address(kind, name)),
                        f"references {kind.value}/{name}, which prune would archive; declare "
                        "it or protect it",
                    )
                )


def _final_memberships(ctx: DiffContext, service_account_name: str) -> dict[str, str]:
    declared = ctx.desired.service_accounts.get(service_account_name)
    if declared is not None:
        return dict(declared.memberships)
    live = ctx.live.service_accounts.get(service_account_name)
    return dict(live.spec.memberships) if live else {}


def _default_workspace_id(live: LiveState) -> str | None:
    return next((ws.id for ws in live.workspaces if ws.is_default), None)


def _check_rule_memberships(ctx: DiffContext) -> None:
    default_id = _default_workspace_id(ctx.live)
    checked: list[tuple[str, str, frozenset[str], bool]] = [
        (spec.name, spec.service_account_name, spec.workspace_ids, True)
        for spec in ctx.desired.rules.values()
        if not spec.applies_to_all_workspaces
    ]
    declared_rule_ids = {
        pairing.live.meta.id for pairing in ctx.rules.pairings.values() if pairing.live
    }
    for rule in _staying_live_rules(ctx):
        if rule.meta.id in declared_rule_ids or rule.spec.applies_to_all_workspaces:
            continue
        checked.append(
            (rule.spec.name, _live_target_name(ctx, rule), rule.spec.workspace_ids, False)
        )
    for rule_name, service_account_name, workspace_ids, declared in checked:
        members = _final_memberships(ctx, service_account_name)
        for workspace_id in sorted(workspace_ids):
            if workspace_id == default_id or workspace_id in members:
                continue
            where = "" if declared else " (live, not in the configuration)"
            # §5.8: the API accepts this and checks membership only at the
            # exchange, so it is a warning: the rule cannot mint tokens in that workspace.
            ctx.warnings.append(
                f"rule/{rule_name}{where} is enabled in workspace "
                f"{_workspace_label(ctx.live, workspace_id)}, where "
                f"service_account/{service_account_name} is not a member: the token exchange "
                "refuses that workspace; add the membership or remove the workspace"
            )


def _workspace_label(live: LiveState, workspace_id: str) -> str:
    names = {ws.id: ws.name for ws in live.workspaces}
    return workspace_label(workspace_id, names, style=LabelStyle.NAME_THEN_ID)


def _live_target_name(ctx: DiffContext, rule: LiveRule) -> str:
    return rule.spec.service_account_name


def _final_role(ctx: DiffContext, service_account_name: str) -> OrganizationRole | None:
    declared = ctx.desired.service_accounts.get(service_account_name)
    if declared is not None:
        return declared.organization_role
    live = ctx.live.service_accounts.get(service_account_name)
    return live.spec.organization_role if live else None


def _check_org_admin_targets(ctx: DiffContext) -> None:
    targets = [
        (spec.name, spec.service_account_name, spec.oauth_scope)
        for spec in ctx.desired.rules.values()
    ]
    for rule in _staying_live_rules(ctx):
        declared = ctx.desired.service_accounts.get(rule.spec.service_account_name)
        live_sa = ctx.live.service_accounts.get(rule.spec.service_account_name)
        demoted = (
            declared and live_sa and declared.organization_role != live_sa.spec.organization_role
        )
        if demoted and rule.spec.name not in ctx.desired.rules:
            targets.append((rule.spec.name, rule.spec.service_account_name, rule.spec.oauth_scope))
    for rule_name, service_account_name, scope in targets:
        if (
            ORG_ADMIN_SCOPE in scope.split()
            and _final_role(ctx, service_account_name) == "developer"
        ):
            ctx.problems.append(
                Problem(
                    (
                        Address(Kind.RULE, rule_name),
                        Address(Kind.SERVICE_ACCOUNT, service_account_name),
                    ),
                    f"grants org:admin, but service_account/{service_account_name} will have "
                    "organization_role developer; the API refuses this (or token exchange "
                    "fails), so make the service account admin or narrow the scope",
                )
            )


def _check_workspaces(ctx: DiffContext) -> None:
    if not ctx.live.workspaces:
        return
    known = {ws.id: ws for ws in ctx.live.workspaces}
    references: list[tuple[Address, str]] = [
        (Address(Kind.SERVICE_ACCOUNT, spec.name), workspace_id)
        for spec in ctx.desired.service_accounts.values()
        for workspace_id in spec.memberships
    ]
    references += [
        (Address(Kind.RULE, spec.name), workspace_id)
        for spec in ctx.desired.rules.values()
        for workspace_id in spec.workspace_ids
    ]
    for resource, workspace_id in sorted(references):
        workspace = known.get(workspace_id)
        if workspace is None:
            message = f"workspace {workspace_id} does not exist in this organization"
        elif workspace.archived:
            message = f"workspace {workspace.name} ({workspace_id}) is archived; the API refuses it"
        else:
            continue
        ctx.problems.append(Problem((resource,), message))


def _check_tenant_pinning(ctx: DiffContext) -> None:
    """docs/admin-api.md §5.6: a rule written on a well-known shared issuer must pin the tenant.

    Checked for every rule this plan creates, updates or replaces, and for every rule
    under an issuer this plan changes (moving an issuer onto a shared URL re-checks its
    rules). Rules the plan leaves alone are not written, so the API does not re-check them.
    """
    changed = {(change.kind, change.name) for change in ctx.changes.values()}
    for spec in sorted(ctx.desired.rules.values(), key=lambda rule: rule.name):
        written = (Kind.RULE, spec.name) in changed or (Kind.ISSUER, spec.issuer_name) in changed
        issuer = ctx.desired.issuers.get(spec.issuer_name) or ctx.live.issuers.get(spec.issuer_name)
        if not written or spec.console_managed or issuer is None:
            continue
        url = issuer.issuer_url if not hasattr(issuer, "spec") else issuer.spec.issuer_url
        provider = detect_preset(url) if url in API_TENANT_PINNED_ISSUER_URLS else None
        match = spec.match
        if provider is None or provider.pins_tenant(
            subject_prefix=match.subject_prefix,
            claims=match.claims or {},
            condition=match.condition,
        ):
            continue
        ctx.problems.append(
            Problem(
                (Address(Kind.RULE, spec.name),),
                f"the API refuses a rule on the shared {provider.title} issuer that pins no "
                f"tenant (other customers' tokens would match); pin one of "
                f"{', '.join(provider.tenant_claims)} in match.claims or match.condition, "
                "or a tenant subject_prefix",
            )
        )


def _check_stored_match_resent(ctx: DiffContext) -> None:
    """The API re-checks the tenant pin on every update (docs/admin-api.md §2.6.4), so an update
    that resends a rule's stored, unpinned match (renaming it out of the way of its
    replacement) would be refused: a legacy rule made before the check cannot be renamed.
    """
    live_by_id = {rule.meta.id: rule for rule in ctx.live.rules.values()}
    for draft in ctx.drafts:
        current = live_by_id.get(draft.live_id or "")
        if draft.operation is not Operation.UPDATE_RULE or current is None:
            continue
        if draft.payload.get("match") != match_payload(current.spec.match):
            continue  # a new match: the desired-rule check above judges it
        provider = _pinned_provider(_issuer_url(ctx, current.spec.issuer_name))
        match = current.spec.match
        if (
            provider is None
            or current.spec.console_managed
            or provider.pins_tenant(
                subject_prefix=match.subject_prefix,
                claims=match.claims or {},
                condition=match.condition,
            )
        ):
            continue
        ctx.problems.append(
            Problem(
                (Address(Kind.RULE, current.spec.name),),
                f"the live rule pins no tenant on the shared {provider.title} issuer, and the "
                "API re-checks that on every update, so fedctl cannot rename it out of the way "
                "of its replacement; declare the replacement under a new name and archive "
                "the old rule (prune, or the Console)",
            )
        )


def _pinned_provider(url: str | None) -> Preset | None:
    return detect_preset(url) if url in API_TENANT_PINNED_ISSUER_URLS else None


def _issuer_url(ctx: DiffContext, issuer_name: str) -> str | None:
    declared = ctx.desired.issuers.get(issuer_name)
    if declared is not None:
        return declared.issuer_url
    live = ctx.live.issuers.get(issuer_name)
    return live.spec.issuer_url if live is not None else None


# --- who fedctl is ------------------------------------------------------------------


def check_self(
    ctx: DiffContext,
    changes: list[PendingChange],
    identity: SelfIdentity | None,
    *,
    allow_self_lockout: bool,
) -> None:
    """The federated-caller limits (§5.9) and the self-lockout guard."""
    if identity is None or (identity.rule_id is None and identity.service_account_id is None):
        return
    _check_federated_limits(ctx, changes)
    if allow_self_lockout:
        return
    own_rule = next((r for r in ctx.live.rules.values() if r.meta.id == identity.rule_id), None)
    own_sa_id = identity.service_account_id or (own_rule.service_account_id if own_rule else None)
    own_issuer_id = own_rule.issuer_id if own_rule else None
    for change in changes:
        how = _lockout(change, identity.rule_id, own_issuer_id, own_sa_id)
        if how:
            ctx.problems.append(
                Problem(
                    (Address(change.kind, change.name),),
                    f"fedctl is authenticated through {identity.rule_id or own_sa_id}, and this "
                    f"plan {how}, which would lock fedctl out; pass --allow-self-lockout if "
                    "that is intended",
                    unsafe=True,
                )
            )


def _lockout(
    change: PendingChange, rule_id: str | None, issuer_id: str | None, sa_id: str | None
) -> str:
    fields = set(change.changed_fields)
    top = {path.split(".", 1)[0] for path in fields}
    destroys = change.action in (Action.ARCHIVE, Action.REPLACE)
    if change.live_id is None:
        return ""
    if change.live_id == rule_id:
        narrows = bool(top & set(NARROWING_RULE_FIELDS)) or _workspaces_narrowed(change)
        if destroys or narrows:
            return f"{change.action.value}s its rule"
    if change.live_id == issuer_id and (destroys or top & set(NARROWING_ISSUER_FIELDS)):
        return f"{change.action.value}s its issuer"
    if change.live_id == sa_id and (destroys or top & {"organization_role", "memberships"}):
        return f"{change.action.value}s its service account"
    return ""


def _workspaces_narrowed(change: PendingChange) -> bool:
    before, after = change.before or {}, change.after or {}
    if before.get("applies_to_all_workspaces") and not after.get("applies_to_all_workspaces"):
        return True
    return not set(before.get("workspace_ids", [])) <= set(after.get("workspace_ids", []))


def _check_federated_limits(ctx: DiffContext, changes: list[PendingChange]) -> None:
    for change in changes:
        if change.kind is not Kind.SERVICE_ACCOUNT or change.action is Action.ARCHIVE:
            continue
        after = change.after or {}
        sets_admin = after.get("organization_role") == "admin" and (
            change.action in (Action.CREATE, Action.REPLACE)
            or "organization_role" in change.changed_fields
        )
        if sets_admin:
            ctx.problems.append(
                Problem(
                    (Address(Kind.SERVICE_ACCOUNT, change.name),),
                    "a federated (workload) credential cannot give a service account "
                    "organization_role admin; run this apply with an interactive org:admin "
                    "login, or use developer",
                )
            )
