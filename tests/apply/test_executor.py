"""The executor against fake step functions: order, skips, concurrency, reporting."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fedctl.apply.executor import (
    ApplyFailed,
    StepOutcome,
    StepStatus,
    execute_steps,
)
from fedctl.core.errors import ApiError, PlanError
from fedctl.core.state import Kind
from fedctl.plan.actions import Operation, Step


def _step(step_id: int, *depends_on: int, name: str = "") -> Step:
    return Step(
        id=step_id,
        operation=Operation.CREATE_ISSUER,
        kind=Kind.ISSUER,
        name=name or f"issuer-{step_id}",
        depends_on=depends_on,
    )


class Recorder:
    """A fake step function: records start order, fails the ids it is told to."""

    def __init__(self, fail: dict[int, Exception] | None = None) -> None:
        self.fail = fail or {}
        self.started: list[int] = []
        self.lock = threading.Lock()

    def __call__(self, step: Step) -> None:
        with self.lock:
            self.started.append(step.id)
        if step.id in self.fail:
            raise self.fail[step.id]


def test_sequential_run_follows_plan_order_and_reports_each_step() -> None:
    steps = [_step(1), _step(2, 1), _step(3), _step(4, 2, 3)]
    recorder = Recorder()
    reported: list[StepOutcome] = []

    result = execute_steps(steps, recorder, parallelism=1, on_finished=reported.append)

    assert recorder.started == [1, 2, 3, 4]
    assert [o.step.id for o in reported] == [1, 2, 3, 4]
    assert result.ok
    assert [o.step.id for o in result.done] == [1, 2, 3, 4]
    assert result.render_summary() == "Apply complete: 4 done, 0 failed, 0 skipped."


def test_dependents_of_a_failed_step_are_skipped_transitively_not_attempted() -> None:
    error = ApiError(
        "issuer_url: url must use https scheme",
        status=400,
        error_type="invalid_request_error",
        request_id="req_123",
        method="POST",
        url_path="/v1/organizations/federation_issuers",
    )
    steps = [_step(1), _step(2, 1), _step(3, 2), _step(4)]
    recorder = Recorder(fail={1: error})
    reported: list[StepOutcome] = []

    result = execute_steps(steps, recorder, parallelism=1, on_finished=reported.append)

    assert recorder.started == [1, 4]
    assert sorted((o.step.id, o.status.value) for o in reported) == [
        (1, "failed"),
        (2, "skipped"),
        (3, "skipped"),
        (4, "done"),
    ]
    assert [o.step.id for o in result.failed] == [1]
    assert result.failed[0].request_id == "req_123"
    assert [o.step.id for o in result.skipped] == [2, 3]
    assert [o.step.id for o in result.done] == [4]
    assert not result.ok
    assert result.render_summary().splitlines() == [
        "Apply stopped: 1 done, 1 failed, 2 skipped.",
        "  failed  create_issuer issuer/issuer-1: POST /v1/organizations/federation_issuers "
        "failed 400 invalid_request_error: issuer_url: url must use https scheme "
        "(request-id req_123)",
        "  skipped create_issuer issuer/issuer-2: not attempted: prerequisite step 1 "
        "(create_issuer issuer/issuer-1) did not succeed",
        "  skipped create_issuer issuer/issuer-3: not attempted: prerequisite step 2 "
        "(create_issuer issuer/issuer-2) did not succeed",
        "Steps already done stay done. Fix the cause and run `fedctl apply` again; it plans "
        "from the live state and finishes the job.",
    ]


def test_apply_failed_renders_the_summary_and_exits_1() -> None:
    result = execute_steps([_step(1)], Recorder(fail={1: RuntimeError("boom")}))
    error = ApplyFailed(result)
    assert error.exit_code == 1
    assert error.render().splitlines()[:2] == [
        "Apply stopped: 0 done, 1 failed, 0 skipped.",
        "  failed  create_issuer issuer/issuer-1: RuntimeError: boom",
    ]


def test_independent_steps_run_concurrently_up_to_parallelism() -> None:
    # Four independent steps and parallelism 4: each waits until all four have started,
    # which only succeeds if they really run at the same time.
    barrier = threading.Barrier(4, timeout=10)
    steps = [_step(i) for i in range(1, 5)]

    result = execute_steps(steps, lambda step: barrier.wait() and None, parallelism=4)

    assert result.ok
    assert len(result.done) == 4


def test_parallelism_bounds_the_number_of_running_steps() -> None:
    active = 0
    peak = 0
    lock = threading.Lock()
    release = threading.Event()

    def run(step: Step) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
            if active == 2:
                release.set()
        release.wait(timeout=10)
        with lock:
            active -= 1

    result = execute_steps([_step(i) for i in range(1, 9)], run, parallelism=2)

    assert result.ok
    assert peak == 2


def test_a_step_never_starts_before_its_prerequisites_finish() -> None:
    finished: set[int] = set()
    violations: list[int] = []
    lock = threading.Lock()
    steps = [_step(1), _step(2), _step(3, 1, 2), _step(4, 3), _step(5, 1), _step(6, 4, 5)]
    by_id = {s.id: s for s in steps}

    def run(step: Step) -> None:
        with lock:
            if not set(by_id[step.id].depends_on) <= finished:
                violations.append(step.id)
        with lock:
            finished.add(step.id)

    result = execute_steps(steps, run, parallelism=4)

    assert result.ok
    assert violations == []


def test_failure_in_one_branch_leaves_the_other_branch_running() -> None:
    steps = [_step(1), _step(2, 1), _step(3), _step(4, 3)]
    recorder = Recorder(fail={3: RuntimeError("boom")})

    result = execute_steps(steps, recorder, parallelism=2)

    assert sorted(o.step.id for o in result.done) == [1, 2]
    assert [o.step.id for o in result.failed] == [3]
    assert [o.step.id for o in result.skipped] == [4]
    assert {o.status for o in result.outcomes} == set(StepStatus)


def test_unknown_dependency_is_refused_before_any_step_runs() -> None:
    recorder = Recorder()
    with pytest.raises(PlanError, match="depends on unknown step"):
        execute_steps([_step(1), _step(2, 9)], recorder)
    assert recorder.started == []


def test_a_cycle_is_refused_without_running_its_steps() -> None:
    recorder = Recorder()
    with pytest.raises(PlanError, match="cycle"):
        execute_steps([_step(1), _step(2, 3), _step(3, 2)], recorder, parallelism=1)
    assert recorder.started == [1]


def test_empty_plan_is_ok() -> None:
    result = execute_steps([], Recorder())
    assert result.ok
    assert result.outcomes == ()


@st.composite
def _dags(draw: st.DrawFn) -> tuple[list[Step], set[int]]:
    count = draw(st.integers(min_value=0, max_value=25))
    steps = []
    for step_id in range(1, count + 1):
        earlier = st.integers(min_value=1, max_value=max(step_id - 1, 1))
        deps = draw(st.sets(earlier, max_size=3)) if step_id > 1 else set()
        steps.append(_step(step_id, *sorted(deps)))
    failing = draw(st.sets(st.integers(min_value=1, max_value=max(count, 1)), max_size=4))
    return steps, failing


@settings(max_examples=60, deadline=None)
@given(_dags(), st.integers(min_value=1, max_value=4))
def test_outcomes_follow_from_the_dependency_graph(
    dag: tuple[list[Step], set[int]], parallelism: int
) -> None:
    steps, failing = dag
    finished: set[int] = set()
    early: list[int] = []
    lock = threading.Lock()
    by_id = {s.id: s for s in steps}

    def run(step: Step) -> None:
        with lock:
            if not set(by_id[step.id].depends_on) <= finished:
                early.append(step.id)
        if step.id in failing:
            raise RuntimeError("boom")
        with lock:
            finished.add(step.id)

    result = execute_steps(steps, run, parallelism=parallelism)

    status = {o.step.id: o.status for o in result.outcomes}
    assert sorted(status) == [s.id for s in steps]  # every step reported exactly once
    assert len(result.outcomes) == len(steps)
    assert early == []
    for step in steps:
        blocked = any(status[d] is not StepStatus.DONE for d in step.depends_on)
        if blocked:
            assert status[step.id] is StepStatus.SKIPPED
        elif step.id in failing:
            assert status[step.id] is StepStatus.FAILED
        else:
            assert status[step.id] is StepStatus.DONE
