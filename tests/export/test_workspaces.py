from fedctl.core.state import Workspace
from fedctl.export.workspaces import WorkspaceNamer


def test_references_are_names_only_when_unambiguous() -> None:
    namer = WorkspaceNamer.from_workspaces(
        [
            Workspace(id="wrkspc_01d", name="Default", is_default=True),
            Workspace(id="wrkspc_01p", name="production"),
            Workspace(id="wrkspc_01a", name="staging"),
            Workspace(id="wrkspc_01b", name="Staging"),
            Workspace(id="wrkspc_01x", name="default"),
            Workspace(id="wrkspc_01y", name="wrkspc_fake"),
            Workspace(id="wrkspc_01z", name="old", archived=True),
        ]
    )
    assert [
        namer.reference(i)
        for i in ("wrkspc_01d", "wrkspc_01p", "wrkspc_01a", "wrkspc_01b", "wrkspc_01x")
    ] == ["default", "production", "wrkspc_01a", "wrkspc_01b", "wrkspc_01x"]
    assert namer.reference("wrkspc_01y") == "wrkspc_01y"
    assert namer.reference("wrkspc_01z") == "wrkspc_01z"
    assert namer.reference("wrkspc_unknown") == "wrkspc_unknown"
