"""Configuration or LiveState -> the trust graph (rule views, then `build_graph`).

The configuration names workspaces as written (a name, `default` or an ID); the live
state knows them by ID, drawn by their live name.

    graph = graph_from_config(load_config("federation/"))
    graph = graph_from_live(read_live(client))
"""

from __future__ import annotations

from fedctl.config import Config
from fedctl.graph.model import Graph, RuleView, build_graph, short_match
from fedctl.state import LiveRule, LiveState


def graph_from_config(config: Config) -> Graph:
    views = [
        RuleView(
            name=rule.name,
            issuer=rule.issuer,
            service_account=rule.service_account,
            scope=rule.oauth_scope,
            match=short_match(
                rule.match.subject_prefix or None,
                rule.match.audience,
                rule.match.claims or None,
                rule.match.condition,
            ),
            workspaces=tuple(sorted(set(rule.workspaces or ()))),
            all_workspaces=rule.applies_to_all_workspaces,
        )
        for rule in config.rules
    ]
    return build_graph(
        views,
        issuers=[issuer.name for issuer in config.issuers],
        service_accounts=[account.name for account in config.service_accounts],
    )


def graph_from_live(live: LiveState) -> Graph:
    """Active resources only: an archived rule mints nothing."""
    names = {workspace.id: workspace.name for workspace in live.workspaces}
    views = [_live_view(rule, names) for rule in live.rules.values()]
    return build_graph(
        views, issuers=list(live.issuers), service_accounts=list(live.service_accounts)
    )


def _live_view(rule: LiveRule, names: dict[str, str]) -> RuleView:
    spec = rule.spec
    workspace_ids = set(spec.workspace_ids)
    if rule.legacy_workspace_id:
        workspace_ids.add(rule.legacy_workspace_id)
    return RuleView(
        name=spec.name,
        issuer=spec.issuer_name,
        service_account=spec.service_account_name,
        scope=spec.oauth_scope,
        match=short_match(
            spec.match.subject_prefix,
            spec.match.audience,
            spec.match.claims,
            spec.match.condition,
        ),
        workspaces=tuple(sorted(names.get(w, w) for w in workspace_ids)),
        all_workspaces=spec.applies_to_all_workspaces,
    )
