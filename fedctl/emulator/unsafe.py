"""TEST ONLY: store what no API call may write, as a newer server or an old Console did.

Tests of how a client copes with state the contract does not describe (an unknown jwks
type, a matcher it does not know, a legacy workspace_id-only binding, an unknown role)
need that state in a real server, read over real HTTP, not a mocked transport. Nothing
in the emulator's HTTP layer calls these, and `fedctl emulator` offers no way to.

    unsafe_patch_resource(emulator.store, "federation_rule", rule_id, {"attributes": {}})
"""

from __future__ import annotations

import json
from typing import Any

from fedctl.emulator.db import EmulatorStateError, ResourceKind
from fedctl.emulator.records import Records
from fedctl.emulator.store import Store

ABSENT = object()  # as a value in `changes`: remove the key


def unsafe_patch_resource(
    store: Store, kind: ResourceKind, resource_id: str, changes: dict[str, Any]
) -> None:
    """Overwrite (or, with ABSENT, remove) top-level keys of a stored document."""
    with store.db.write() as db:
        doc = Records(store.db, kind, kind).find(resource_id)
        if doc is None:
            raise EmulatorStateError(f"no {kind} {resource_id}")
        for key, value in changes.items():
            if value is ABSENT:
                doc.pop(key, None)
            else:
                doc[key] = value
        db.execute("UPDATE resources SET doc = ? WHERE id = ?", (json.dumps(doc), resource_id))


def unsafe_drop_enablements(store: Store, rule_id: str) -> None:
    with store.db.write() as db:
        db.execute("DELETE FROM enablements WHERE rule_id = ?", (rule_id,))


def unsafe_set_membership_role(
    store: Store, service_account_id: str, workspace_id: str, role: str
) -> None:
    with store.db.write() as db:
        db.execute(
            "UPDATE memberships SET workspace_role = ? WHERE service_account_id = ? "
            "AND workspace_id = ?",
            (role, service_account_id, workspace_id),
        )
