"""Steps against the emulator: ID resolution, 409 adoption, lost responses, renames."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fedctl.api import bodies, resources
from fedctl.api.client import AdminClient
from fedctl.api.connect import open_client
from fedctl.apply.names import ResourceIds
from fedctl.apply.steps import StepRunner, typed
from fedctl.core.errors import ApiError, PlanError
from fedctl.core.state import Kind
from fedctl.emulator.server import FaultConfig, RunningEmulator
from fedctl.plan.actions import Operation, Step

ISSUER_BODY = {
    "name": "build",
    "issuer_url": "https://build.acme.example",
    "jwks": {"type": "inline", "keys": [{"kty": "EC", "crv": "P-256", "kid": "k1"}]},
    "check_jti": True,
    "max_jwt_lifetime_seconds": 3600,
}


@pytest.fixture
def client(emulator: RunningEmulator) -> Iterator[AdminClient]:
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as opened:
        yield opened


def _create_account(name: str = "ci", description: str = "deploys") -> Step:
    return Step(
        id=1,
        operation=Operation.CREATE_SERVICE_ACCOUNT,
        kind=Kind.SERVICE_ACCOUNT,
        name=name,
        payload={"name": name, "organization_role": "developer", "description": description},
    )


def _accounts_named(client: AdminClient, name: str) -> list[str]:
    return [
        account.id
        for account in resources.list_service_accounts(client, include_archived=True)
        if account.name == name
    ]


def test_create_then_rule_resolves_names_created_in_this_run(client: AdminClient) -> None:
    runner = StepRunner(client, ResourceIds())
    runner.run(_create_account())
    runner.run(
        Step(
            id=2,
            operation=Operation.CREATE_ISSUER,
            kind=Kind.ISSUER,
            name="build",
            payload=ISSUER_BODY,
        )
    )
    workspace = next(w.id for w in resources.list_workspaces(client) if w.name == "production")
    runner.run(
        Step(
            id=3,
            operation=Operation.PUT_MEMBERSHIP,
            kind=Kind.SERVICE_ACCOUNT,
            name="ci",
            payload={"workspace_id": workspace, "workspace_role": "workspace_developer"},
        )
    )
    runner.run(
        Step(
            id=4,
            operation=Operation.CREATE_RULE,
            kind=Kind.RULE,
            name="deploy",
            payload={
                "name": "deploy",
                "issuer_name": "build",
                "service_account_name": "ci",
                "match": {"subject_prefix": "pipeline:app:ref:refs/heads/main"},
                "oauth_scope": "workspace:inference",
                "token_lifetime_seconds": 600,
                "workspace_id": workspace,
            },
        )
    )
    (rule,) = resources.list_rules(client)
    assert rule.issuer_id == runner.ids.get(Kind.ISSUER, "build")
    assert rule.target.service_account_id == runner.ids.get(Kind.SERVICE_ACCOUNT, "ci")
    assert rule.workspace_ids == [workspace]


def test_a_409_on_create_adopts_a_matching_resource(client: AdminClient) -> None:
    existing = StepRunner(client, ResourceIds())
    existing.run(_create_account())
    # A second run whose (lagging) live read did not see it yet.
    runner = StepRunner(client, ResourceIds())
    runner.run(_create_account())
    assert _accounts_named(client, "ci") == [existing.ids.get(Kind.SERVICE_ACCOUNT, "ci")]
    assert runner.ids.get(Kind.SERVICE_ACCOUNT, "ci") == existing.ids.get(
        Kind.SERVICE_ACCOUNT, "ci"
    )


def test_a_409_on_create_fails_clearly_when_the_existing_resource_differs(
    client: AdminClient,
) -> None:
    StepRunner(client, ResourceIds()).run(_create_account(description="made by hand"))
    with pytest.raises(ApiError) as caught:
        StepRunner(client, ResourceIds()).run(_create_account())
    account_id = _accounts_named(client, "ci")[0]
    assert caught.value.render().startswith(
        f"service_account/ci: API failed 409 conflict_error: already exists ({account_id}) and "
        "differs from the configuration in description; it was not created by this plan"
    )
    assert caught.value.render().endswith(
        "; run `fedctl plan` to see it, then align the configuration or rename"
    )


def test_a_409_from_an_archived_holder_of_the_name_says_so(client: AdminClient) -> None:
    first = StepRunner(client, ResourceIds())
    first.run(_create_account())
    account_id = first.ids.require(Kind.SERVICE_ACCOUNT, "ci")
    resources_path = f"/v1/organizations/service_accounts/{account_id}/archive"
    client.request("POST", resources_path)
    with pytest.raises(ApiError, match="taken, but by no active service account"):
        StepRunner(client, ResourceIds()).run(_create_account())


def test_a_create_whose_response_is_lost_is_adopted_not_repeated(
    emulator: RunningEmulator, client: AdminClient
) -> None:
    # Every write commits but its answer never arrives; reads are served normally.
    emulator.set_faults(FaultConfig(rate=1.0, kinds=("lost-response",), read_lag_ms=0))
    runner = StepRunner(client, ResourceIds())
    runner.run(_create_account())
    emulator.set_faults(FaultConfig())
    assert _accounts_named(client, "ci") == [runner.ids.get(Kind.SERVICE_ACCOUNT, "ci")]
    posts = [p for m, p in emulator.requests() if m == "POST"]
    assert posts == ["/v1/organizations/service_accounts"]


def test_a_rename_moves_the_name_for_later_steps(client: AdminClient) -> None:
    runner = StepRunner(client, ResourceIds())
    runner.run(
        Step(
            id=1,
            operation=Operation.CREATE_ISSUER,
            kind=Kind.ISSUER,
            name="build",
            payload=ISSUER_BODY,
        )
    )
    issuer_id = runner.ids.require(Kind.ISSUER, "build")
    runner.run(
        Step(
            id=2,
            operation=Operation.UPDATE_ISSUER,
            kind=Kind.ISSUER,
            name="build",
            payload={"name": "ci-build"},
        )
    )
    assert runner.ids.get(Kind.ISSUER, "build") is None
    assert runner.ids.get(Kind.ISSUER, "ci-build") == issuer_id
    assert [issuer.name for issuer in resources.list_issuers(client)] == ["ci-build"]


def test_a_409_on_a_rule_create_is_not_adopted_from_another_issuer(client: AdminClient) -> None:
    runner = StepRunner(client, ResourceIds())
    runner.run(_create_account())
    for name in ("build", "other"):
        body = {**ISSUER_BODY, "name": name, "issuer_url": f"https://{name}.acme.example"}
        runner.run(
            Step(id=2, operation=Operation.CREATE_ISSUER, kind=Kind.ISSUER, name=name, payload=body)
        )
    rule = {
        "name": "deploy",
        "service_account_name": "ci",
        "match": {"subject_prefix": "pipeline:app:ref:refs/heads/main"},
        "oauth_scope": "workspace:inference",
        "applies_to_all_workspaces": True,
    }

    def create_rule(issuer: str) -> Step:
        return Step(
            id=3,
            operation=Operation.CREATE_RULE,
            kind=Kind.RULE,
            name="deploy",
            payload={**rule, "issuer_name": issuer},
        )

    runner.run(create_rule("other"))
    with pytest.raises(ApiError, match="differs from the configuration in issuer_id"):
        runner.run(create_rule("build"))


@pytest.mark.parametrize(
    ("args", "payload", "message"),
    [
        (
            bodies.ServiceAccountUpdate,
            {"description": "x", "oauth_scope": "workspace:developer"},
            "step 7 (update rule r): oauth_scope: Extra inputs are not permitted; "
            "plan again instead of applying this file",
        ),
        (
            bodies.RuleUpdate,
            {"token_lifetime_seconds": "3600"},
            "step 7 (update rule r): token_lifetime_seconds: Input should be a valid integer; "
            "plan again instead of applying this file",
        ),
    ],
)
def test_a_step_body_that_is_not_the_writes_shape_is_refused_before_sending(
    args: type, payload: dict[str, object], message: str
) -> None:
    """A saved plan is hostile: a key or type the write does not take is one line, no call."""
    step = Step(
        id=7,
        operation=Operation.UPDATE_RULE,
        kind=Kind.RULE,
        name="r",
        live_id="fdrl_01",
        payload=payload,
        description="update rule r",
    )
    with pytest.raises(PlanError) as caught:
        typed(args, payload, step)
    assert str(caught.value) == message


def test_a_step_that_carries_a_reference_id_instead_of_its_name_is_refused(
    client: AdminClient,
) -> None:
    """The body's issuer_id comes from a name this plan resolves, never from the file."""
    runner = StepRunner(client, ResourceIds())
    step = Step(
        id=4,
        operation=Operation.CREATE_RULE,
        kind=Kind.RULE,
        name="deploy",
        payload={"name": "deploy", "issuer_id": "fdis_01elsewhere", "oauth_scope": "x"},
        description="create rule deploy",
    )
    with pytest.raises(PlanError) as caught:
        runner.run(step)
    assert str(caught.value) == (
        "step 4 (create rule deploy): issuer_id: a plan names it by issuer_name; "
        "plan again instead of applying this file"
    )
