"""DriftReport + the two states -> each drift item classed as the access diff classes a plan.

Drift runs the other way from a plan: the configuration is what was, the live
organization is what someone made of it. So the access diff (its public entry point,
`compute_access_diff`) is asked about the change *from* the configured state *to* the
live one: the live resources play the desired side, the configured ones the live side.
Its reasons then read in the drift's direction ("subject_prefix widened ..."), and a
Console change of `repo:acme/app:*` from `...:recommender-api` is broadening.

- A live rule no file declares (created outside fedctl) is a new grant: broadening.
- A declared rule archived live is a revoked grant: narrowing.
- Undeclared live resources count as going away on the configured side, as with prune,
  so they are classified whatever `settings.prune` says.
"""

from __future__ import annotations

from fedctl.access.diff import compute_access_diff
from fedctl.access.model import AccessChange
from fedctl.core.address import Address
from fedctl.core.state import (
    DesiredState,
    LiveIssuer,
    LiveMeta,
    LiveRule,
    LiveServiceAccount,
    LiveState,
)
from fedctl.drift.report import DriftReport


def classify_drift(report: DriftReport, desired: DesiredState, live: LiveState) -> DriftReport:
    """The report with each item's `effect` and `access` reason filled in, where it has one."""
    diff = compute_access_diff(_live_as_desired(live, desired), _configured_as_live(desired, live))
    by_address: dict[Address, AccessChange] = {change.address: change for change in diff.changes}
    items = []
    for item in report.items:
        change = by_address.get(item.address)
        if change is None:
            items.append(item)
            continue
        items.append(item.model_copy(update={"effect": change.effect, "access": change.reason}))
    return report.model_copy(update={"items": tuple(items)})


def _live_as_desired(live: LiveState, desired: DesiredState) -> DesiredState:
    rules = {}
    for name, rule in live.rules.items():
        spec = rule.spec
        if rule.legacy_workspace_id:
            spec = spec.model_copy(
                update={"workspace_ids": spec.workspace_ids | {rule.legacy_workspace_id}}
            )
        rules[name] = spec
    return DesiredState(
        organization_id=live.organization.id,
        service_accounts={name: sa.spec for name, sa in live.service_accounts.items()},
        issuers={name: issuer.spec for name, issuer in live.issuers.items()},
        rules=rules,
        # The configured side's undeclared resources are "archived" by the live side.
        prune=True,
        protect=desired.protect,
    )


def _configured_as_live(desired: DesiredState, live: LiveState) -> LiveState:
    """The configured resources, dressed as live ones (live IDs where the names exist)."""

    def meta(kind: str, name: str, known: LiveMeta | None) -> LiveMeta:
        return known if known is not None else LiveMeta(id=f"configured:{kind}/{name}")

    accounts = {
        name: LiveServiceAccount(
            spec=spec, meta=meta("service_account", name, _meta(live.service_accounts, name))
        )
        for name, spec in desired.service_accounts.items()
    }
    issuers = {
        name: LiveIssuer(spec=spec, meta=meta("issuer", name, _meta(live.issuers, name)))
        for name, spec in desired.issuers.items()
    }
    rules = {
        name: LiveRule(
            spec=spec,
            meta=meta("rule", name, _meta(live.rules, name)),
            issuer_id=meta("issuer", spec.issuer_name, _meta(live.issuers, spec.issuer_name)).id,
            service_account_id=meta(
                "service_account",
                spec.service_account_name,
                _meta(live.service_accounts, spec.service_account_name),
            ).id,
        )
        for name, spec in desired.rules.items()
    }
    return LiveState(
        organization=live.organization,
        workspaces=live.workspaces,
        service_accounts=accounts,
        issuers=issuers,
        rules=rules,
    )


def _meta(
    resources: dict[str, LiveServiceAccount] | dict[str, LiveIssuer] | dict[str, LiveRule],
    name: str,
) -> LiveMeta | None:
    resource = resources.get(name)
    return resource.meta if resource is not None else None
