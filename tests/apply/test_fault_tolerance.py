"""Apply of a >= 100-resource configuration converges under every injected fault kind.

For each seed, a fresh emulator gets bystander resources, then every fault kind at a
10-20 % rate; `fedctl apply --auto-approve` is re-run (capped) until it succeeds. With
faults off, the checks: an immediate plan is empty, no active name is held twice,
nothing was archived, and the bystanders are exactly as they were.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.api.connect import open_client
from fedctl.api.resources import list_issuers, list_rules, list_service_accounts
from fedctl.cli.main import cli
from fedctl.emulator.faults import FAULT_KINDS
from fedctl.emulator.server import FaultConfig, RunningEmulator, running_emulator
from tests.apply.checks import assert_no_duplicate_names, snapshot_resources
from tests.apply.fleet import (
    BYSTANDERS,
    WORKSPACES,
    create_bystanders,
    fleet_size,
    write_fleet_config,
)

SEEDS = (11, 23, 37, 41, 59)
MAX_RUNS = 8


def _apply(emulator: RunningEmulator, config: Path) -> int:
    args = ["apply", str(config), "--auto-approve", "--parallelism", "32"]
    api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
    return CliRunner().invoke(cli, [*args, *api]).exit_code


def assert_converged(emulator: RunningEmulator, config: Path, bystanders: object) -> None:
    """The checks shared with the SIGKILL test (faults must be off)."""
    api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
    replan = CliRunner().invoke(cli, ["plan", str(config), *api])
    assert replan.exit_code == 0, replan.output
    assert replan.stdout.splitlines()[-1] == "No changes."
    with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
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


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_apply_converges_under_injected_faults(tmp_path: Path, seed: int) -> None:
    config = write_fleet_config(tmp_path / "fleet")
    rate = 0.10 + 0.10 * (seed % 3) / 2  # 10 %, 15 % or 20 %
    with running_emulator(workspaces=WORKSPACES) as emulator:
        create_bystanders(emulator.base_url, emulator.admin_token)
        with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
            bystanders = snapshot_resources(client, BYSTANDERS)
        emulator.set_faults(FaultConfig(rate=rate, kinds=FAULT_KINDS, seed=seed, read_lag_ms=300))
        codes = []
        while not codes or codes[-1] != 0:
            assert len(codes) < MAX_RUNS, f"no convergence after {codes}"
            codes.append(_apply(emulator, config))
        emulator.set_faults(FaultConfig())
        assert_converged(emulator, config, bystanders)
