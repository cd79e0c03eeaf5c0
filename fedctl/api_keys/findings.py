"""API keys -> findings KEY001-KEY005: where a long-lived secret undermines federation.

findings = key_findings(keys, federated_accounts, federated_workspaces, now=now)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fedctl.api.wire import ApiKey

DESCRIPTIONS = {
    "KEY001": "active key bound to a service account that federation rules target",
    "KEY002": "active key in a workspace where managed rules already mint tokens",
    "KEY003": "active key that never expires",
    "KEY004": "active key older than the maximum age",
    "KEY005": "active key created by a service account",
}


@dataclass(frozen=True)
class KeyFinding:
    finding_id: str
    key_id: str
    key_name: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.finding_id,
            "key_id": self.key_id,
            "key_name": self.key_name,
            "message": self.message,
        }


def key_findings(
    keys: list[ApiKey],
    *,
    federated_accounts: dict[str, str],
    federated_workspaces: dict[str, str],
    max_age_days: int,
    now: datetime | None = None,
) -> list[KeyFinding]:
    """`federated_accounts` / `federated_workspaces`: live ID -> name, from managed rules."""
    moment = now or datetime.now(UTC)
    found: list[KeyFinding] = []
    for key in keys:
        if key.status != "active":
            continue
        found += _findings_of(key, federated_accounts, federated_workspaces, max_age_days, moment)
    return found


def _findings_of(
    key: ApiKey,
    accounts: dict[str, str],
    workspaces: dict[str, str],
    max_age_days: int,
    now: datetime,
) -> list[KeyFinding]:
    checks: list[tuple[str, str]] = []
    account_id = key.principal.service_account_id if key.principal else None
    if account_id and account_id in accounts:
        message = (
            f"acts as service account {accounts[account_id]}, which federation rules "
            "target: the static key undermines the federation"
        )
        checks.append(("KEY001", message))
    workspace = key.workspace
    if workspace and workspace in workspaces:
        message = (
            f"in workspace {workspaces[workspace]}, where managed rules already mint tokens "
            "for workloads"
        )
        checks.append(("KEY002", message))
    if key.expires_at is None:
        checks.append(("KEY003", "never expires"))
    age = _age_days(key.created_at, now)
    if age is not None and age > max_age_days:
        checks.append(("KEY004", f"is {age} days old (more than {max_age_days})"))
    if key.created_by is not None and key.created_by.type == "service_account":
        checks.append(("KEY005", f"was created by service account {key.created_by.id}"))
    return [KeyFinding(fid, key.id, key.name, message) for fid, message in checks]


def _age_days(created_at: str | None, now: datetime) -> int | None:
    if not created_at:
        return None
    try:
        created = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (now - created).days
