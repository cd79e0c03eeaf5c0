"""The key inventory as text (grouped by workspace), JSON and Markdown; only hints shown."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fedctl.api.wire import ApiKey
from fedctl.escape import escape_markdown, escape_terminal
from fedctl.keys.inventory import Inventory


def _row(key: ApiKey, now: datetime) -> list[str]:
    age = "?"
    if key.created_at:
        created = datetime.fromisoformat(key.created_at.replace("Z", "+00:00"))
        age = f"{(now - created).days}d"
    principal = "-"
    if key.principal is not None:
        principal = key.principal.service_account_id or key.principal.user_id or "-"
    creator = key.created_by.id if key.created_by and key.created_by.id else "-"
    return [
        key.name,
        key.partial_key_hint or "-",
        key.status,
        age,
        key.expires_at or "never",
        principal,
        creator,
    ]


def _groups(inventory: Inventory) -> dict[str, list[ApiKey]]:
    groups: dict[str, list[ApiKey]] = {}
    for key in inventory.keys:
        workspace = key.workspace or "(organization)"
        label = f"{inventory.workspace_names.get(workspace, workspace)} ({workspace})"
        groups.setdefault(label, []).append(key)
    return dict(sorted(groups.items()))


def render_text(inventory: Inventory, now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    lines: list[str] = []
    for label, keys in _groups(inventory).items():
        lines.append(f"workspace {label}:")
        lines += ["  " + "  ".join(_row(key, moment)) for key in keys]
    for finding in inventory.findings:
        lines.append(
            f"{finding.finding_id} {finding.key_name} ({finding.key_id}): {finding.message}"
        )
    lines.append(f"{len(inventory.keys)} key(s), {len(inventory.findings)} finding(s).")
    return escape_terminal("\n".join(lines))


def render_json(inventory: Inventory) -> str:
    return json.dumps(
        {
            "keys": [key.model_dump(mode="json") for key in inventory.keys],
            "findings": [finding.to_json() for finding in inventory.findings],
        },
        indent=2,
    )


def render_markdown(inventory: Inventory, now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    lines = [
        "| name | hint | status | age | expires | principal | creator |",
        "|---|---|---|---|---|---|---|",
    ]
    for keys in _groups(inventory).values():
        lines += [
            "| " + " | ".join(escape_markdown(cell) for cell in _row(k, moment)) + " |"
            for k in keys
        ]
    for finding in inventory.findings:
        lines.append(
            escape_markdown(f"- {finding.finding_id} {finding.key_name}: {finding.message}")
        )
    return "\n".join(lines) + "\n"
