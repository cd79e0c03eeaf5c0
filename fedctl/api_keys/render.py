"""The key inventory as text (an aligned table with a header), JSON and Markdown; only
hints shown. Every cell is escaped on its own, so the table's own line breaks stay real
while a value can never add one."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fedctl.api.wire import ApiKey
from fedctl.api_keys.inventory import Inventory
from fedctl.core.escape import code_span, escape_markdown, escape_terminal
from fedctl.core.resolved import LabelStyle, workspace_label

COLUMNS = ("workspace", "name", "hint", "status", "age", "expires", "principal", "creator")
ORGANIZATION_LEVEL = "(organization)"


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


def _workspace_label(inventory: Inventory, key: ApiKey) -> str:
    if not key.workspace:
        return ORGANIZATION_LEVEL
    return workspace_label(key.workspace, inventory.workspace_names, style=LabelStyle.NAME_THEN_ID)


def _rows(inventory: Inventory, now: datetime) -> list[list[str]]:
    """One row per key, sorted by workspace label then key name (stable otherwise)."""
    rows = [[_workspace_label(inventory, key), *_row(key, now)] for key in inventory.keys]
    return sorted(rows, key=lambda row: (row[0], row[1]))


def render_text(inventory: Inventory, now: datetime | None = None) -> str:
    rows = [[escape_terminal(cell) for cell in row] for row in _rows(inventory, now or _now())]
    lines: list[str] = []
    if rows:
        header = [column.upper() for column in COLUMNS]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(COLUMNS))]
        lines += [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]
        ]
    for finding in inventory.findings:
        name, key_id = escape_terminal(finding.key_name), escape_terminal(finding.key_id)
        lines.append(f"{finding.finding_id} {name} ({key_id}): {escape_terminal(finding.message)}")
    lines.append(f"{len(inventory.keys)} key(s), {len(inventory.findings)} finding(s).")
    return "\n".join(lines)


def render_json(inventory: Inventory) -> str:
    return json.dumps(
        {
            "keys": [key.model_dump(mode="json") for key in inventory.keys],
            "findings": [finding.to_json() for finding in inventory.findings],
        },
        indent=2,
    )


def render_markdown(inventory: Inventory, now: datetime | None = None) -> str:
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += [
        "| " + " | ".join(_markdown_cell(cell) for cell in row) + " |"
        for row in _rows(inventory, now or _now())
    ]
    for finding in inventory.findings:
        lines.append(
            f"- {finding.finding_id} {code_span(finding.key_name)}: "
            f"{escape_markdown(finding.message, in_table=False)}"
        )
    return "\n".join(lines) + "\n"


def _markdown_cell(cell: str) -> str:
    # Names, hints and IDs are values: code spans; `-`, `never`, `3d` stay prose.
    return escape_markdown(cell) if cell in ("-", "never", "?") else code_span(cell, in_table=True)


def _now() -> datetime:
    return datetime.now(UTC)
