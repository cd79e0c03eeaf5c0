"""fedctl benchmarks: validate, plan (no change, 10 % changed) and apply from empty.

    python bench/run.py [--sizes 100,1000,5000] [--latencies 0,50] [--out bench/results/latest.json]

Each fedctl command runs as its own process against the emulator (started in this
process on a loopback port with `--latency-ms`), so wall time, CPU time and peak memory
are fedctl's alone; the emulator's request log gives the request count. Every row also
prints the floor: the fewest sequential round trips the API allows for that operation
times the latency, and fedctl's ratio to it. Results are measurements, never assertions.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate import OrgShape, workspace_names, write_config  # noqa: E402

from fedctl.emulator.server import FaultConfig, RunningEmulator, start_emulator  # noqa: E402

PAGE = 100  # the WIF lists' largest page (admin-api.md §4.1)
PARALLELISM = 8


@dataclass
class Row:
    size: int
    latency_ms: int
    operation: str
    wall_s: float
    cpu_s: float
    max_rss_mb: float
    requests: int
    floor_round_trips: int
    floor_s: float
    ratio_to_floor: float | None
    exit_code: int


def read_floor(shape: OrgShape) -> int:
    """Fewest sequential round trips to read an organization of this shape.

    The three WIF lists and the workspace list run side by side; each list is a chain of
    pages. Memberships are read per workspace once workspace IDs are known (a second
    chain). With parallelism P, no schedule beats total requests / P either.
    """
    sa_pages = math.ceil(shape.service_accounts / PAGE) or 1
    rule_pages = math.ceil(shape.rules / PAGE) or 1
    issuer_pages = math.ceil(shape.issuers / PAGE) or 1
    members_per_workspace = math.ceil(2 * shape.service_accounts / shape.workspaces)
    member_pages = math.ceil(members_per_workspace / PAGE) or 1
    chain = max(sa_pages, rule_pages, issuer_pages, 1 + member_pages)
    total = 1 + sa_pages + rule_pages + issuer_pages + 1 + shape.workspaces * member_pages
    return max(chain, math.ceil(total / PARALLELISM))


def apply_floor(shape: OrgShape) -> int:
    """Reads, then the dependency layers of a create-everything apply at PARALLELISM."""
    layers = [
        shape.issuers + shape.service_accounts,  # independent creates
        2 * shape.service_accounts,  # memberships need the service account's ID
        shape.rules,  # rules need issuer, service account and memberships
        shape.rules,  # the second workspace of each rule is a separate enablement
    ]
    return read_floor(shape) + sum(math.ceil(count / PARALLELISM) for count in layers)


def run_fedctl(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """Run `python -m fedctl ARGS`; return wall s, CPU s, peak RSS MB and the exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "fedctl", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    exit_code = os.waitstatus_to_exitcode(status)
    process.returncode = exit_code
    if exit_code not in (0, 2):
        error = process.stderr.read().decode() if process.stderr else ""
        print(f"  fedctl {' '.join(args[:2])} exited {exit_code}: {error.strip()[:300]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, exit_code


def measure(
    operation: str,
    args: list[str],
    *,
    shape: OrgShape,
    latency_ms: int,
    floor: int,
    emulator: RunningEmulator | None,
    env: dict[str, str],
) -> Row:
    if emulator:
        emulator.reset_request_log()
    wall, cpu, rss, code = run_fedctl(args, env)
    requests = len(emulator.requests()) if emulator else 0
    floor_s = floor * latency_ms / 1000
    ratio = round(wall / floor_s, 2) if floor_s else None
    return Row(shape.total, latency_ms, operation, round(wall, 3), round(cpu, 3), round(rss, 1),
               requests, floor, round(floor_s, 3), ratio, code)


def bench_size(total: int, latency_ms: int, workdir: Path) -> list[Row]:
    shape = OrgShape.for_total(total)
    config = write_config(workdir / f"org-{total}", shape)
    changed = write_config(workdir / f"org-{total}-changed", shape, changed_percent=10)
    rows = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    rows.append(measure("validate", ["validate", str(config)], shape=shape, latency_ms=0,
                        floor=0, emulator=None, env=env))
    emulator = start_emulator(workspaces=workspace_names(shape),
                              faults=FaultConfig(latency_ms=latency_ms))
    try:
        env = {**env, "ANTHROPIC_AUTH_TOKEN": emulator.admin_token,
               "ANTHROPIC_BASE_URL": emulator.base_url}
        common = ["--parallelism", str(PARALLELISM)]
        rows.append(measure("apply (from empty)",
                            ["apply", str(config), "--auto-approve", "--allow-large-changes", *common],
                            shape=shape, latency_ms=latency_ms, floor=apply_floor(shape),
                            emulator=emulator, env=env))
        rows.append(measure("plan (no changes)", ["plan", str(config), *common], shape=shape,
                            latency_ms=latency_ms, floor=read_floor(shape), emulator=emulator,
                            env=env))
        rows.append(measure("plan (10 % changed)", ["plan", str(changed), *common], shape=shape,
                            latency_ms=latency_ms, floor=read_floor(shape), emulator=emulator,
                            env=env))
    finally:
        emulator.stop()
    return rows


def print_table(rows: list[Row]) -> None:
    header = (f"{'N':>6} {'lat':>4} {'operation':<20} {'wall s':>8} {'cpu s':>7} {'MB':>6} "
              f"{'reqs':>6} {'floor RT':>8} {'floor s':>8} {'x floor':>8}")
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = f"{row.ratio_to_floor:.2f}" if row.ratio_to_floor is not None else "-"
        print(f"{row.size:>6} {row.latency_ms:>4} {row.operation:<20} {row.wall_s:>8.2f} "
              f"{row.cpu_s:>7.2f} {row.max_rss_mb:>6.0f} {row.requests:>6} "
              f"{row.floor_round_trips:>8} {row.floor_s:>8.2f} {ratio:>8}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--latencies", default="0,50")
    parser.add_argument("--out", default="bench/results/latest.json")
    options = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="fedctl-bench-") as temp:
        for total in (int(s) for s in options.sizes.split(",")):
            for latency in (int(s) for s in options.latencies.split(",")):
                print(f"N={total} latency={latency} ms ...", flush=True)
                rows.extend(bench_size(total, latency, Path(temp)))
    print_table(rows)
    out = Path(options.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "rows": [asdict(row) for row in rows],
    }, indent=2))
    print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
