"""The resolved read model of a static API key: the live key with its workspace's name.

Usage:
    key = ResolvedApiKey.from_live(live_key, workspace_names={"wrkspc_01": "prod"})
    key.where  # "production", or "the default workspace" when it names none
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fedctl.core.resolved.workspaces import workspace_label
from fedctl.core.state import LiveApiKey, Workspace


@dataclass(frozen=True)
class ResolvedApiKey:
    id: str
    name: str
    status: str
    workspace_id: str | None = None
    partial_key_hint: str | None = None
    created_at: str | None = None
    expires_at: str | None = None
    # The name of `workspace_id` where known (None also for the default workspace).
    workspace_name: str | None = None

    @classmethod
    def from_live(cls, key: LiveApiKey, *, workspace_names: Mapping[str, str]) -> ResolvedApiKey:
        # Every field of the live key, read from its model so a new one is carried too.
        values = {name: getattr(key, name) for name in LiveApiKey.model_fields}
        workspace = key.workspace_id
        return cls(**values, workspace_name=workspace_names.get(workspace) if workspace else None)

    @property
    def where(self) -> str:
        """Where the key works, as outputs name it: the workspace's name, else its ID."""
        if self.workspace_id is None:
            return "the default workspace"
        names = {self.workspace_id: self.workspace_name} if self.workspace_name else {}
        return workspace_label(self.workspace_id, names)


def key_workspace_name(key: LiveApiKey, workspaces: tuple[Workspace, ...]) -> str:
    """`ResolvedApiKey.where` of a live key."""
    names = {workspace.id: workspace.name for workspace in workspaces}
    return ResolvedApiKey.from_live(key, workspace_names=names).where
