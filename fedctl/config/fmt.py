"""One canonical style for configuration files (`fedctl fmt`), comments kept.

Round-trips each file with ruamel.yaml: keys in the order the documentation uses, two-space
indents, list items under their key, quotes only where YAML needs them, one blank line
between resources. Templates (`.j2`) are left alone: their text is not YAML yet. The
project's pydantic models stay the validation; formatting never changes a value.

    changed = format_text(text)   # None when already canonical
"""

from __future__ import annotations

import io
import re
from typing import Any

TOP_ORDER = ("version", "organization_id", "settings", "service_accounts", "issuers", "rules")
KEY_ORDER = {
    "service_accounts": (
        "name", "description", "organization_role", "workspaces", "previous_names", "lint",
    ),
    "issuers": (
        "name", "description", "preset", "issuer_url", "jwks", "max_jwt_lifetime_seconds",
        "check_jti", "previous_names", "lint",
    ),
    "rules": (
        "name", "issuer", "service_account", "description", "match", "oauth_scope",
        "workspaces", "applies_to_all_workspaces", "token_lifetime_seconds", "previous_names",
        "lint",
    ),
}  # fmt: skip
MATCH_ORDER = ("subject_prefix", "audience", "claims", "condition")


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never wrap a long subject or condition
    yaml.preserve_quotes = False
    return yaml


def format_text(text: str) -> str | None:
    """The canonical text, or None when `text` already is canonical."""
    yaml = _yaml()
    document = yaml.load(text)
    if document is None:
        return None
    _order(document, TOP_ORDER)
    for section, order in KEY_ORDER.items():
        for resource in document.get(section) or []:
            _order(resource, order)
            match = resource.get("match") if section == "rules" else None
            if match is not None:
                _order(match, MATCH_ORDER)
    out = io.StringIO()
    yaml.dump(document, out)
    formatted = _spaced(out.getvalue())
    return None if formatted == text else formatted


def _order(mapping: Any, order: tuple[str, ...]) -> None:
    """Move the known keys into `order`, unknown ones after them; comments travel along."""
    if not hasattr(mapping, "move_to_end"):
        return
    for key in [*(k for k in order if k in mapping), *(k for k in list(mapping) if k not in order)]:
        mapping.move_to_end(key)


def _spaced(text: str) -> str:
    """One blank line between resources, none doubled."""
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        starts_resource = line.startswith("  - ") and out and not re.match(r"^\w.*:\s*$", out[-1])
        if starts_resource and out[-1].strip():
            out.append("")
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out)
