"""The one workspace labeller: a workspace ID and the names known for it -> the text shown.

Models keep workspace IDs, with names beside them; only the text made for a person names
a workspace, and every such text is made here, so the three forms outputs have always
used stay one function's choice, not three copies:

    workspace_label("wrkspc_01", {"wrkspc_01": "prod"})                         # "prod"
    workspace_label("wrkspc_01", names, style=LabelStyle.NAME_THEN_ID)          # "prod (wrkspc_01)"
    workspace_label("wrkspc_01", names, style=LabelStyle.ID_THEN_NAME)          # "wrkspc_01 (prod)"

NOTE: it lives beside the resolved models, not in `fedctl.render`, because the plan's
step descriptions and the access diff's findings are sentences made below the render
layer (render imports both); it is still the only place a label is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class LabelStyle(StrEnum):
    NAME = "name"  # the name where known, else the ID (step descriptions, explain)
    NAME_THEN_ID = "name_then_id"  # plan field lines, warnings, the keys table
    ID_THEN_NAME = "id_then_name"  # the access diff


def workspace_label(
    workspace_id: str, names: Mapping[str, str], *, style: LabelStyle = LabelStyle.NAME
) -> str:
    """The label of one workspace; an ID with no known name (or a name equal to it) is itself."""
    name = names.get(workspace_id)
    if not name or name == workspace_id:
        return workspace_id
    if style is LabelStyle.NAME:
        return name
    if style is LabelStyle.NAME_THEN_ID:
        return f"{name} ({workspace_id})"
    return f"{workspace_id} ({name})"
