"""The path both `fedctl plan` and `fedctl apply` walk: config -> live -> desired -> Plan.

load the configuration while reading the live organization (on whatever client the
caller opened; `fedctl plan` opens it read-only), build the desired state against the live
workspaces, compute the plan, then judge it: the gate apply runs (fedctl.apply.gate:
protection, policies, lint, limits) and the access tests whose outcome it changes. The
plan returned is the one `fedctl plan` prints and `fedctl apply` runs; only the CLI
renders or applies it.

    with open_client(base_url=None, auth_token=None, read_only=True) as client:
        plan, live, config = plan_from_config("examples/quickstart", client=client)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from fedctl.core.errors import UsageError
from fedctl.live.read import read_live
from fedctl.live.requests import take_started

READ_SWITCH_INTERVAL_SECONDS = 0.0005

# The configuration and planning modules (pydantic models, YAML, the planner: ~0.2 s of
# imports) are imported inside the functions, after the live read has been started, so
# that their import overlaps the first round trips instead of preceding them.
if TYPE_CHECKING:
    from fedctl.api.client import AdminClient
    from fedctl.config.validated import Config
    from fedctl.core.state import LiveState
    from fedctl.guards.effective import Guarded
    from fedctl.guards.inputs import GuardInputs
    from fedctl.lint.findings import Finding
    from fedctl.live.snapshot import Snapshot
    from fedctl.plan.checks import SelfIdentity
    from fedctl.plan.plan import Plan, PlanOptions
    from fedctl.plan.records import AccessTestChange
    from fedctl.plan.refusals import Overrides


@dataclass(frozen=True)
class GateChecks:
    """What judging a plan reads besides the plan (fedctl.apply.gate).

    `overrides`: the flags that let a refusal through (None: none given);
    `policy_files`: policy files besides settings.policy_files (--policy);
    `snapshot`: the snapshot the change was reviewed against, when the live state was
    read from the API (a plan made from a snapshot is judged against that one);

        GateChecks(policy_files=("policies.yaml",))
    """

    overrides: Overrides | None = None
    policy_files: tuple[str, ...] = ()
    snapshot: Snapshot | None = None


# The default of plan_from_config: judged with no override and no extra policy file, as
# `fedctl plan PATH` is. None instead: the plan alone (apply's read-back re-plans so).
JUDGED = GateChecks()


def self_identity_of(client: AdminClient) -> SelfIdentity | None:
    """The rule/service account fedctl is authenticated through, when it is federated."""
    from fedctl.plan.checks import SelfIdentity

    credential = client.credential
    if credential is None or credential.rule_id is None:
        return None
    return SelfIdentity(
        rule_id=credential.rule_id, service_account_id=credential.service_account_id
    )


def plan_from_config(
    path: str | Path,
    *,
    variables: Sequence[str] = (),
    var_files: Sequence[str] = (),
    client: AdminClient | None = None,
    snapshot: Snapshot | None = None,
    options: PlanOptions | None = None,
    while_reading: Callable[[Config], None] | None = None,
    guards: GuardInputs | None = None,
    checks: GateChecks | None = JUDGED,
) -> tuple[Plan, LiveState, Config]:
    """The plan of the configuration at `path`, shaped by `options` (the defaults: none),
    judged by `checks` (None: not judged, as apply's read-back re-plans).

    With `snapshot` the live state is the snapshot's and no client is used:
    no network, no credential. The plan then names the snapshot.
    `while_reading` is called once with the loaded configuration, while the live read
    is still waiting on the network: work that needs only the configuration then costs
    no time after the read (lint, for the judgement, runs there too).
    The configuration returned is the effective one (fedctl.guards): each guard the
    strictest of the configuration's, the snapshot's and `guards`' trusted sources.
    """
    guarding = _Guarding(guards, snapshot)
    ahead = _LintAhead(while_reading, lint=checks is not None)
    prepare = guarding.wrap(ahead.prepare)
    config, live = _config_and_live(path, variables, var_files, client, snapshot, prepare)
    config = guarding.effective(config)
    identity = self_identity_of(client) if snapshot is None and client is not None else None
    from fedctl.desired import build_desired
    from fedctl.plan.plan import PlanOptions, plan_with

    plan = plan_with(
        build_desired(config, live.workspaces),
        live,
        options or PlanOptions(),
        self_identity=identity,
        config_digest=config.digest,
    )
    if snapshot is not None:
        # The snapshot's protection is checked by the gate (fedctl.apply.gate), with
        # every other check apply runs, so `plan` shows all of them at once.
        plan = plan.model_copy(update={"snapshot": snapshot.ref})
    plan = guarding.onto(plan)
    if checks is not None:
        if checks.snapshot is None and snapshot is not None:
            checks = replace(checks, snapshot=snapshot)
        plan = judge_plan(plan, live, config, path=path, checks=checks, lint=ahead.findings)
    return plan, live, config


def plan_from_saved(
    plan_file: Path,
    config_path: Path,
    *,
    client: AdminClient,
    options: PlanOptions,
    checks: GateChecks = JUDGED,
    variables: Sequence[str] = (),
    var_files: Sequence[str] = (),
    guards: GuardInputs | None = None,
    snapshot_path: Path | None = None,
) -> tuple[Plan, LiveState, Config]:
    """A saved plan, made again from the configuration at `config_path` and the live
    organization once every check of fedctl.apply.saved passes, then judged by `checks`
    (their snapshot: the one at `snapshot_path`)."""
    from fedctl.apply.saved import load_saved_plan
    from fedctl.plan.refusals import Overrides

    plan, live, config, snapshot = load_saved_plan(
        client,
        plan_file,
        config_path,
        options=options,
        overrides=checks.overrides or Overrides(),
        variables=variables,
        var_files=var_files,
        snapshot_path=snapshot_path,
        guards=guards,
        self_identity=self_identity_of(client),
    )
    checks = replace(checks, snapshot=snapshot)
    return judge_plan(plan, live, config, path=config_path, checks=checks), live, config


def judge_plan(
    plan: Plan,
    live: LiveState,
    config: Config,
    *,
    path: str | Path,
    checks: GateChecks = JUDGED,
    lint: list[Finding] | None = None,
) -> Plan:
    """The plan with the gate's outcome (the checks `apply` runs, run now; fedctl.apply.gate)
    and the access tests whose outcome it changes (those under `path`, --tests files and
    the trusted side's). `lint`: findings made ahead on the same configuration."""
    from fedctl.apply.gate import GateInputs, judge
    from fedctl.plan.refusals import Overrides

    inputs = GateInputs(
        plan,
        live,
        config,
        snapshot=checks.snapshot,
        policy_files=checks.policy_files,
        lint_findings=lint,
    )
    judged = judge(inputs, checks.overrides or Overrides())
    changes = access_test_changes(path, config, live)
    return judged.model_copy(update={"access_test_changes": tuple(changes)})


def access_test_changes(
    path: str | Path, config: Config, live: LiveState
) -> list[AccessTestChange]:
    """Access-test cases whose outcome the plan changes (live -> configuration): those
    under PATH, --tests files and the trusted side's (config.access_test_files)."""
    from fedctl.access.explain.sources import rulebook_from_config, rulebook_from_live
    from fedctl.guards.accesstest.run import access_test_files, load_cases, outcome_changes

    files = [*access_test_files(Path(path)), *map(Path, config.access_test_files)]
    if not files:
        return []
    from fedctl.plan.records import AccessTestChange

    outcomes = outcome_changes(
        load_cases(files), rulebook_from_live(live), rulebook_from_config(config)
    )
    return [AccessTestChange(case=case, before=was, after=will) for case, was, will in outcomes]


class _LintAhead:
    """Lint of the effective configuration, made while the live read waits.

    Lint would otherwise follow the last page of the read (~0.1 s at 5,000 resources).
    Policies wait for the read: their bindings name workspaces as the live organization
    does. A lint that raises here is left for the gate, which lints again and raises in
    its usual order.
    """

    def __init__(self, then: Callable[[Config], None] | None, *, lint: bool) -> None:
        self.then = then
        self.lint = lint
        self.findings: list[Finding] | None = None

    def prepare(self, config: Config) -> None:
        if self.then is not None:
            self.then(config)
        if not self.lint:
            return
        # Imported now, used after the read.
        import fedctl.access.explain.sources
        import fedctl.apply.gate
        import fedctl.guards.accesstest.run  # noqa: F401
        from fedctl.lint.run import lint_config

        try:
            self.findings = lint_config(config)
        except Exception:  # raised again by the gate, in its usual order
            return


class _Guarding:
    """The effective guards of one plan, computed once the configuration is loaded."""

    def __init__(self, inputs: GuardInputs | None, snapshot: Snapshot | None) -> None:
        from fedctl.guards.inputs import GuardInputs

        self.inputs = inputs or GuardInputs()
        self.trusted = list(self.inputs.trusted)
        if snapshot is not None:
            from fedctl.guards.inputs import SNAPSHOT_LABEL
            from fedctl.guards.recorded import recorded_source

            recorded = recorded_source(f"{SNAPSHOT_LABEL}{snapshot.label}", snapshot.guards)
            self.trusted += [recorded] if recorded is not None else []
        self.guarded: Guarded | None = None

    def effective(self, config: Config) -> Config:
        if self.guarded is None:
            from fedctl.guards.effective import enforce_guards

            self.guarded = enforce_guards(config, self.trusted, tests=self.inputs.tests)
        return self.guarded.config

    def wrap(self, while_reading: Callable[[Config], None] | None) -> Callable[[Config], None]:
        def prepare(config: Config) -> None:
            effective = self.effective(config)
            if while_reading is not None:
                while_reading(effective)

        return prepare

    def onto(self, plan: Plan) -> Plan:
        assert self.guarded is not None
        return self.guarded.onto(plan)


def _config_and_live(
    path: str | Path,
    variables: Sequence[str],
    var_files: Sequence[str],
    client: AdminClient | None,
    snapshot: Snapshot | None,
    while_reading: Callable[[Config], None] | None,
) -> tuple[Config, LiveState]:
    """The configuration and the live state: the snapshot's, or read through `client`."""
    # fedctl.api_keys.live imports the configuration models: imported once the read is going.
    if snapshot is not None:
        from fedctl.api_keys.live import with_managed_keys
        from fedctl.config.load import load_config

        config = load_config(path, variables=variables, var_files=var_files)
        if while_reading is not None:
            while_reading(config)
        return config, with_managed_keys(config, snapshot.state, client=None, from_snapshot=True)
    if client is None:
        raise UsageError("plan_from_config needs a client or a snapshot")
    config, live = _load_while_reading(path, variables, var_files, client, while_reading)
    from fedctl.api_keys.live import with_managed_keys

    return config, with_managed_keys(config, live, client=client)


def _load_while_reading(
    path: str | Path,
    variables: Sequence[str],
    var_files: Sequence[str],
    client: AdminClient,
    while_reading: Callable[[Config], None] | None,
) -> tuple[Config, LiveState]:
    """Load the configuration while the live organization is read in the background.

    Reading is mostly waiting on the network and loading is CPU, so the two overlap: at
    5,000 resources and 50 ms per request this hides about a second. A configuration
    error still wins: it is raised at once, without waiting for the read (only GETs, and
    the caller's closing of the client ends them).
    """
    with _prompt_thread_switches():
        reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fedctl-live")
        # A read the CLI started before its heavy imports (fedctl.cli.read_ahead), else one now.
        live_future = take_started(client) or reader.submit(read_live, client)
        try:
            from fedctl.config.load import load_config

            config = load_config(path, variables=variables, var_files=var_files)
            # What planning needs, imported while the read is still going.
            import fedctl.desired
            import fedctl.plan.plan  # noqa: F401

            if while_reading is not None:
                while_reading(config)
        except BaseException:
            live_future.cancel()
            reader.shutdown(wait=False)
            raise
        try:
            return config, live_future.result()
        finally:
            reader.shutdown(wait=False)


@contextmanager
def _prompt_thread_switches() -> Iterator[None]:
    """A shorter GIL switch interval while loading overlaps the live read.

    The loading thread is CPU (it holds the GIL); each reader thread needs the GIL for
    a moment per response before it can send the next page's request. At the default
    5 ms interval those waits added ~10 ms to every page of the longest cursor chain
    (24 pages at 5,000 resources); switching more often costs little in a process that
    is mostly waiting on the network.
    """
    previous = sys.getswitchinterval()
    sys.setswitchinterval(READ_SWITCH_INTERVAL_SECONDS)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)
