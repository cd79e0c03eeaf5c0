"""The organization guard before the first write and the read-back after the last."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fedctl.api.client import AdminClient
from fedctl.api.connect import open_client
from fedctl.apply.reconcile import (
    NotConverged,
    OrganizationMismatch,
    check_organization,
    confirm_converged,
)
from fedctl.emulator.server import DEFAULT_ORGANIZATION_ID, RunningEmulator
from fedctl.plan.actions import Action
from fedctl.plan.plan import Plan
from tests.apply.helpers import change, plan_of

OTHER_ORG = "99999999-0000-0000-0000-000000000000"


@pytest.fixture
def client(emulator: RunningEmulator) -> Iterator[AdminClient]:
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as opened:
        yield opened


def test_guard_passes_for_the_plans_organization(client: AdminClient) -> None:
    organization_id = check_organization(
        client,
        plan_organization_id=DEFAULT_ORGANIZATION_ID,
        declared_organization_id=DEFAULT_ORGANIZATION_ID.upper(),
    )
    assert organization_id == DEFAULT_ORGANIZATION_ID


def test_guard_refuses_another_declared_organization(client: AdminClient) -> None:
    with pytest.raises(OrganizationMismatch) as caught:
        check_organization(
            client,
            plan_organization_id=DEFAULT_ORGANIZATION_ID,
            declared_organization_id=OTHER_ORG,
        )
    assert caught.value.render() == (
        f"the credential acts in organization {DEFAULT_ORGANIZATION_ID} (Local Emulator Org), "
        f"but the configuration declares organization_id {OTHER_ORG}; nothing was changed; "
        "use a credential for the declared organization"
    )


def test_guard_refuses_a_plan_made_for_another_organization(client: AdminClient) -> None:
    with pytest.raises(
        OrganizationMismatch, match=f"the plan was made for organization {OTHER_ORG}"
    ):
        check_organization(client, plan_organization_id=OTHER_ORG, declared_organization_id=None)


def test_read_back_waits_out_a_lagging_read() -> None:
    plans = iter([plan_of(change(Action.UPDATE, "ci")), plan_of()])
    sleeps: list[float] = []
    confirm_converged(lambda: next(plans), sleep=sleeps.append)
    assert sleeps == [0.5]


def test_read_back_names_what_is_left() -> None:
    def replan() -> Plan:
        return plan_of(change(Action.UPDATE, "ci"), change(Action.CREATE, "new"))

    sleeps: list[float] = []
    with pytest.raises(NotConverged) as caught:
        confirm_converged(replan, sleep=sleeps.append)
    assert caught.value.render() == (
        "every step succeeded, but a fresh plan still shows 2 change(s): "
        "~ service_account/ci, + service_account/new; someone may be changing the "
        "organization at the same time; run `fedctl plan` to see it, then apply again"
    )
    assert sleeps == [0.5, 1.0, 2.0]


def test_read_back_ignores_changes_this_plan_did_not_make() -> None:
    def replan() -> Plan:
        return plan_of(change(Action.UPDATE, "elsewhere"))

    sleeps: list[float] = []
    confirm_converged(replan, sleep=sleeps.append, relevant=lambda c: c.name == "ci")
    assert sleeps == []
