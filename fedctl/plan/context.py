"""The state of one planning run: its frozen inputs and what it accumulates.

`DiffInputs` (the two states and the options) never change during a run; `PlanOutput`
collects changes, draft steps, problems and warnings as each kind is diffed. A
`DiffContext` holds both, plus the matching of declared to live resources, and reads
through to them so that the per-kind diff functions take one argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fedctl.core.address import Address
from fedctl.core.resolved import workspace_label
from fedctl.core.state import (
    DesiredState,
    Kind,
    LiveIssuer,
    LiveMeta,
    LiveRule,
    LiveServiceAccount,
    LiveState,
)
from fedctl.plan.actions import Action
from fedctl.plan.match import KindMatching, archived_note, describe_archived
from fedctl.plan.order import Draft
from fedctl.plan.problems import Problem

# Whether an archived resource keeps its name (docs/admin-api.md §8 item 4: unknown; the
# strict reading, which the emulator serves, is that it does).
ARCHIVED_NAMES_RESERVED = True


@dataclass
class PendingChange:
    """A Change before its steps have ids."""

    kind: Kind
    name: str
    action: Action
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    changed_fields: tuple[str, ...] = ()
    reason: str = ""
    live_id: str | None = None
    ids_retired: tuple[str, ...] = ()
    in_place_alternative: str = ""


@dataclass(frozen=True)
class DiffOptions:
    prune: bool = False
    recreate_archived: bool = False


@dataclass(frozen=True)
class DiffInputs:
    """What a planning run reads and never changes."""

    desired: DesiredState
    live: LiveState
    options: DiffOptions
    workspace_names: dict[str, str]

    @classmethod
    def of(cls, desired: DesiredState, live: LiveState, options: DiffOptions) -> DiffInputs:
        names = {workspace.id: workspace.name for workspace in live.workspaces}
        return cls(desired, live, options, names)


@dataclass
class PlanOutput:
    """What a planning run accumulates, kind by kind."""

    changes: dict[tuple[Kind, str], PendingChange] = field(default_factory=dict)
    drafts: list[Draft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Address (by live name) -> meta of every live resource a step touches.
    touched: dict[Address, LiveMeta] = field(default_factory=dict)
    # Live rule ids this plan archives or moves to another service account, and the live
    # ids of issuers and service accounts it archives.
    archived_rule_ids: set[str] = field(default_factory=set)
    retargeted_rule_ids: set[str] = field(default_factory=set)
    archived_ids: set[str] = field(default_factory=set)
    # Live undeclared resources matched by settings.unmanaged: "kind/name (id)".
    not_managed: list[str] = field(default_factory=list)


class DiffContext:
    """One planning run: frozen inputs, the matching, and the output accumulator."""

    def __init__(self, desired: DesiredState, live: LiveState, options: DiffOptions) -> None:
        self.inputs = DiffInputs.of(desired, live, options)
        self.out = PlanOutput()
        self.service_accounts: KindMatching[LiveServiceAccount] = KindMatching()
        self.issuers: KindMatching[LiveIssuer] = KindMatching()
        self.rules: KindMatching[LiveRule] = KindMatching()

    # Reads of the inputs and the accumulator, so that diff functions take one argument.
    @property
    def desired(self) -> DesiredState:
        return self.inputs.desired

    @property
    def live(self) -> LiveState:
        return self.inputs.live

    @property
    def options(self) -> DiffOptions:
        return self.inputs.options

    @property
    def changes(self) -> dict[tuple[Kind, str], PendingChange]:
        return self.out.changes

    @property
    def drafts(self) -> list[Draft]:
        return self.out.drafts

    @property
    def problems(self) -> list[Problem]:
        return self.out.problems

    @property
    def warnings(self) -> list[str]:
        return self.out.warnings

    @property
    def touched(self) -> dict[Address, LiveMeta]:
        return self.out.touched

    @property
    def archived_rule_ids(self) -> set[str]:
        return self.out.archived_rule_ids

    @property
    def retargeted_rule_ids(self) -> set[str]:
        return self.out.retargeted_rule_ids

    @property
    def archived_ids(self) -> set[str]:
        return self.out.archived_ids

    def workspace_label(self, workspace_id: str) -> str:
        """`production` for a step description; the ID when the workspace is unknown."""
        return workspace_label(workspace_id, self.inputs.workspace_names)

    def add_change(self, change: PendingChange) -> None:
        self.changes[(change.kind, change.name)] = change

    def add_draft(self, draft: Draft, change_key: tuple[Kind, str]) -> Draft:
        draft.change_key = change_key
        self.drafts.append(draft)
        return draft

    def touch(self, kind: Kind, name: str, meta: LiveMeta) -> None:
        self.touched[Address(kind, name)] = meta

    def recreation_reason(
        self, kind: Kind, name: str, archived: LiveIssuer | LiveRule | None, consequence: str
    ) -> str | None:
        """The create's reason ("" when nothing was archived), or None when it is refused.

        NOTE: docs/admin-api.md §8 item 4 leaves open whether an archived resource keeps its
        name; fedctl takes the strict reading the emulator serves (it does: a create
        under that name is 409). So a declared resource whose name an archived one of
        its kind holds is refused here, at plan time, with a free name to use instead:
        apply would otherwise stop half-way. --recreate-archived re-creates only where
        the name is free (`ARCHIVED_NAMES_RESERVED` off).
        """
        if archived is None:
            return ""
        described = describe_archived(kind, archived)
        if ARCHIVED_NAMES_RESERVED:
            self.problems.append(
                Problem(
                    (Address(kind, name),),
                    f"declared, but its only live copy {archived_note(archived.meta)}, and "
                    f"an archived {kind.value.replace('_', ' ')} keeps its name (the API "
                    f"refuses a new one under it with 409, --recreate-archived included): "
                    f"give it a new name in the configuration, e.g. "
                    f"{self.free_name(kind, name)}, or remove it from the configuration",
                )
            )
            return None
        if not self.options.recreate_archived:
            self.problems.append(
                Problem(
                    (Address(kind, name),),
                    f"declared, but its only live copy {archived_note(archived.meta)}; pass "
                    "--recreate-archived to create it again (with a new ID), or remove it "
                    "from the configuration",
                )
            )
            return None
        self.warnings.append(f"{kind.value}/{name}: re-created although {described}; {consequence}")
        return f"re-created: {described}"

    def free_name(self, kind: Kind, name: str) -> str:
        """`NAME-2` (or -3, ...): a name no live, archived or declared resource holds."""
        taken = self._names_of(kind)
        suffix = 2
        while f"{name}-{suffix}" in taken:
            suffix += 1
        return f"{name}-{suffix}"

    def _names_of(self, kind: Kind) -> set[str]:
        live, desired = self.live, self.desired
        if kind is Kind.ISSUER:
            archived = {issuer.spec.name for issuer in live.archived_issuers}
            return set(live.issuers) | archived | set(desired.issuers)
        if kind is Kind.RULE:
            archived = {rule.spec.name for rule in live.archived_rules}
            return set(live.rules) | archived | set(desired.rules)
        archived = {account.spec.name for account in live.archived_service_accounts}
        return set(live.service_accounts) | archived | set(desired.service_accounts)

    def live_rules_referencing(self, live_id: str) -> list[LiveRule]:
        return [
            rule
            for rule in self.live.rules.values()
            if live_id in (rule.issuer_id, rule.service_account_id)
        ]
