"""Apply end to end, minus the talking: checks, the writes, then the read-back.

`fedctl.cli.apply` shows the plan and asks; this module does the rest in a fixed order:

1. `check_apply_allowed` - the safety limits (before anyone is asked to approve);
2. `execute_plan` - the organization guard, then every step through the executor;
3. `confirm_converged` (in `reconcile`) - a fresh plan must be empty.

Usage:
    check_apply_allowed(plan, live, limits, allow_large_changes=False)
    result = execute_plan(client, plan, live, declared_organization_id=None, parallelism=8)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fedctl.api.client import AdminClient
from fedctl.apply.executor import ApplyResult, OutcomeCallback, execute_steps
from fedctl.apply.names import ResourceIds
from fedctl.apply.reconcile import check_organization
from fedctl.apply.safety import SafetyLimits, check_safety
from fedctl.apply.steps import StepRunner
from fedctl.plan.actions import Change
from fedctl.state import LiveState

if TYPE_CHECKING:
    from fedctl.plan.plan import Plan


def check_apply_allowed(
    plan: Plan, live: LiveState, limits: SafetyLimits, *, allow_large_changes: bool
) -> None:
    """Refuse (UnsafePlanError) before confirmation when the plan trips a safety limit."""
    check_safety(plan, live, limits, allow_large_changes=allow_large_changes)


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
    return execute_steps(plan.steps, runner.run, parallelism=parallelism, on_finished=on_finished)


def touched_by(plan: Plan) -> Callable[[Change], bool]:
    """A filter for the read-back: only changes to resources this plan changed count.

    A targeted or saved plan leaves other differences alone on purpose; they are not a
    sign that this apply failed.
    """
    keys = {(change.kind, change.name) for change in plan.changes}
    return lambda change: (change.kind, change.name) in keys
