"""Turns workspace IDs of the live state into the references an exported file uses.

A reference is the workspace's name when that name designates exactly this workspace,
the literal `default` for the default workspace, and the `wrkspc_` ID otherwise, so the
configuration loader resolves every exported reference back to the same ID.

Usage:
    namer = WorkspaceNamer.from_workspaces(live.workspaces)
    namer.reference("wrkspc_01...")  # "production", "default" or the ID
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from fedctl.core.state import DEFAULT_WORKSPACE, Workspace


@dataclass(frozen=True)
class WorkspaceNamer:
    """Maps workspace ID -> reference; IDs it does not know stay IDs."""

    names_by_id: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_workspaces(cls, workspaces: Iterable[Workspace]) -> WorkspaceNamer:
        listed = list(workspaces)
        # Case-folded, because a name that differs from another only in case is one a
        # person (or a case-insensitive resolver) could confuse; the ID is never wrong.
        counts = Counter(workspace.name.casefold() for workspace in listed)
        names_by_id: dict[str, str] = {}
        for workspace in listed:
            if workspace.is_default:
                names_by_id[workspace.id] = DEFAULT_WORKSPACE
            elif _name_is_unambiguous(workspace, counts):
                names_by_id[workspace.id] = workspace.name
        return cls(names_by_id=names_by_id)

    def reference(self, workspace_id: str) -> str:
        return self.names_by_id.get(workspace_id, workspace_id)


def _name_is_unambiguous(workspace: Workspace, counts: Counter[str]) -> bool:
    """A name is used only when it cannot resolve to anything but this workspace.

    Archived workspaces keep their IDs: the loader may refuse archived names, and an
    archived name may be shared with a live one.
    """
    name = workspace.name
    folded = name.casefold()
    return (
        not workspace.archived
        and counts[folded] == 1
        and folded != DEFAULT_WORKSPACE
        and not name.startswith("wrkspc_")
        and name == name.strip()
        and name != ""
    )
