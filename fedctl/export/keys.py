"""The `api_keys` block of an export: every active key allowed, so adoption changes nothing.

`manage: false` keeps fedctl from changing any key; each active key is listed under
`allow_active` by ID with the reason "exported: review", so that turning `manage` on
later deactivates only the keys a reviewer removed from the list.
"""

from __future__ import annotations

import json

from fedctl.core.resolved.api_key import key_workspace_name
from fedctl.core.state import LiveApiKey, LiveState

EXPORTED_REASON = "exported: review"
HEADER = (
    "# Static API keys: with manage: false fedctl lists them and changes none. Review each\n"
    "# one, remove those to retire, then set manage: true: the next apply deactivates them.\n"
)


def render_api_keys(keys: tuple[LiveApiKey, ...], live: LiveState) -> str | None:
    """The block, or None when no key is active (nothing to review, nothing written)."""
    active = sorted((k for k in keys if k.status == "active"), key=lambda k: (k.name, k.id))
    if not active:
        return None
    lines = [HEADER + "api_keys:", "  manage: false", "  allow_active:"]
    for key in active:
        # json.dumps escapes newlines and quotes: a key's name cannot end the comment.
        where = key_workspace_name(key, live.workspaces)
        lines.append(f"    - id: {key.id}  # {json.dumps(key.name)} in {json.dumps(where)}")
        lines.append(f"      reason: {json.dumps(EXPORTED_REASON)}")
    return "\n".join(lines) + "\n"
