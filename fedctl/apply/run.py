"""Apply end to end, minus the talking: limits, approval, guard, writes, read-back.

`apply_plan` is the one sequence both the CLI and the tests run, in a fixed order that
is itself the safety argument:

1. the gate (`gate`: protection, policies, lint, safety limits), the same checks
   `fedctl plan` ran, before anyone is asked to approve; a plan not judged yet is judged
   here with no overrides;
2. `approve()` - the caller's question (the CLI asks on a TTY or refuses);
3. the organization guard (`reconcile.check_organization`), just before the first write;
4. every step through the executor (`executor`, `steps`);
5. a fresh plan must show nothing left (`reconcile.confirm_converged`).

Usage:
    result = apply_plan(client, plan, live, config, replan=lambda: plan_again(),
                        options=ApplyOptions(parallelism=8), approve=lambda: None)
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fedctl.api.client import AdminClient
from fedctl.apply.executor import (
    ApplyFailed,
    ApplyResult,
    OutcomeCallback,
    StepOutcome,
    StepStatus,
    execute_steps,
)
from fedctl.apply.gate import GateInputs, enforce, judge
from fedctl.apply.names import ResourceIds
from fedctl.apply.reconcile import check_organization, confirm_converged
from fedctl.apply.steps import StepRunner
from fedctl.core.state import LiveState
from fedctl.plan.actions import Action, Change, Operation
from fedctl.plan.refusals import Overrides

if TYPE_CHECKING:
    from fedctl.config import Config
    from fedctl.plan.plan import Plan


@dataclass(frozen=True)
class ApplyOptions:
    """How one apply runs. `whole=False` for targeted and saved plans: the read-back then
    judges only the resources this plan changed."""

    parallelism: int = 8
    whole: bool = True
    # Used only to judge a plan the caller did not judge (fedctl.apply.gate).
    overrides: Overrides = dataclasses.field(default_factory=Overrides)
    sleep: Callable[[float], None] = time.sleep


def apply_plan(
    client: AdminClient,
    plan: Plan,
    live: LiveState,
    config: Config,
    *,
    replan: Callable[[], Plan],
    options: ApplyOptions,
    approve: Callable[[], None],
    on_finished: OutcomeCallback | None = None,
    on_done: Callable[[], None] | None = None,
) -> ApplyResult:
    """Run the sequence above; raise ApplyFailed when a step failed, NotConverged when the
    read-back still differs. `on_done` runs after the last step, before the read-back."""
    if not plan.gate_checked:
        plan = judge(GateInputs(plan, live, config), options.overrides)
    enforce(plan)
    approve()
    try:
        result = execute_plan(
            client,
            plan,
            live,
            declared_organization_id=config.organization_id,
            parallelism=options.parallelism,
            on_finished=on_finished,
        )
    finally:
        if on_done is not None:
            on_done()
    if not result.ok:
        raise ApplyFailed(result)
    relevant: Callable[[Change], bool] = (
        (lambda change: True) if options.whole else touched_by(plan)
    )
    confirm_converged(replan, sleep=options.sleep, relevant=relevant)
    return result


def execute_plan(
    client: AdminClient,
    plan: Plan,
    live: LiveState,
    *,
    declared_organization_id: str | None,
    parallelism: int,
    on_finished: OutcomeCallback | None = None,
) -> ApplyResult:
    """Guard the organization, then run every step; never raises for a failed step."""
    check_organization(
        client,
        plan_organization_id=plan.organization.id,
        declared_organization_id=declared_organization_id,
    )
    runner = StepRunner(client, ResourceIds.from_live(live))

    def finished(outcome: StepOutcome) -> None:
        if on_finished is not None:
            on_finished(_with_created_id(outcome, runner.ids))

    return execute_steps(plan.steps, runner.run, parallelism=parallelism, on_finished=finished)


_CREATES = frozenset(
    {Operation.CREATE_SERVICE_ACCOUNT, Operation.CREATE_ISSUER, Operation.CREATE_RULE}
)


def _with_created_id(outcome: StepOutcome, ids: ResourceIds) -> StepOutcome:
    step = outcome.step
    if outcome.status is not StepStatus.DONE or step.operation not in _CREATES:
        return outcome
    return dataclasses.replace(outcome, created_id=ids.get(step.kind, step.name))


def resource_counts(plan: Plan) -> dict[str, int]:
    """What the apply summary counts: resources by action, apart from steps."""
    verbs = {
        Action.CREATE: "created",
        Action.UPDATE: "updated",
        Action.REPLACE: "replaced",
        Action.ARCHIVE: "archived",
        Action.DEACTIVATE: "deactivated",
    }
    return {verbs[action]: count for action, count in plan.counts().items()}


def touched_by(plan: Plan) -> Callable[[Change], bool]:
    """A filter for the read-back: only changes to resources this plan changed count.

    A targeted or saved plan leaves other differences alone on purpose; they are not a
    sign that this apply failed.
    """
    keys = {(change.kind, change.name) for change in plan.changes}
    return lambda change: (change.kind, change.name) in keys
