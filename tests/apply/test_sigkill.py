"""`python -m fedctl apply` killed with SIGKILL at random points converges when re-run.

The emulator serves over HTTP from this test process; each apply is a separate process,
killed at a seeded random point (while planning, or after the n-th write reached the
server), a few times; then apply runs to completion. The checks are the fault-tolerance test's: an
immediate plan is empty, no name is held twice, nothing archived, bystanders untouched.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fedctl.api.connect import open_client
from fedctl.emulator.server import FaultConfig, RunningEmulator, running_emulator
from tests.apply.checks import snapshot_resources
from tests.apply.fleet import BYSTANDERS, WORKSPACES, create_bystanders, write_fleet_config
from tests.apply.test_fault_tolerance import assert_converged

REPO = Path(__file__).resolve().parents[2]
KILLS = 5
MAX_FINISHING_RUNS = 3


def _start_apply(emulator: RunningEmulator, config: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        # The token travels in the environment, not on a command line others can read.
        "ANTHROPIC_AUTH_TOKEN": emulator.admin_token,
    }
    command = [
        sys.executable,
        "-m",
        "fedctl",
        "apply",
        str(config),
        "--auto-approve",
        "--parallelism",
        "8",
        "--base-url",
        emulator.base_url,
    ]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=config
    )


def _writes_seen(emulator: RunningEmulator) -> int:
    return sum(method != "GET" for method, _ in emulator.requests())


def _run_killed_at(emulator: RunningEmulator, config: Path, after_writes: int) -> bool:
    """Start apply and SIGKILL it once `after_writes` writes reached the server (0: while it
    is still starting or planning); True if it was still running when killed."""
    emulator.reset_request_log()
    process = _start_apply(emulator, config)
    if after_writes == 0:
        time.sleep(0.3)
    while process.poll() is None and _writes_seen(emulator) < after_writes:
        time.sleep(0.005)
    killed = process.poll() is None
    if killed:
        process.kill()  # SIGKILL: no cleanup, no finally blocks
    process.communicate(timeout=30)
    return killed


@pytest.mark.slow
@pytest.mark.parametrize("seed", [5, 17])
def test_apply_killed_at_random_points_converges_on_rerun(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    config = write_fleet_config(tmp_path / "fleet")
    with running_emulator(workspaces=WORKSPACES) as emulator:
        create_bystanders(emulator.base_url, emulator.admin_token)
        # A little latency per request keeps a kill from landing long after its mark.
        emulator.set_faults(FaultConfig(latency_ms=10))
        with open_client(base_url=emulator.base_url, auth_token=emulator.admin_token) as client:
            bystanders = snapshot_resources(client, BYSTANDERS)
        # Kill points counted in writes, not seconds, so a slow machine moves them nowhere.
        # The first apply has ~240 writes to make, so its kill always lands mid-apply.
        marks = [rng.randint(1, 120), *(rng.choice([0, *range(1, 60)]) for _ in range(KILLS - 1))]
        interrupted_mid_apply = 0
        for mark in marks:
            killed = _run_killed_at(emulator, config, mark)
            interrupted_mid_apply += killed and _writes_seen(emulator) > 0
        assert interrupted_mid_apply >= 1
        for _ in range(MAX_FINISHING_RUNS):
            process = _start_apply(emulator, config)
            _, stderr = process.communicate(timeout=120)
            if process.returncode == 0:
                break
        assert process.returncode == 0, stderr.decode()
        assert_converged(emulator, config, bystanders)
