"""Apply of a >= 100-resource configuration converges under every injected fault kind.

For each seed, a fresh emulator gets bystander resources, then every fault kind at a
10-20 % rate; apply (`fedctl.apply.run.apply_plan`, what `fedctl apply --auto-approve`
runs) is re-run (capped) until it succeeds, read-back included. With
faults off, the checks: an immediate plan is empty, no active name is held twice,
nothing was archived, and the bystanders are exactly as they were.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fedctl.api.client import AdminClient
from fedctl.api.connect import open_client
from fedctl.api.resources import list_issuers, list_rules, list_service_accounts
from fedctl.apply.run import ApplyOptions, apply_plan
from fedctl.core.errors import FedctlError
from fedctl.emulator.faults import FAULT_KINDS
from fedctl.emulator.server import FaultConfig, RunningEmulator, running_emulator
from fedctl.pipeline import plan_from_config
from fedctl.plan.plan import Plan
from tests.apply.checks import assert_no_duplicate_names, snapshot_resources
from tests.apply.fleet import (
    BYSTANDERS,
    WORKSPACES,
    create_bystanders,
    fleet_size,
    write_fleet_config,
)

# Two groups, one per xdist worker; the seeds of a group run side by side in threads,
# since most of a faulty run is spent waiting out retry delays.
SEED_GROUPS = ((11, 23, 37, 41), (59, 73, 89, 97))
MAX_RUNS = 8


def _plan(client: AdminClient, config: Path) -> Plan:
    return plan_from_config(config, client=client)[0]


def _apply_once(client: AdminClient, config: Path) -> str:
    """One `fedctl apply --auto-approve` minus the printing: "ok", or the error it ended with."""
    try:
        plan, live, loaded = plan_from_config(config, client=client)
        if plan.is_empty():
            return "ok"
        apply_plan(
            client,
            plan,
            live,
            loaded,
            replan=lambda: _plan(client, config),
            options=ApplyOptions(parallelism=16),
            approve=lambda: None,
        )
    except FedctlError as exc:
        return exc.render()
    return "ok"


def assert_converged(emulator: RunningEmulator, config: Path, bystanders: object) -> None:
    """The checks shared with the SIGKILL test (faults must be off)."""
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
        assert _plan(client, config).is_empty()
        assert_no_duplicate_names(client)
        everything = [
            *list_service_accounts(client, include_archived=True),
            *list_issuers(client, include_archived=True),
            *list_rules(client, include_archived=True),
        ]
        # Nothing was created twice and then archived, and nothing else appeared.
        assert len(everything) == fleet_size() + len(BYSTANDERS)
        assert all(item.archived_at is None for item in everything)
        assert snapshot_resources(client, BYSTANDERS) == bystanders


def _converge_under_faults(config: Path, seed: int) -> list[str]:
    rate = 0.10 + 0.05 * (seed % 3)  # 10 %, 15 % or 20 %
    with running_emulator(workspaces=WORKSPACES) as emulator:
        create_bystanders(emulator.base_url, emulator.admin_token)
        with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
            bystanders = snapshot_resources(client, BYSTANDERS)
            emulator.set_faults(
                FaultConfig(rate=rate, kinds=FAULT_KINDS, seed=seed, read_lag_ms=300)
            )
            runs: list[str] = []
            while not runs or runs[-1] != "ok":
                assert len(runs) < MAX_RUNS, f"seed {seed}: no convergence after {runs}"
                runs.append(_apply_once(client, config))
        emulator.set_faults(FaultConfig())
        assert_converged(emulator, config, bystanders)
        return runs


@pytest.mark.slow
@pytest.mark.parametrize("seeds", SEED_GROUPS, ids=lambda seeds: "-".join(map(str, seeds)))
def test_apply_converges_under_injected_faults(tmp_path: Path, seeds: tuple[int, ...]) -> None:
    config = write_fleet_config(tmp_path / "fleet")
    with ThreadPoolExecutor(max_workers=len(seeds)) as pool:
        futures = {seed: pool.submit(_converge_under_faults, config, seed) for seed in seeds}
        runs = {seed: future.result() for seed, future in futures.items()}
    assert all(outcomes[-1] == "ok" for outcomes in runs.values())


@pytest.mark.parametrize("seed", (5, 17))
def test_transient_409s_on_create_are_settled_by_reading_back_and_apply_converges_at_once(
    tmp_path: Path, seed: int
) -> None:
    """A 409 that no live or archived resource of that name explains is a concurrent
    modification: the create is read back, then sent again, and the first apply converges."""
    config = write_fleet_config(tmp_path / "fleet")
    with running_emulator(workspaces=WORKSPACES) as emulator:
        create_bystanders(emulator.base_url, emulator.admin_token)
        with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
            bystanders = snapshot_resources(client, BYSTANDERS)
            emulator.set_faults(FaultConfig(rate=0.2, kinds=("409",), seed=seed))
            outcome = _apply_once(client, config)
        emulator.set_faults(FaultConfig())
        assert outcome == "ok"
        assert_converged(emulator, config, bystanders)
