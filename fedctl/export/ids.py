"""`fedctl export --with-ids`: each live resource's ID as a comment above it.

The configuration language has no ID field (a name is the key), so IDs ride along as
YAML comments: useful to find `ANTHROPIC_FEDERATION_RULE_ID` values, ignored by fedctl.
"""

from __future__ import annotations

import dataclasses

from fedctl.core.state import Kind, LiveState
from fedctl.export.entries import Disposition, Entry, Export


def with_ids(export: Export, live: LiveState) -> Export:
    """The export with `id: fdrl_...` first among each live entry's comment notes."""
    ids = {
        (Kind.SERVICE_ACCOUNT, name): item.meta.id for name, item in live.service_accounts.items()
    }
    ids |= {(Kind.ISSUER, name): item.meta.id for name, item in live.issuers.items()}
    ids |= {(Kind.RULE, name): item.meta.id for name, item in live.rules.items()}
    return dataclasses.replace(export, entries=tuple(_noted(e, ids) for e in export.entries))


def _noted(entry: Entry, ids: dict[tuple[Kind, str], str]) -> Entry:
    # Archived entries may share a name with a live one; their own notes already say
    # which ID they had.
    resource_id = ids.get((entry.kind, entry.name))
    if resource_id is None or entry.disposition is Disposition.ARCHIVED:
        return entry
    return dataclasses.replace(entry, notes=(f"id: {resource_id}", *entry.notes))
