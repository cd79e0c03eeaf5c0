"""Builds the Rulebook explain reasons over: from a validated Config, or from a LiveState.

From the configuration, workspaces stay as written (names, IDs, `default`) and the set of
all workspaces is unknown; from the live state they are shown as names where unambiguous,
the way `fedctl export` writes them.

Usage:
    book = rulebook_from_config(load_config("prod"))
    book = rulebook_from_live(read_live(client))
"""

from __future__ import annotations

import dataclasses

from fedctl.access.explain.model import Rulebook
from fedctl.config.resolved import (
    issuer_from_config,
    rule_from_config,
    service_account_from_config,
)
from fedctl.config.validated import Config
from fedctl.core.resolved import ResolvedIssuer, ResolvedRule, ResolvedServiceAccount
from fedctl.core.state import LiveRule, LiveState
from fedctl.export.workspaces import WorkspaceNamer


def rulebook_from_config(config: Config) -> Rulebook:
    urls = {issuer.name: issuer.issuer_url for issuer in config.issuers}
    return Rulebook(
        source=f"the configuration in {config.root}",
        issuers=tuple(issuer_from_config(issuer) for issuer in config.issuers),
        rules=tuple(rule_from_config(rule, urls) for rule in config.rules),
        service_accounts=tuple(
            service_account_from_config(account) for account in config.service_accounts
        ),
    )


def rulebook_from_live(live: LiveState) -> Rulebook:
    # Workspaces are labelled by the reference an export would write.
    references = WorkspaceNamer.from_workspaces(live.workspaces).names_by_id
    issuers = tuple(ResolvedIssuer.from_live(issuer) for issuer in live.issuers.values())
    urls = {issuer.name: issuer.issuer_url for issuer in issuers}
    accounts = tuple(
        ResolvedServiceAccount.from_live(account, workspace_names=references)
        for account in live.service_accounts.values()
    )
    rules = tuple(_rule_from_live(rule, urls, references) for rule in live.rules.values())
    active = tuple(references.get(w.id, w.id) for w in live.workspaces if not w.archived)
    source = f"the live organization {live.organization.name!r} ({live.organization.id})"
    return Rulebook(
        source=source,
        issuers=issuers,
        rules=rules,
        all_workspaces=active,
        service_accounts=accounts,
    )


def _rule_from_live(
    rule: LiveRule, urls: dict[str, str], references: dict[str, str]
) -> ResolvedRule:
    """Workspaces sorted by their label; a legacy binding counts only when the rule has no
    explicit workspace, and then skips the membership check (docs/admin-api.md §5.8)."""
    legacy = rule.legacy_workspace_id if not rule.spec.workspace_ids else None
    resolved = ResolvedRule.from_spec(
        rule.spec,
        issuer_url=urls.get(rule.spec.issuer_name),
        workspace_names=references,
        extra_workspace_ids=(legacy,) if legacy else (),
    )
    ordered = sorted(resolved.workspace_ids, key=lambda wid: references.get(wid, wid))
    return dataclasses.replace(
        resolved,
        workspace_ids=tuple(ordered),
        issuer_id=rule.issuer_id,
        service_account_id=rule.service_account_id,
        legacy_workspace_id=legacy,
    )
