"""The rows that enable a federation rule in a workspace (docs/admin-api.md §2.7, §3.4).

Rules read their `workspace_ids` from here; the rule-workspace endpoints in rules.py
add and remove rows through it.
"""

from __future__ import annotations

from typing import Any

from fedctl.emulator.db import Actor, Database


class Enablements:
    """Enablement rows; every method runs under the caller's read or write."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def workspace_ids(self, rule_id: str) -> list[str]:
        rows = self._db.execute(
            "SELECT workspace_id FROM enablements WHERE rule_id = ? ORDER BY seq", (rule_id,)
        ).fetchall()
        return [str(row[0]) for row in rows]

    def workspace_ids_of(self, rule_ids: list[str]) -> dict[str, list[str]]:
        """Rule ID -> its enabled workspace IDs, oldest first, for a page of rules."""
        marks = ", ".join("?" * len(rule_ids))
        rows = self._db.execute(
            "SELECT rule_id, workspace_id FROM enablements "  # noqa: S608 - only "?"s
            f"WHERE rule_id IN ({marks}) ORDER BY seq",
            rule_ids,
        ).fetchall()
        found: dict[str, list[str]] = {rule_id: [] for rule_id in rule_ids}
        for row in rows:
            found[str(row["rule_id"])].append(str(row["workspace_id"]))
        return found

    def listing(self, rule_id: str) -> list[dict[str, Any]]:
        """Every enablement of the rule as the API shows it, oldest first."""
        rows = self._db.execute(
            "SELECT e.*, w.name AS workspace_name FROM enablements e JOIN workspaces w "
            "ON w.id = e.workspace_id WHERE e.rule_id = ? ORDER BY e.seq",
            (rule_id,),
        ).fetchall()
        return [
            enablement(
                row["rule_id"],
                row["workspace_id"],
                row["workspace_name"],
                row["created_at"],
                row["created_by_actor_id"],
            )
            for row in rows
        ]

    def enable(self, rule_id: str, workspace_id: str, actor: Actor) -> dict[str, Any]:
        """The row enabling the rule there, created if missing."""
        row = self._db.execute(
            "SELECT * FROM enablements WHERE rule_id = ? AND workspace_id = ?",
            (rule_id, workspace_id),
        ).fetchone()
        if row is not None:
            return dict(row)
        values = {
            "rule_id": rule_id,
            "workspace_id": workspace_id,
            "created_at": self._db.now(),
            "created_by_actor_id": actor.actor_id,
            "seq": self._db.next_seq("enablements"),
        }
        self._db.execute(
            "INSERT INTO enablements VALUES (:rule_id, :workspace_id, :created_at, "
            ":created_by_actor_id, :seq)",
            values,
        )
        return values

    def disable(self, rule_id: str, workspace_id: str) -> bool:
        """Remove one row; whether there was one."""
        deleted = self._db.execute(
            "DELETE FROM enablements WHERE rule_id = ? AND workspace_id = ?",
            (rule_id, workspace_id),
        ).rowcount
        return bool(deleted)

    def disable_all(self, rule_id: str) -> None:
        self._db.execute("DELETE FROM enablements WHERE rule_id = ?", (rule_id,))

    def replace(self, rule_id: str, wanted: list[str], actor: Actor) -> None:
        for workspace_id in self.workspace_ids(rule_id):
            if workspace_id not in wanted:
                self.disable(rule_id, workspace_id)
        for workspace_id in wanted:
            self.enable(rule_id, workspace_id, actor)


def enablement(
    rule_id: str,
    workspace_id: str,
    workspace_name: str | None,
    created_at: str,
    created_by: str | None,
) -> dict[str, Any]:
    return {
        "type": "federation_rule_workspace",
        "federation_rule_id": rule_id,
        "workspace_id": workspace_id,
        "workspace_name": workspace_name,
        "created_at": created_at,
        "created_by_actor_id": created_by,
    }
