"""Builds the Rulebook explain reasons over: from a validated Config, or from a LiveState.

From the configuration, workspaces stay as written (names, IDs, `default`) and the set of
all workspaces is unknown; from the live state they are shown as names where unambiguous,
the way `fedctl export` writes them.

Usage:
    book = rulebook_from_config(load_config("prod"))
    book = rulebook_from_live(read_live(client))
"""

from __future__ import annotations

from fedctl.config.models import Rule
from fedctl.config.validated import Config
from fedctl.explain.model import IssuerFacts, Rulebook, RuleFacts
from fedctl.export.workspaces import WorkspaceNamer
from fedctl.state import LiveRule, LiveState, RuleMatchSpec


def rulebook_from_config(config: Config) -> Rulebook:
    members = {
        account.name: frozenset(row.workspace for row in account.workspaces)
        for account in config.service_accounts
    }
    issuers = tuple(
        IssuerFacts(
            name=issuer.name,
            issuer_url=issuer.issuer_url,
            max_jwt_lifetime_seconds=issuer.max_jwt_lifetime_seconds,
            check_jti=issuer.check_jti,
        )
        for issuer in config.issuers
    )
    rules = tuple(
        _rule_from_config(rule, members.get(rule.service_account)) for rule in config.rules
    )
    return Rulebook(source=f"the configuration in {config.root}", issuers=issuers, rules=rules)


def _rule_from_config(rule: Rule, member_workspaces: frozenset[str] | None) -> RuleFacts:
    match = rule.match
    return RuleFacts(
        name=rule.name,
        issuer_name=rule.issuer,
        service_account_name=rule.service_account,
        match=RuleMatchSpec(
            subject_prefix=match.subject_prefix,
            audience=match.audience,
            claims=dict(match.claims) if match.claims else None,
            condition=match.condition,
        ),
        oauth_scope=rule.oauth_scope,
        workspaces=tuple(rule.workspaces or ()),
        applies_to_all_workspaces=rule.applies_to_all_workspaces,
        token_lifetime_seconds=rule.token_lifetime_seconds,
        member_workspaces=member_workspaces,
    )


def rulebook_from_live(live: LiveState) -> Rulebook:
    namer = WorkspaceNamer.from_workspaces(live.workspaces)
    members = {
        name: frozenset(namer.reference(workspace_id) for workspace_id in account.spec.memberships)
        for name, account in live.service_accounts.items()
    }
    issuers = tuple(
        IssuerFacts(
            name=issuer.spec.name,
            issuer_url=issuer.spec.issuer_url,
            max_jwt_lifetime_seconds=issuer.spec.max_jwt_lifetime_seconds,
            check_jti=issuer.spec.check_jti,
        )
        for issuer in live.issuers.values()
    )
    rules = tuple(
        _rule_from_live(rule, namer, members.get(rule.spec.service_account_name))
        for rule in live.rules.values()
    )
    active = tuple(namer.reference(w.id) for w in live.workspaces if not w.archived)
    source = f"the live organization {live.organization.name!r} ({live.organization.id})"
    return Rulebook(source=source, issuers=issuers, rules=rules, all_workspaces=active)


def _rule_from_live(
    rule: LiveRule, namer: WorkspaceNamer, member_workspaces: frozenset[str] | None
) -> RuleFacts:
    spec = rule.spec
    workspaces = sorted(namer.reference(workspace_id) for workspace_id in spec.workspace_ids)
    if rule.legacy_workspace_id is not None and not workspaces:
        # A legacy binding skips the membership check at exchange (docs/admin-api.md §5.8).
        workspaces = [namer.reference(rule.legacy_workspace_id)]
        member_workspaces = None
    return RuleFacts(
        name=spec.name,
        issuer_name=spec.issuer_name,
        service_account_name=spec.service_account_name,
        match=spec.match,
        oauth_scope=spec.oauth_scope,
        workspaces=tuple(workspaces),
        applies_to_all_workspaces=spec.applies_to_all_workspaces,
        token_lifetime_seconds=spec.token_lifetime_seconds,
        member_workspaces=member_workspaces,
    )
