"""Runs a Plan's Steps in dependency order, independent ones concurrently. Knows no HTTP.

The executor takes the steps and one function that performs a step (`fedctl.apply.steps`
supplies the real one, tests supply fakes). A step starts once every step it depends on is
done; a step with a failed or skipped prerequisite is skipped, never attempted, and so are
its own dependents. Every finished step (done, failed or skipped) is reported through
`on_finished`, always from the calling thread, so a CLI can print without locks.

Usage:
    result = execute_steps(plan.steps, runner.run, parallelism=8, on_finished=print_line)
    if not result.ok: raise ApplyFailed(result)
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from enum import StrEnum

from fedctl.core.address import Address
from fedctl.core.errors import ApiError, ApplyError, FedctlError, PlanError
from fedctl.plan.actions import Step


class StepStatus(StrEnum):
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class StepOutcome:
    """How one step ended; `message` is the one line a person reads for failed/skipped."""

    step: Step
    status: StepStatus
    message: str = ""
    request_id: str | None = None
    # The ID the API gave a resource this step created, shown so nobody has to look it up.
    created_id: str | None = None

    def render(self) -> str:
        head = f"{self.status.value:<7} {describe_step(self.step)}"
        if self.status is StepStatus.DONE:
            return f"{head} ({self.created_id})" if self.created_id else head
        return f"{head}: {self.message}"


@dataclass(frozen=True)
class ApplyResult:
    """Every step's outcome, in the order they finished."""

    outcomes: tuple[StepOutcome, ...] = ()

    def _with(self, status: StepStatus) -> tuple[StepOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.status is status)

    @property
    def done(self) -> tuple[StepOutcome, ...]:
        return self._with(StepStatus.DONE)

    @property
    def failed(self) -> tuple[StepOutcome, ...]:
        return self._with(StepStatus.FAILED)

    @property
    def skipped(self) -> tuple[StepOutcome, ...]:
        return self._with(StepStatus.SKIPPED)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped

    def render_summary(self, resources: Mapping[str, int] | None = None) -> str:
        """Counts, then every failed and skipped step with its reason.

        `resources` (verb -> count, e.g. {"created": 16}) turns a complete apply's line into
        `16 resources created in 24 steps`: resources and steps are different counts.
        """
        done = [f"{count} {verb}" for verb, count in (resources or {}).items() if count]
        if self.ok and done:
            noun = "resource" if done[0].startswith("1 ") else "resources"
            first, *rest = done
            number, verb = first.split(" ", 1)
            listing = ", ".join([f"{number} {noun} {verb}", *rest])
            steps = len(self.done)
            return f"Apply complete: {listing} in {steps} step{'s' if steps != 1 else ''}."
        lines = [
            f"Apply {'complete' if self.ok else 'stopped'}: {len(self.done)} done, "
            f"{len(self.failed)} failed, {len(self.skipped)} skipped."
        ]
        lines += [f"  failed  {describe_step(o.step)}: {o.message}" for o in self.failed]
        lines += [f"  skipped {describe_step(o.step)}: {o.message}" for o in self.skipped]
        if not self.ok:
            lines.append(
                "Steps already done stay done. Fix the cause and run `fedctl apply` again; "
                "it plans from the live state and finishes the job."
            )
        return "\n".join(lines)


class ApplyFailed(ApplyError):
    """Apply ended with failed or skipped steps; renders the whole summary."""

    def __init__(self, result: ApplyResult) -> None:
        self.result = result
        super().__init__(f"{len(result.failed)} step(s) failed")

    def render(self) -> str:
        return self.result.render_summary()


def describe_step(step: Step) -> str:
    """`create_rule rule/deploy-main (wrkspc_...)`: what a person needs to find the step."""
    if step.description:
        return step.description
    workspace = step.payload.get("workspace_id")
    suffix = f" ({workspace})" if isinstance(workspace, str) and workspace else ""
    return f"{step.operation.value} {step.kind.value}/{step.name}{suffix}"


StepFunction = Callable[[Step], None]
OutcomeCallback = Callable[[StepOutcome], None]


@dataclass
class _Schedule:
    """Which steps wait, run or finished; the only mutable state, touched by one thread.

    Ready steps sit in a heap by their position in the plan, and a step joins it when its
    last prerequisite is done, so starting steps costs O(log n) each instead of a scan of
    every waiting step (12,000 steps made that scan the bulk of a large apply's CPU).
    """

    steps: Sequence[Step]
    waiting: dict[int, Step] = field(default_factory=dict)
    status: dict[int, StepStatus] = field(default_factory=dict)
    ready_heap: list[int] = field(default_factory=list)
    # A step failed since the last skip pass, so waiting steps may now be blocked.
    failed_since_pass: bool = False
    _position: dict[int, int] = field(default_factory=dict)
    _missing: dict[int, int] = field(default_factory=dict)
    _dependents: dict[int, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        known = {step.id for step in self.steps}
        for position, step in enumerate(self.steps):
            unknown = [dep for dep in step.depends_on if dep not in known]
            if unknown or step.id in self.waiting:
                # A planner bug: refuse before any write rather than guess an order.
                raise PlanError(
                    f"step {step.id} depends on unknown step(s) {unknown} or repeats an id; "
                    "nothing was changed; plan again",
                    [Address(step.kind, step.name)],
                )
            self.waiting[step.id] = step
            self._position[step.id] = position
            deps = set(step.depends_on)
            self._missing[step.id] = len(deps)
            for dep in deps:
                self._dependents.setdefault(dep, []).append(step.id)
            if not deps:
                heapq.heappush(self.ready_heap, position)

    def record(self, step: Step, status: StepStatus) -> None:
        self.status[step.id] = status
        if status is not StepStatus.DONE:
            self.failed_since_pass = True
            return
        for dependent in self._dependents.get(step.id, ()):
            self._missing[dependent] -= 1
            if self._missing[dependent] == 0 and dependent in self.waiting:
                heapq.heappush(self.ready_heap, self._position[dependent])

    def pop_ready(self) -> Step | None:
        """The earliest ready step in plan order, taken out of `waiting`."""
        while self.ready_heap:
            step = self.steps[heapq.heappop(self.ready_heap)]
            if step.id in self.waiting:
                del self.waiting[step.id]
                return step
        return None

    def blocked_by(self, step: Step) -> int | None:
        """The first prerequisite that failed or was skipped, if any."""
        for dep in step.depends_on:
            if self.status.get(dep) in (StepStatus.FAILED, StepStatus.SKIPPED):
                return dep
        return None


def execute_steps(
    steps: Sequence[Step],
    run_step: StepFunction,
    *,
    parallelism: int = 8,
    on_finished: OutcomeCallback | None = None,
) -> ApplyResult:
    """Run `steps` (in a valid topological order) and return every outcome.

    `run_step` raises to fail a step; a `FedctlError` keeps its message (and request-id
    for `ApiError`), anything else is reported by type and message. Ready steps start in
    the order of `steps`, so `parallelism=1` runs exactly the plan's order.
    """
    schedule = _Schedule(steps)
    outcomes: list[StepOutcome] = []

    def finish(outcome: StepOutcome) -> None:
        schedule.record(outcome.step, outcome.status)
        outcomes.append(outcome)
        if on_finished is not None:
            on_finished(outcome)

    running: dict[Future[None], Step] = {}
    with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="apply") as pool:
        try:
            while schedule.waiting or running:
                if schedule.failed_since_pass:
                    _skip_blocked(schedule, finish)
                while len(running) < parallelism:
                    step = schedule.pop_ready()
                    if step is None:
                        break
                    running[pool.submit(run_step, step)] = step
                if not running:
                    # Blocked steps were skipped above and none is ready: a cycle.
                    if schedule.waiting and not _any_blocked(schedule):
                        raise PlanError("steps depend on each other in a cycle; plan again")
                    continue
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    finish(_outcome_of(running.pop(future), future))
        except BaseException:
            # Ctrl-C or a planner bug: start nothing new, let running writes finish.
            for future in running:
                future.cancel()
            raise
    return ApplyResult(tuple(outcomes))


def _skip_blocked(schedule: _Schedule, finish: OutcomeCallback) -> None:
    """Skip every waiting step with a failed or skipped prerequisite, transitively."""
    changed = True
    while changed:
        changed = False
        for step in list(schedule.waiting.values()):
            blocker = schedule.blocked_by(step)
            if blocker is None:
                continue
            del schedule.waiting[step.id]
            finish(
                StepOutcome(
                    step,
                    StepStatus.SKIPPED,
                    f"not attempted: prerequisite step {blocker} "
                    f"({_describe_id(schedule, blocker)}) did not succeed",
                )
            )
            changed = True
    schedule.failed_since_pass = False  # the pass was transitive: nothing is blocked now


def _any_blocked(schedule: _Schedule) -> bool:
    return any(schedule.blocked_by(step) is not None for step in schedule.waiting.values())


def _describe_id(schedule: _Schedule, step_id: int) -> str:
    for step in schedule.steps:
        if step.id == step_id:
            return describe_step(step)
    return "?"


def _outcome_of(step: Step, future: Future[None]) -> StepOutcome:
    error = future.exception()
    if error is None:
        return StepOutcome(step, StepStatus.DONE)
    if isinstance(error, ApiError):
        return StepOutcome(step, StepStatus.FAILED, error.render(), error.request_id)
    if isinstance(error, FedctlError):
        return StepOutcome(step, StepStatus.FAILED, error.render())
    if isinstance(error, Exception):
        return StepOutcome(step, StepStatus.FAILED, f"{type(error).__name__}: {error}")
    raise error
