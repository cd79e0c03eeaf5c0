"""An apply stopped after any number of steps converges on the next run, no clean-up.

For each scenario and each cut point k, the first k steps of the plan run (in plan order,
one at a time), the rest fail as if the process had died; then apply runs again from a
fresh plan until it is empty. Checked against the emulator over HTTP: the live state
matches, no name is held twice, the replaced resources are archived, nothing else moved.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fedctl.api.client import AdminClient
from fedctl.api.connect import open_client
from fedctl.apply.executor import execute_steps
from fedctl.apply.names import ResourceIds
from fedctl.apply.run import execute_plan
from fedctl.apply.steps import StepRunner
from fedctl.core.state import (
    DesiredState,
    IssuerSpec,
    Kind,
    RuleMatchSpec,
    RuleSpec,
    ServiceAccountSpec,
)
from fedctl.emulator.server import RunningEmulator, running_emulator
from fedctl.live.read import read_live
from fedctl.plan.actions import Action, Step
from fedctl.plan.plan import compute_plan
from tests.apply.checks import assert_no_duplicate_names

DISCOVERY = {"type": "discovery", "discovery_base": None, "ca_cert_pem": None}


@pytest.fixture
def client(emulator: RunningEmulator) -> Iterator[AdminClient]:
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as opened:
        yield opened


def _issuer(name: str) -> IssuerSpec:
    return IssuerSpec(name=name, issuer_url=f"https://{name}.idp.example.com", jwks=DISCOVERY)


def _rule(name: str, issuer: str, account: str, workspaces: frozenset[str]) -> RuleSpec:
    return RuleSpec(
        name=name,
        issuer_name=issuer,
        service_account_name=account,
        match=RuleMatchSpec(subject_prefix=f"repo:acme/{name}:ref:refs/heads/main"),
        oauth_scope="workspace:developer",
        workspace_ids=workspaces,
    )


def _apply(client: AdminClient, desired: DesiredState) -> None:
    live = read_live(client)
    plan = compute_plan(desired, live)
    result = execute_plan(client, plan, live, declared_organization_id=None, parallelism=4)
    assert result.ok, result.render_summary()


def _apply_first_steps(client: AdminClient, desired: DesiredState, count: int) -> int:
    """Run the first `count` steps of a fresh plan; return how many steps it had."""
    live = read_live(client)
    plan = compute_plan(desired, live)
    runner = StepRunner(client, ResourceIds.from_live(live))
    started: list[int] = []

    def cut(step: Step) -> None:
        started.append(step.id)
        if len(started) > count:
            raise RuntimeError("killed")
        runner.run(step)

    execute_steps(plan.steps, cut, parallelism=1)
    return len(plan.steps)


def _converge(client: AdminClient, desired: DesiredState) -> None:
    for _ in range(3):
        live = read_live(client)
        plan = compute_plan(desired, live)
        if plan.is_empty():
            return
        _apply(client, desired)
    raise AssertionError(f"not converged: {compute_plan(desired, read_live(client)).changes}")


def _workspaces(client: AdminClient) -> list[str]:
    return sorted(w.id for w in read_live(client).workspaces if not w.is_default)


def _scenarios(workspaces: list[str]) -> dict[str, tuple[DesiredState, DesiredState]]:
    first, second = workspaces[0], workspaces[1]
    account = ServiceAccountSpec(name="ci", memberships={first: "workspace_developer"})
    both = frozenset({first})
    before = DesiredState(
        service_accounts={"ci": account},
        issuers={"old-idp": _issuer("old-idp"), "new-idp": _issuer("new-idp")},
        rules={"deploy": _rule("deploy", "old-idp", "ci", both)},
    )
    # The rule moves issuer: rename out of the way, create, archive.
    moved_issuer = before.model_copy(
        update={"rules": {"deploy": _rule("deploy", "new-idp", "ci", both)}}
    )
    # The service account is "renamed": create the new one, retarget, archive the old one.
    renamed = ServiceAccountSpec(
        name="ci-bot", memberships={first: "workspace_developer", second: "workspace_user"}
    )
    renamed_account = before.model_copy(
        update={
            "service_accounts": {"ci-bot": renamed},
            "rules": {"deploy": _rule("deploy", "old-idp", "ci-bot", both | {second})},
            "previous_names": {(Kind.SERVICE_ACCOUNT, "ci-bot"): ("ci",)},
        }
    )
    return {
        "rule-issuer-change": (before, moved_issuer),
        "service-account-rename": (
            before,
            renamed_account,
        ),
    }


@pytest.mark.parametrize("scenario", ["rule-issuer-change", "service-account-rename"])
def test_every_cut_point_converges_on_the_next_run(scenario: str) -> None:
    cut = 0
    while True:
        # A fresh organization per cut point: archived names may stay reserved, so the
        # "before" state cannot be restored in place.
        with (
            running_emulator(workspaces=("production", "staging")) as emulator,
            open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client,
        ):
            before, after = _scenarios(_workspaces(client))[scenario]
            _apply(client, before)
            total = _apply_first_steps(client, after, cut)
            _converge(client, after)
            live = read_live(client)
            assert compute_plan(after, live).is_empty()
            assert set(live.rules) == set(after.rules)
            assert set(live.service_accounts) == set(after.service_accounts)
            assert_no_duplicate_names(client)
        cut += 1
        if cut >= total:
            break
    assert total >= 3


def test_leftover_of_an_interrupted_rule_replacement_is_archived_with_a_reason(
    client: AdminClient,
) -> None:
    before, after = _scenarios(_workspaces(client))["rule-issuer-change"]
    _apply(client, before)
    _apply_first_steps(client, after, 2)  # renamed out of the way and created anew
    plan = compute_plan(after, read_live(client))
    leftovers = [c for c in plan.changes if c.action is Action.ARCHIVE]
    assert len(leftovers) == 1
    assert leftovers[0].name.startswith("deploy-replaced-")
    assert leftovers[0].reason == (
        "left over from an interrupted replacement by rule/deploy; archived to finish it"
    )
    assert plan.unmanaged == ()
