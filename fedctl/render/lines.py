"""The field-level lines of one Change, shared by the text and Markdown renderers.

Each line is (symbol, text): the symbol is `+`, `-`, `~` or `!` for a detail, or "" for
a plain attribute. Values come from Change.before/after, which never hold key material
(inline JWKS keys are already reduced to `kid (sha256 thumbprint)` labels by the planner).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fedctl.core.address import Address
from fedctl.core.resolved import LabelStyle, workspace_label
from fedctl.core.state import Kind
from fedctl.plan.actions import Action, Change

ENV_VARIABLE_OF_PREFIX = {
    "fdrl_": "ANTHROPIC_FEDERATION_RULE_ID",
    "svac_": "ANTHROPIC_SERVICE_ACCOUNT_ID",
}


@dataclass(frozen=True)
class Line:
    symbol: str
    text: str


def format_value(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _label(workspace_id: str, names: Mapping[str, str]) -> str:
    """Field lines name a workspace and show its ID: `production (wrkspc_…)`."""
    return workspace_label(workspace_id, names, style=LabelStyle.NAME_THEN_ID)


def value_at(data: Mapping[str, Any] | None, path: str) -> Any:
    current: Any = data or {}
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def change_lines(change: Change, workspace_names: Mapping[str, str]) -> list[Line]:
    """The detail lines shown under a change's header."""
    lines: list[Line] = []
    if change.reason:
        lines.append(Line("#", change.reason))
    if change.action is Action.CREATE:
        lines += _attribute_lines(change.after or {}, workspace_names)
    elif change.action is Action.ARCHIVE:
        pass  # the heading names the archived resource's ID; nothing else changes
    else:
        paths = [p for p in change.changed_fields if p.split(".")[0] != "memberships"]
        for path in paths:
            lines += _field_change_lines(change, path, workspace_names)
        if len(paths) != len(change.changed_fields):
            lines += membership_lines(change, workspace_names)
    for retired in change.ids_retired:
        lines.append(Line("!", _retired_text(retired, heading_id=change.live_id)))
    if change.in_place_alternative:
        lines.append(Line("!", f"in place instead: {change.in_place_alternative}"))
    return lines


def _retired_text(retired: str, *, heading_id: str | None) -> str:
    variable = next((v for p, v in ENV_VARIABLE_OF_PREFIX.items() if retired.startswith(p)), "")
    if retired == heading_id:
        # The heading already names it: say what it means, not the ID again.
        users = f" (workloads with {variable} set to it stop working)" if variable else ""
        return f"retires this ID{users}"
    users = f" (workloads with {variable}={retired} stop working)" if variable else ""
    return f"retires {retired}{users}"


def _attribute_lines(after: Mapping[str, Any], names: Mapping[str, str]) -> list[Line]:
    lines: list[Line] = []
    for key, value in after.items():
        # An empty description is the default: a line saying so is noise on every rule.
        if key == "name" or (key == "description" and not value):
            continue
        if key == "memberships":
            lines += [
                Line("", f"membership {_label(ws, names)}: {role}")
                for ws, role in sorted(value.items())
            ]
        elif key == "workspace_ids":
            lines += [Line("", f"workspace {_label(ws, names)}") for ws in value]
        elif isinstance(value, Mapping):
            lines += [
                Line("", f"{key}.{sub}: {format_value(item)}")
                for sub, item in value.items()
                if item is not None
            ]
        else:
            lines.append(Line("", f"{key}: {format_value(value)}"))
    return lines


def _field_change_lines(change: Change, path: str, names: Mapping[str, str]) -> list[Line]:
    before, after = value_at(change.before, path), value_at(change.after, path)
    if path == "workspace_ids":
        old, new = set(before or ()), set(after or ())
        lines = [Line("+", f"workspace {_label(ws, names)}") for ws in sorted(new - old)]
        lines += [Line("-", f"workspace {_label(ws, names)}") for ws in sorted(old - new)]
        return lines
    return [Line("~", f"{path}: {format_value(before)} -> {format_value(after)}")]


def membership_lines(change: Change, names: Mapping[str, str]) -> list[Line]:
    old: Mapping[str, str] = value_at(change.before, "memberships") or {}
    new: Mapping[str, str] = value_at(change.after, "memberships") or {}
    lines: list[Line] = []
    for ws in sorted(set(old) | set(new)):
        label = _label(ws, names)
        if ws not in old:
            lines.append(Line("+", f"membership {label}: {new[ws]}"))
        elif ws not in new:
            lines.append(Line("-", f"membership {label}: {old[ws]}"))
        elif old[ws] != new[ws]:
            lines.append(Line("~", f"membership {label}: {old[ws]} -> {new[ws]}"))
    return lines


def header(change: Change) -> str:
    """`kind/name`; an API key, planned under its ID, is shown under its name (the ID
    follows in the heading)."""
    if change.kind is Kind.API_KEY:
        name = value_at(change.before or change.after, "name")
        if isinstance(name, str) and name:
            return str(Address(change.kind, name))
    return str(change.address)


def heading_id(change: Change) -> str | None:
    """The live ID a heading names after the address (none for a create)."""
    return change.live_id if change.live_id and change.action is not Action.CREATE else None
