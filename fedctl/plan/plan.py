"""The Plan (data first, rendered later) and `compute_plan`, the planner's one entry point.

compute_plan: organization guard -> match -> diff per kind -> unmanaged/prune -> predicted
refusals -> order -> (optional) --target selection. A saved plan (`--out`) is this model
as JSON: the configuration digest, the live versions of every resource it touches and
the ordered steps, for `fedctl apply FILE`.

Usage:
    plan = compute_plan(desired, live, prune=True)
    plan.to_file("plan.json"); Plan.from_file("plan.json") == plan
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fedctl.access.diff import compute_access_diff
from fedctl.access.model import AccessDiff
from fedctl.core.address import Address
from fedctl.core.errors import PlanError, UsageError
from fedctl.core.jwk import PRIVATE_JWK_MEMBERS, leaked_key_notes
from fedctl.core.safe_write import PRIVATE, write_file
from fedctl.core.state import DesiredState, Kind, LiveState, Organization
from fedctl.plan.accounts import diff_service_accounts
from fedctl.plan.actions import Action, Change, SnapshotRef, Step
from fedctl.plan.checks import (
    SelfIdentity,
    check_organization,
    check_self,
    console_managed_ids,
    console_managed_names,
    run_checks,
)
from fedctl.plan.context import DiffContext, DiffOptions, PendingChange
from fedctl.plan.diff import match_all
from fedctl.plan.guardrails import GuardrailChange
from fedctl.plan.hold import hold_unmanageable, unmanageable_ids
from fedctl.plan.issuers import diff_issuers
from fedctl.plan.keys import diff_api_keys
from fedctl.plan.options import PlanOptions
from fedctl.plan.order import order_drafts
from fedctl.plan.problems import raise_problems
from fedctl.plan.prune import diff_unmanaged
from fedctl.plan.records import AccessTestChange, HeldResource, PolicyFailure
from fedctl.plan.refusals import LintNote, Overrides, Refusal, gate_verdict
from fedctl.plan.rename_hints import rename_hints
from fedctl.plan.retained import still_granting
from fedctl.plan.rules import diff_rules

# The saved plan's format (`--out`). 2: policy failures, access-test changes and held
# resources are records with fields, no longer lines of text.
FORMAT_VERSION = 2

KIND_ALIASES = {
    "service_account": Kind.SERVICE_ACCOUNT,
    "service-account": Kind.SERVICE_ACCOUNT,
    "service_accounts": Kind.SERVICE_ACCOUNT,
    "issuer": Kind.ISSUER,
    "issuers": Kind.ISSUER,
    "rule": Kind.RULE,
    "rules": Kind.RULE,
}

__all__ = [
    "FORMAT_VERSION",
    "LiveVersion",
    "Plan",
    "PlanOptions",
    "SelfIdentity",
    "compute_plan",
    "plan_with",
]


class LiveVersion(BaseModel):
    """What apply compares to detect that the organization moved since the plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    updated_at: str | None = None
    archived_at: str | None = None


class Plan(BaseModel):
    """Everything `fedctl plan` found; renderers turn it into text, JSON or Markdown."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The fields in the order the JSON document (fedctl.render.json) shows them; the ones
    # it leaves out are apply's and the saved file's (fedctl.render.json.NOT_SHOWN).
    format_version: int = FORMAT_VERSION
    organization: Organization
    config_digest: str = ""
    # Where the configuration was, relative to the folder `fedctl plan` ran in, so
    # `fedctl apply plan.json` finds it without --config. Untrusted when read back: it
    # only chooses what to load, and the digest above must then match.
    config_path: str | None = Field(default=None, max_length=4096)
    # Additive: the snapshot the plan was computed against, when it was;
    # apply then compares live state with that snapshot before writing.
    snapshot: SnapshotRef | None = None
    # Additive: who gains or loses the power to mint what, where; filled by
    # compute_plan, rendered before the field-level changes.
    access: AccessDiff = Field(default_factory=AccessDiff)
    changes: tuple[Change, ...] = ()
    steps: tuple[Step, ...] = ()
    live_versions: dict[Address, LiveVersion] = Field(default_factory=dict)
    unmanaged: tuple[Address, ...] = ()
    # Live resources settings.unmanaged leaves to another team: `kind/name (id)`.
    not_managed_here: tuple[str, ...] = ()
    # Live rules no file declares that keep granting access after this plan (prune off,
    # protected, Console-managed, unmanaged): shown in the access section.
    still_granting: tuple[str, ...] = ()
    console_managed: tuple[Address, ...] = ()
    # Live resources fedctl cannot represent exactly, with the reason; never changed.
    unmanageable: tuple[HeldResource, ...] = ()
    # Organization policies that failed on the planned configuration (deny or warn); a
    # deny stops `fedctl plan` (exit 1).
    policy_failures: tuple[PolicyFailure, ...] = ()
    # Access-test cases whose outcome this plan changes.
    access_test_changes: tuple[AccessTestChange, ...] = ()
    warnings: tuple[str, ...] = ()
    # Additive: where the enforced guards came from (`configuration`, a snapshot, a
    # --guards-from source) and how this change moves them (fedctl.guards).
    guard_sources: tuple[str, ...] = ()
    guardrail_changes: tuple[GuardrailChange, ...] = ()
    # Workspace ID -> display name, so outputs can name workspaces (additive to the contract).
    workspace_names: dict[str, str] = Field(default_factory=dict)
    # Additive: what the gate (fedctl.apply.gate) found; plan and apply run the same one.
    gate_checked: bool = False
    refusals: tuple[Refusal, ...] = ()
    lint_findings: tuple[LintNote, ...] = ()
    overrides: Overrides = Field(default_factory=Overrides)
    # Additive: the options the plan was made with. A saved plan's steps are never run as
    # written: apply recomputes the plan with these options and compares.
    shape: PlanOptions = Field(default_factory=PlanOptions)

    @property
    def gate_verdict(self) -> str:  # passed, passed with overrides, refused, not checked
        return gate_verdict(self.refusals, checked=self.gate_checked)

    def is_empty(self) -> bool:
        return not self.changes

    def counts(self) -> dict[Action, int]:
        return {action: sum(c.action is action for c in self.changes) for action in Action}

    def to_file(self, path: str | Path) -> None:
        """Write the plan; refuses (never writes) one carrying private JWK members."""
        _refuse_private_keys(self, path)
        # 0600 like a snapshot: a saved plan maps the organization's trust relationships.
        write_file(Path(path), self.model_dump_json(indent=2) + "\n", mode=PRIVATE)

    @classmethod
    def from_file(cls, path: str | Path) -> Plan:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise PlanError(f"{path}: cannot read the saved plan ({exc.strerror})") from exc
        except UnicodeDecodeError:
            raise PlanError(
                f"{path}: cannot read the saved plan (not UTF-8 text); write one with "
                "`fedctl plan --out FILE`"
            ) from None
        # The version first: a plan of another format fails the shape too, and saying
        # "not a plan file" of it would hide that a plan again is all it needs.
        _refuse_other_format(text, path)
        try:
            plan = cls.model_validate_json(text)
        except ValidationError as exc:
            raise PlanError(
                f"{path}: not a fedctl plan file ({exc.error_count()} problem(s), first at "
                f"{'.'.join(str(p) for p in exc.errors()[0]['loc']) or 'top level'}); "
                "write one with `fedctl plan --out FILE`"
            ) from exc
        # NOTE: an edited plan must not smuggle a private key into an issuer request.
        _refuse_private_keys(plan, path)
        return plan


def _refuse_other_format(text: str, path: str | Path) -> None:
    """PlanError when the file is a JSON object whose format_version is another integer."""
    try:
        document = json.loads(text)
    except ValueError:
        return  # not JSON: the shape check says so
    version = document.get("format_version") if isinstance(document, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version != FORMAT_VERSION:
        raise PlanError(
            f"{path}: plan format_version {version} is not supported "
            f"(this fedctl reads {FORMAT_VERSION}); plan again with this version"
        )


def _refuse_private_keys(plan: Plan, path: str | Path) -> None:
    leak = find_private_jwk(plan.model_dump(mode="json"))
    if leak is not None:
        kid, members = leak
        raise PlanError(
            f"{path}: the saved plan carries private key members ({', '.join(members)}) in "
            f"JWKS key {kid}; a plan publishes only public keys: make it again with "
            "`fedctl plan --out FILE`"
        )


def find_private_jwk(value: object) -> tuple[str, list[str]] | None:
    """The kid and private members of the first JWK (a mapping with `kty`) holding any."""
    if isinstance(value, dict):
        if "kty" in value:
            members = sorted(PRIVATE_JWK_MEMBERS & value.keys())
            if members:
                return str(value.get("kid", "(no kid)")), members
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = find_private_jwk(item)
            if found is not None:
                return found
    return None


def plan_with(
    desired: DesiredState,
    live: LiveState,
    options: PlanOptions,
    *,
    self_identity: SelfIdentity | None = None,
    config_digest: str = "",
) -> Plan:
    """`compute_plan` with the command's options, which the plan then records."""
    if options.prune is not None:
        desired = desired.model_copy(update={"prune": options.prune})
    plan = compute_plan(
        desired,
        live,
        recreate_archived=options.recreate_archived,
        allow_self_lockout=options.allow_self_lockout,
        self_identity=self_identity,
        targets=options.targets,
        config_digest=config_digest,
    )
    return plan.model_copy(update={"shape": options})


def _warnings(ctx: DiffContext, changes: Sequence[Change]) -> tuple[str, ...]:
    """The planner's warnings, leaked keys', and a hint where a create looks like a rename."""
    created = [(change.kind, change.name) for change in changes if change.action is Action.CREATE]
    hints = rename_hints(
        ctx.desired, ctx.live, created=created, console_managed=console_managed_names(ctx.live)
    )
    return (*ctx.warnings, *_leaked_key_warnings(ctx.live), *hints)


def compute_plan(
    desired: DesiredState,
    live: LiveState,
    *,
    prune: bool = False,
    recreate_archived: bool = False,
    allow_self_lockout: bool = False,
    self_identity: SelfIdentity | None = None,
    targets: Sequence[str] = (),
    config_digest: str = "",
) -> Plan:
    """The changes that make `live` match `desired`; raises PlanError for predicted refusals."""
    check_organization(desired, live)
    wanted = _parse_targets(targets, desired, live)
    ctx = DiffContext(
        desired,
        live,
        DiffOptions(prune=prune or desired.prune, recreate_archived=recreate_archived),
    )
    held, unmanaged = _diff_all_kinds(ctx)
    check_self(
        ctx, list(ctx.changes.values()), self_identity, allow_self_lockout=allow_self_lockout
    )
    raise_problems(ctx.problems)
    steps, step_id_of_draft = order_drafts(ctx.drafts)
    changes = _attach_steps(ctx, step_id_of_draft)
    if wanted:
        changes, steps = _select_targets(changes, steps, wanted)
    return Plan(
        organization=live.organization,
        config_digest=config_digest,
        changes=changes,
        steps=steps,
        live_versions=_live_versions(ctx, changes),
        unmanaged=tuple(unmanaged),
        not_managed_here=tuple(ctx.out.not_managed),
        still_granting=still_granting(ctx.rules.unclaimed, changes, ctx.inputs.workspace_names),
        console_managed=tuple(console_managed_names(live)),
        unmanageable=tuple(held.values()),
        warnings=_warnings(ctx, changes),
        workspace_names={ws.id: ws.name for ws in live.workspaces},
        access=compute_access_diff(desired, live, plan_changes=changes),
    )


def _diff_all_kinds(ctx: DiffContext) -> tuple[dict[str, HeldResource], list[Address]]:
    """Match, diff each kind, hold what fedctl cannot represent, and check the result.

    Returns the held (unmanageable) resources and the unmanaged live ones.
    """
    match_all(ctx)
    console_rule_ids, console_issuer_ids = console_managed_ids(ctx.live)
    diff_service_accounts(ctx)
    diff_issuers(ctx, console_issuer_ids)
    diff_rules(ctx, console_rule_ids)
    held = unmanageable_ids(ctx)
    unmanaged = diff_unmanaged(ctx, console_rule_ids | console_issuer_ids | set(held))
    ctx.warnings.extend(hold_unmanageable(ctx, held))
    # Last: the keys wait on every step planned before them.
    diff_api_keys(ctx)
    run_checks(ctx)
    return held, unmanaged


def _live_versions(ctx: DiffContext, changes: Sequence[Change]) -> dict[Address, LiveVersion]:
    touched_names = _touched_keys(ctx, changes)
    return {
        key: LiveVersion(id=meta.id, updated_at=meta.updated_at, archived_at=meta.archived_at)
        for key, meta in sorted(ctx.touched.items())
        if key in touched_names
    }


def _leaked_key_warnings(live: LiveState) -> list[str]:
    return [
        note
        for issuer in live.issuers.values()
        for note in leaked_key_notes(issuer.spec.name, issuer.spec.jwks)
    ]


def _attach_steps(ctx: DiffContext, step_id_of_draft: list[int]) -> tuple[Change, ...]:
    step_ids: dict[tuple[Kind, str], list[int]] = {}
    for draft, step_id in zip(ctx.drafts, step_id_of_draft, strict=True):
        if draft.change_key is not None:
            step_ids.setdefault(draft.change_key, []).append(step_id)
    changes = [
        _to_change(pending, tuple(sorted(step_ids.get(key, []))))
        for key, pending in ctx.changes.items()
    ]
    changes.sort(key=lambda c: (c.step_ids[0] if c.step_ids else 0, c.kind.value, c.name))
    return tuple(changes)


def _to_change(pending: PendingChange, step_ids: tuple[int, ...]) -> Change:
    # PendingChange holds Change's fields but step_ids; Change forbids extra fields, so a
    # field added to PendingChange alone fails every plan loudly instead of vanishing.
    return Change(**vars(pending), step_ids=step_ids)


def _touched_keys(ctx: DiffContext, changes: Sequence[Change]) -> set[Address]:
    live_ids = {change.live_id for change in changes if change.live_id}
    return {key for key, meta in ctx.touched.items() if meta.id in live_ids}


# --- --target -----------------------------------------------------------------------


def _parse_targets(targets: Sequence[str], desired: DesiredState, live: LiveState) -> set[Address]:
    wanted: set[Address] = set()
    for target in targets:
        kind_text, _, name = target.partition("/")
        kind = KIND_ALIASES.get(kind_text.strip().lower())
        if kind is None or not name:
            raise UsageError(
                f"--target {target}: expected KIND/NAME with KIND one of service_account, "
                "issuer, rule (e.g. rule/deploy-main)"
            )
        known: dict[Kind, set[str]] = {
            Kind.SERVICE_ACCOUNT: {*desired.service_accounts, *live.service_accounts},
            Kind.ISSUER: {*desired.issuers, *live.issuers},
            Kind.RULE: {*desired.rules, *live.rules},
        }
        if name not in known[kind]:
            raise UsageError(f"--target {target}: no {kind.value} of that name is declared or live")
        wanted.add(Address(kind, name))
    return wanted


def _select_targets(
    changes: tuple[Change, ...], steps: tuple[Step, ...], wanted: set[Address]
) -> tuple[tuple[Change, ...], tuple[Step, ...]]:
    """Only the targeted changes, plus every change one of their steps depends on."""
    change_of_step = {step_id: change for change in changes for step_id in change.step_ids}
    steps_by_id = {step.id: step for step in steps}
    selected = {c.address for c in changes if c.address in wanted}
    while True:
        needed = {
            dep
            for change in changes
            if change.address in selected
            for step_id in change.step_ids
            for dep in steps_by_id[step_id].depends_on
        }
        grown = selected | {change_of_step[d].address for d in needed}
        if grown == selected:
            break
        selected = grown
    kept_changes = [c for c in changes if c.address in selected]
    kept_ids = sorted(step_id for c in kept_changes for step_id in c.step_ids)
    renumber = {old: new for new, old in enumerate(kept_ids, start=1)}
    kept_steps = tuple(
        steps_by_id[old].model_copy(
            update={
                "id": renumber[old],
                "depends_on": tuple(renumber[d] for d in steps_by_id[old].depends_on),
            }
        )
        for old in kept_ids
    )
    renumbered = tuple(
        c.model_copy(update={"step_ids": tuple(renumber[s] for s in c.step_ids)})
        for c in kept_changes
    )
    return renumbered, kept_steps
