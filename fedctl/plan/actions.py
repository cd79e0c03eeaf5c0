"""The vocabulary of a plan: what changes (Change, for people) and how (Step, for apply).

A `Change` is one resource-level line a reviewer reads (`+ rule/deploy-main`). A `Step`
is one Admin API write that apply performs; a change usually needs several steps (create
a service account, then add its memberships). Steps reference resources by *name* and
are resolved to IDs at apply time, because a create's ID only exists once it has run.

Usage:
    step = Step(id=1, operation=Operation.CREATE_ISSUER, kind=Kind.ISSUER, name="gha",
                payload={"name": "gha", "issuer_url": "https://..."})
    change = Change(kind=Kind.ISSUER, name="gha", action=Action.CREATE, after={...})
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fedctl.core.address import Address
from fedctl.core.state import Kind


class Action(StrEnum):
    """Resource-level actions, each with the symbol the text plan shows."""

    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    ARCHIVE = "archive"
    # API keys only: status set to inactive (reversible in the Console, unlike archive).
    DEACTIVATE = "deactivate"

    @property
    def symbol(self) -> str:
        symbols = {
            "create": "+",
            "update": "~",
            "replace": "-/+",
            "archive": "-",
            "deactivate": "x",
        }
        return symbols[self.value]


_SYMBOLS = {"create": "+", "update": "~", "replace": "-/+", "archive": "-", "deactivate": "x"}


class Operation(StrEnum):
    """One Admin API write. The payload keys are listed per operation in `fedctl.apply`."""

    CREATE_SERVICE_ACCOUNT = "create_service_account"
    UPDATE_SERVICE_ACCOUNT = "update_service_account"
    ARCHIVE_SERVICE_ACCOUNT = "archive_service_account"
    PUT_MEMBERSHIP = "put_membership"  # add or change role (the API upserts)
    REMOVE_MEMBERSHIP = "remove_membership"
    CREATE_ISSUER = "create_issuer"
    UPDATE_ISSUER = "update_issuer"
    ARCHIVE_ISSUER = "archive_issuer"
    CREATE_RULE = "create_rule"
    UPDATE_RULE = "update_rule"
    ARCHIVE_RULE = "archive_rule"
    ENABLE_RULE_WORKSPACE = "enable_rule_workspace"
    DISABLE_RULE_WORKSPACE = "disable_rule_workspace"
    DEACTIVATE_API_KEY = "deactivate_api_key"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Step(_Frozen):
    """One API write, in dependency order.

    `name` is the resource's name *when the step runs* (after earlier renames); `live_id`
    is set when the resource already exists, so apply need not look it up. Payloads hold
    API field values, with references by name (`issuer_name`, `service_account_name`,
    `workspace_id`) for apply to resolve. `depends_on` lists step ids that must succeed
    first; steps whose dependencies are all done may run concurrently.
    """

    id: int
    operation: Operation
    kind: Kind
    name: str
    live_id: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict)
    depends_on: tuple[int, ...] = ()
    description: str = ""


class Change(_Frozen):
    """One resource-level change, for people: before/after are normalised spec dicts."""

    # In the order the JSON document (fedctl.render.json) shows them.
    kind: Kind
    name: str
    action: Action
    live_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    changed_fields: tuple[str, ...] = ()
    reason: str = ""
    # IDs that stop working (archive/replace of a rule or service account): workloads
    # configured with ANTHROPIC_FEDERATION_RULE_ID / ANTHROPIC_SERVICE_ACCOUNT_ID break.
    ids_retired: tuple[str, ...] = ()
    in_place_alternative: str = ""
    step_ids: tuple[int, ...] = ()

    @property
    def address(self) -> Address:
        return Address(self.kind, self.name)


class SnapshotRef(BaseModel):
    """How a plan names the snapshot it was computed against."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    digest: str
    taken_at: str

    @property
    def label(self) -> str:
        """How every output names the snapshot: digest and time."""
        return f"{self.digest} (taken {self.taken_at})"
