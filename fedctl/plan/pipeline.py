"""The path both `fedctl plan` and `fedctl apply` walk: config -> live -> desired -> Plan.

load the configuration, read the live organization (on whatever client the caller
opened; `fedctl plan` opens it read-only), build the desired state against the live
workspaces, then compute the plan. Only the CLI renders or applies the result.

    with open_client(base_url=None, auth_token=None, read_only=True) as client:
        plan, live, config = plan_from_config("examples/quickstart", client=client)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fedctl.api.client import AdminClient
from fedctl.config.load import load_config
from fedctl.config.loaded import Config
from fedctl.desired import build_desired
from fedctl.live import read_live
from fedctl.plan.checks import SelfIdentity
from fedctl.plan.plan import Plan, compute_plan
from fedctl.state import LiveState


def self_identity_of(client: AdminClient) -> SelfIdentity | None:
    """The rule/service account fedctl is authenticated through, when it is federated."""
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
    client: AdminClient,
    prune: bool | None = None,
    targets: Sequence[str] = (),
    recreate_archived: bool = False,
    allow_self_lockout: bool = False,
) -> tuple[Plan, LiveState, Config]:
    """`prune=None` follows `settings.prune`; True/False overrides it."""
    config = load_config(path, variables=variables, var_files=var_files)
    live = read_live(client)
    desired = build_desired(config, live.workspaces)
    if prune is not None:
        desired = desired.model_copy(update={"prune": prune})
    plan = compute_plan(
        desired,
        live,
        recreate_archived=recreate_archived,
        allow_self_lockout=allow_self_lockout,
        self_identity=self_identity_of(client),
        targets=targets,
        config_digest=config.digest,
    )
    return plan, live, config
