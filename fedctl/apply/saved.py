"""Checks that a saved plan still describes the world before apply runs it.

A saved plan is what a reviewer approved. Between `fedctl plan --out` and `fedctl apply
PLANFILE` the configuration may have moved on (another merge) and the live organization
may have changed (a Console edit, another apply). Either way the reviewed plan no longer
says what would happen, so apply refuses, changing nothing, and names what moved:

- the configuration's digest differs from the one the plan recorded;
- a live resource the plan touches has another `updated_at`, was archived, disappeared or
  was replaced by another ID (compared against the plan's `live_versions`);
- a resource the plan creates exists now.

Even when nothing moved, the file's steps are never run as written: anyone who can edit
the file could rewrite a payload or append a step while the reviewed text stays the same.
`recompute_saved_plan` makes the plan again from the configuration and the live state,
with apply's own options, and refuses unless its steps and changes are exactly the
file's; apply then shows and runs the recomputed plan, never the file's.

Nothing that shapes or guards the plan is taken from the file (`bound_options`): the
options (--prune, --target, --recreate-archived, --allow-self-lockout, --allow-large-
changes, --allow-lint-errors) come from apply's command line and the configuration's
settings, and apply refuses, naming the option, when the file records others; the
configuration comes from apply's --config, never from the path the file names.

Usage:
    loaded = load_saved_plan(client, plan_file, config_path, options=opts, overrides=o)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from fedctl.core.address import Address
from fedctl.core.errors import PlanError
from fedctl.core.state import Kind, LiveMeta, LiveState
from fedctl.plan.actions import Action

if TYPE_CHECKING:
    from pathlib import Path

    from fedctl.api.client import AdminClient
    from fedctl.config import Config
    from fedctl.guards.effective import GuardInputs
    from fedctl.live.snapshot import Snapshot
    from fedctl.plan.checks import SelfIdentity
    from fedctl.plan.plan import Plan, PlanOptions
    from fedctl.plan.refusals import Overrides

REPLAN = "nothing was changed; run `fedctl plan` again and review the new plan"


class _Versioned(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def updated_at(self) -> str | None: ...
    @property
    def archived_at(self) -> str | None: ...


class SavedPlanStale(PlanError):
    """The saved plan no longer matches the configuration or the live organization."""


def load_saved_plan(
    client: AdminClient,
    plan_file: Path,
    config_path: Path,
    *,
    options: PlanOptions,
    overrides: Overrides,
    variables: Sequence[str] = (),
    var_files: Sequence[str] = (),
    snapshot_path: Path | None = None,
    guards: GuardInputs | None = None,
    self_identity: SelfIdentity | None = None,
) -> tuple[Plan, LiveState, Config, Snapshot | None]:
    """The saved plan, made again with apply's options, once every check passes.

    The options are compared before the live read, so a mismatch touches no network. The
    configuration is the effective one (fedctl.guards): each guard the strictest of it and
    `guards`' trusted sources.
    """
    from fedctl.api_keys.live import with_managed_keys
    from fedctl.config import load_config
    from fedctl.guards.effective import enforce_guards
    from fedctl.live.read import read_live
    from fedctl.live.snapshot import check_plan_against_snapshot, read_snapshot
    from fedctl.plan.plan import Plan

    plan = Plan.from_file(plan_file)
    guarded = enforce_guards(
        load_config(config_path, variables=variables, var_files=var_files),
        guards.trusted if guards else (),
        tests=guards.tests if guards else (),
    )
    config = guarded.config
    check_bound_options(plan, options, overrides, settings_prune=config.settings.prune)
    live = with_managed_keys(config, read_live(client), client=client)
    # What was reviewed (planned against a snapshot) is what gets applied.
    check_plan_against_snapshot(plan, live, snapshot_path)
    check_saved_plan_current(plan, live, config_digest=config.digest)
    fresh = recompute_saved_plan(
        plan.model_copy(update={"shape": options}),
        live,
        config,
        source=plan_file,
        self_identity=self_identity,
    )
    snapshot = read_snapshot(snapshot_path) if snapshot_path is not None else None
    return guarded.onto(fresh), live, config, snapshot


class SavedPlanOptionsDiffer(PlanError):
    """apply was given other plan-shaping options than the saved plan records."""


def check_bound_options(
    plan: Plan, options: PlanOptions, overrides: Overrides, *, settings_prune: bool
) -> None:
    """Raise SavedPlanOptionsDiffer naming every option apply and the file disagree on."""
    recorded = _option_words(plan.shape, plan.overrides, settings_prune)
    given = _option_words(options, overrides, settings_prune)
    differing = [
        f"{name} (the plan: {recorded[name]}; this apply: {given[name]})"
        for name in recorded
        if recorded[name] != given[name]
    ]
    if differing:
        raise SavedPlanOptionsDiffer(
            f"the saved plan was made with other options than this apply's: "
            f"{'; '.join(differing)}; the options come from apply's command line and the "
            "configuration, never from the file: give apply the options the plan was "
            f"reviewed with, or make and review a new plan; {REPLAN.split('; ', 1)[0]}"
        )


def _option_words(
    options: PlanOptions, overrides: Overrides, settings_prune: bool
) -> dict[str, str]:
    """Each bound option -> how it reads (`on`, `off`, the targets), effective values."""
    prune = options.prune if options.prune is not None else settings_prune

    def flag(value: bool) -> str:
        return "on" if value else "off"

    return {
        "--prune": flag(prune),
        "--target": ", ".join(sorted(set(options.targets))) or "none",
        "--recreate-archived": flag(options.recreate_archived),
        "--allow-self-lockout": flag(options.allow_self_lockout),
        "--allow-large-changes": flag(overrides.allow_large_changes),
        "--allow-lint-errors": flag(overrides.allow_lint_errors),
    }


def check_saved_plan_current(plan: Plan, live: LiveState, *, config_digest: str) -> None:
    """Raise SavedPlanStale naming every moved resource; return when the plan is current."""
    if plan.config_digest != config_digest:
        raise SavedPlanStale(
            f"the configuration changed since this plan was made (digest "
            f"{_short(plan.config_digest)} in the plan, {_short(config_digest)} now); {REPLAN}"
        )
    if plan.organization.id != live.organization.id:
        raise SavedPlanStale(
            f"the plan was made for organization {plan.organization.id}, but the credential "
            f"belongs to {live.organization.id}; {REPLAN}"
        )
    moved = list(_moved_resources(plan, live))
    if moved:
        raise SavedPlanStale(
            f"changed since the plan was made: "
            f"{'; '.join(f'{address} {problem}' for address, problem in moved)}; {REPLAN}",
            [address for address, _problem in moved],
        )


class SavedPlanTampered(PlanError):
    """The saved plan's steps or changes are not what its configuration plans now."""


def recompute_saved_plan(
    plan: Plan,
    live: LiveState,
    config: Config,
    *,
    source: str | Path,
    self_identity: SelfIdentity | None,
) -> Plan:
    """The plan made afresh; raise SavedPlanTampered unless it equals the file's."""
    from fedctl.desired import build_desired
    from fedctl.plan.plan import plan_with

    fresh = plan_with(
        build_desired(config, live.workspaces),
        live,
        plan.shape,
        self_identity=self_identity,
        config_digest=config.digest,
    )
    differing = [
        what
        for what, same in (
            ("steps", fresh.steps == plan.steps),
            ("changes", fresh.changes == plan.changes),
        )
        if not same
    ]
    if differing:
        raise SavedPlanTampered(
            f"{source}: the saved plan's {' and '.join(differing)} differ from the plan "
            "recomputed now from the configuration and the live organization; a saved plan "
            "is applied only as reviewed; nothing was changed; run `fedctl plan --out FILE` "
            "again and review the new plan"
        )
    return fresh.model_copy(update={"shape": plan.shape, "snapshot": plan.snapshot})


def _short(digest: str) -> str:
    return digest[:12] if digest else "(none)"


def _moved_resources(plan: Plan, live: LiveState) -> Iterator[tuple[Address, str]]:
    """Each resource that moved since the plan was made, and how."""
    for address, version in sorted(plan.live_versions.items()):
        problem = _version_problem(address, version, live)
        if problem:
            yield address, problem
    for change in plan.changes:
        if change.action is Action.CREATE and _active_meta(live, change.kind, change.name):
            yield change.address, "exists now (the plan would create it)"


def _version_problem(address: Address, version: _Versioned, live: LiveState) -> str:
    kind = address.kind
    meta = _active_meta(live, kind, address.name)
    if meta is None:
        archived = _archived_meta_by_id(live, kind, version.id)
        if archived is not None:
            return f"was archived at {archived.archived_at}"
        return f"no longer exists ({version.id} is gone or was renamed)"
    if meta.id != version.id:
        return f"was replaced ({version.id} in the plan, {meta.id} now)"
    if meta.updated_at != version.updated_at:
        return f"was updated at {meta.updated_at} (plan saw {version.updated_at})"
    if meta.archived_at != version.archived_at:
        return f"archive state changed (plan saw archived_at {version.archived_at})"
    return ""


def _active_meta(live: LiveState, kind: Kind, name: str) -> LiveMeta | None:
    if kind is Kind.SERVICE_ACCOUNT:
        account = live.service_accounts.get(name)
        return account.meta if account else None
    if kind is Kind.ISSUER:
        issuer = live.issuers.get(name)
        return issuer.meta if issuer else None
    rule = live.rules.get(name)
    return rule.meta if rule else None


def _archived_meta_by_id(live: LiveState, kind: Kind, resource_id: str) -> LiveMeta | None:
    metas: list[LiveMeta]
    if kind is Kind.SERVICE_ACCOUNT:
        metas = [account.meta for account in live.archived_service_accounts]
    elif kind is Kind.ISSUER:
        metas = [issuer.meta for issuer in live.archived_issuers]
    else:
        metas = [rule.meta for rule in live.archived_rules]
    return next((meta for meta in metas if meta.id == resource_id), None)
