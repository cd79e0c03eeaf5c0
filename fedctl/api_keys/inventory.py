"""Live API keys and what federation already covers -> the inventory `fedctl keys` shows.

The keys are read with the usual credential, or with `ANTHROPIC_ADMIN_API_KEY` when set
(read for these endpoints only, never printed): who may call them is open (§9.3). When
the API refuses, the keys are unknown, never "none": the command stops with one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fedctl.api import resources
from fedctl.api.client import AdminClient
from fedctl.api.key_writes import ADMIN_KEY_VARIABLE, key_client
from fedctl.api.wire import ApiKey
from fedctl.api_keys.findings import KeyFinding, key_findings
from fedctl.config.validated import Config
from fedctl.core.errors import ApiError
from fedctl.core.state import LiveState


@dataclass(frozen=True)
class Inventory:
    keys: tuple[ApiKey, ...]
    workspace_names: dict[str, str]
    findings: tuple[KeyFinding, ...]


def read_keys(client: AdminClient) -> list[ApiKey]:
    """Every key, with the Admin API key when one is set; refusals explained."""
    try:
        with key_client(client, read_only=True) as keyed:
            return resources.list_api_keys(keyed)
    except ApiError as exc:
        if exc.status in (401, 403):
            raise ApiError(
                message=(
                    f"the API refused to list API keys ({exc.status}); API-key management may "
                    f"need an Admin API key: set {ADMIN_KEY_VARIABLE} (read for these "
                    "endpoints only, never printed)"
                ),
                status=exc.status,
                request_id=exc.request_id,
            ) from None
        raise


def build_inventory(
    keys: list[ApiKey],
    live: LiveState,
    config: Config | None,
    *,
    include_all: bool,
    max_age_days: int,
    now: datetime | None = None,
) -> Inventory:
    shown = [key for key in keys if include_all or key.status in ("active", "inactive")]
    names = {workspace.id: workspace.name for workspace in live.workspaces}
    findings: list[KeyFinding] = []
    if config is not None:
        accounts, workspaces = _federated(live, config)
        findings = key_findings(
            shown,
            federated_accounts=accounts,
            federated_workspaces={ws: names.get(ws, ws) for ws in workspaces},
            max_age_days=max_age_days,
            now=now or datetime.now(UTC),
        )
    return Inventory(tuple(shown), names, tuple(findings))


def _federated(live: LiveState, config: Config) -> tuple[dict[str, str], set[str]]:
    """Service accounts managed rules target, and the workspaces they mint in (live IDs)."""
    accounts: dict[str, str] = {}
    workspaces: set[str] = set()
    all_ids = {workspace.id for workspace in live.workspaces if not workspace.archived}
    for rule in config.rules:
        live_rule = live.rules.get(rule.name)
        if live_rule is None:
            continue
        accounts[live_rule.service_account_id] = live_rule.spec.service_account_name
        enabled = (
            all_ids if live_rule.spec.applies_to_all_workspaces else live_rule.spec.workspace_ids
        )
        workspaces |= set(enabled)
    return accounts, workspaces
