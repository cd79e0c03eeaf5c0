"""Configuration or LiveState -> the trust graph (resolved rules, then `build_graph`).

The configuration names workspaces as written (a name, `default` or an ID); the live
state knows them by ID, drawn by their live name.

    graph = graph_from_config(load_config("federation/"))
    graph = graph_from_live(read_live(client))
"""

from __future__ import annotations

from fedctl.config import Config
from fedctl.config.resolved import rule_from_config
from fedctl.core.resolved import ResolvedRule
from fedctl.core.state import LiveState
from fedctl.graph.model import Graph, build_graph


def graph_from_config(config: Config) -> Graph:
    urls = {issuer.name: issuer.issuer_url for issuer in config.issuers}
    return build_graph(
        [rule_from_config(rule, urls) for rule in config.rules],
        issuers=[issuer.name for issuer in config.issuers],
        service_accounts=[account.name for account in config.service_accounts],
    )


def graph_from_live(live: LiveState) -> Graph:
    """Active resources only: an archived rule mints nothing."""
    names = {workspace.id: workspace.name for workspace in live.workspaces}
    rules = [
        ResolvedRule.from_live(rule, issuer_url=None, workspace_names=names)
        for rule in live.rules.values()
    ]
    return build_graph(
        rules, issuers=list(live.issuers), service_accounts=list(live.service_accounts)
    )
