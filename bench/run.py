"""fedctl benchmarks: validate, plan (no change, 10 % changed) and apply from empty.

    python bench/run.py [--sizes 100,1000,5000] [--latencies 0,50] [--out bench/results/latest.json]

Each fedctl command runs as its own process (`python -m fedctl ...`) against the emulator,
started in this process on a loopback port with `latency_ms`, so wall time, CPU time and
peak memory (os.wait4) are fedctl's alone; the emulator's request log gives the request
count and this process's CPU time during the run is the emulator's. Read-only commands
run `--repeat` times (default 3) and the fastest run is reported, which damps noise from
whatever else the machine is doing; apply runs once. Every row also shows
its floor (bench/floors.py): the fewest sequential round trips the API allows times the
latency plus fedctl's start-up (`fedctl --help`, measured in the same run), and fedctl's
ratio to it. Plans run with --detailed-exitcode, so a no-change
plan that finds changes (or a changed one that finds none) is flagged in the `ok` column.
Results are measurements, never assertions: the bench always exits 0 unless a command
crashed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]

from floors import apply_floor, read_floor  # noqa: E402
from generate import OrgShape, changed_count, workspace_names, write_config  # noqa: E402
from proxy import FirstRequestProxy  # noqa: E402
from table import summary  # noqa: E402

from fedctl.emulator.server import FaultConfig, RunningEmulator, start_emulator  # noqa: E402

PARALLELISM = 8  # fedctl's default --parallelism
CHANGED_PERCENT = 10
# Rules whose match condition changes, one per 10 resources: 500 at N=5,000 (issue 32's
# target for the solver), 100 at 1,000, 10 at 100.
CONDITIONS_CHANGED_PER = 10
# `python -c` instead of `-m fedctl`: the same CLI, then the seconds spent inside z3
# (fedctl.access.proof.solve.CLOCK) on stderr's last line; the exit code is the CLI's.
SOLVER_REPORT = (
    "import sys\n"
    "from fedctl.cli.main import main\n"
    "code = 0\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit as exit:\n"
    "    code = exit.code if isinstance(exit.code, int) else 1\n"
    "solve = sys.modules.get('fedctl.access.proof.solve')\n"
    "seconds = solve.CLOCK.seconds if solve else 0.0\n"
    "print(f'fedctl-bench solver seconds {seconds:.3f}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@dataclass
class Row:
    size: int
    latency_ms: int
    operation: str
    wall_s: float
    cpu_s: float
    max_rss_mb: float
    emulator_cpu_s: float
    requests: int
    floor_round_trips: int
    startup_s: float
    floor_s: float
    ratio_to_floor: float | None
    exit_code: int
    ok: bool
    load_1m: float  # the machine's 1-minute load average when the row finished
    # Process start to the first bytes of its first request at the relay (bench/proxy.py);
    # only for the rows run through it.
    first_request_s: float | None = None
    # Seconds inside the SMT solver (the conditions-changed plan only).
    solver_s: float | None = None


@dataclass(frozen=True)
class Run:
    """One fedctl invocation to measure, and what it should end with."""

    operation: str
    args: list[str]
    floor: int
    expected_exit: int = 0
    repeat: int = 1  # read-only commands can run again; the fastest run is kept
    solver: bool = False  # run through SOLVER_REPORT and record the solver's seconds


def run_fedctl(
    args: list[str], env: dict[str, str], *, solver: bool = False
) -> tuple[float, float, float, int, str, float]:
    """Run `python -m fedctl ARGS`; wall s, CPU s, peak RSS MB, exit code, stderr tail and
    the perf_counter() just before the process was started."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            [sys.executable, *(["-c", SOLVER_REPORT] if solver else ["-m", "fedctl"]), *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        tail = stderr.read().decode(errors="replace").strip()[-400:]
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, process.returncode, tail, started


def measure(
    run: Run,
    *,
    shape: OrgShape,
    latency_ms: int,
    emulator: RunningEmulator | None,
    env: dict[str, str],
    startup_s: float = 0.0,
    proxy: FirstRequestProxy | None = None,
) -> Row:
    best: tuple[float, float, float, int, str, float, int] | None = None
    first_requests: list[float] = []
    solver_s: float | None = None
    for _ in range(run.repeat):
        if emulator:
            emulator.reset_request_log()
        if proxy:
            proxy.reset()
        emulator_cpu_before = time.process_time()
        wall, cpu, rss, code, stderr, started = run_fedctl(run.args, env, solver=run.solver)
        emulator_cpu = time.process_time() - emulator_cpu_before
        requests = len(emulator.requests()) if emulator else 0
        if proxy and proxy.first_request_at is not None:
            first_requests.append(proxy.first_request_at - started)
        if best is None or wall < best[0]:
            best = (wall, cpu, rss, code, stderr, emulator_cpu, requests)
            solver_s = _solver_seconds(stderr) if run.solver else None
    assert best is not None
    wall, cpu, rss, code, stderr, emulator_cpu, requests = best
    # No client can beat its own start-up plus the round trips it must wait for.
    floor_s = startup_s + run.floor * latency_ms / 1000 if latency_ms else 0.0
    ok = code == run.expected_exit
    if not ok:
        print(f"  ! {run.operation}: exit {code}, expected {run.expected_exit}: {stderr}")
    row = Row(
        size=shape.total,
        latency_ms=latency_ms,
        operation=run.operation,
        wall_s=round(wall, 3),
        cpu_s=round(cpu, 3),
        max_rss_mb=round(rss, 1),
        emulator_cpu_s=round(emulator_cpu if emulator else 0.0, 3),
        requests=requests,
        floor_round_trips=run.floor,
        startup_s=round(startup_s, 3),
        floor_s=round(floor_s, 3),
        ratio_to_floor=round(wall / floor_s, 2) if floor_s else None,
        exit_code=code,
        ok=ok,
        load_1m=round(os.getloadavg()[0], 2),
        first_request_s=round(min(first_requests), 3) if first_requests else None,
        solver_s=solver_s,
    )
    print("  " + format_row(row), flush=True)
    return row


def _solver_seconds(stderr: str) -> float | None:
    marker = "fedctl-bench solver seconds "
    lines = [line for line in stderr.splitlines() if line.startswith(marker)]
    return round(float(lines[-1][len(marker) :]), 3) if lines else None


def api_env(base: dict[str, str], emulator: RunningEmulator) -> dict[str, str]:
    return {
        **base,
        "ANTHROPIC_AUTH_TOKEN": emulator.admin_token,
        "ANTHROPIC_BASE_URL": emulator.base_url,
    }


def fedctl_env(workdir: Path) -> dict[str, str]:
    """The environment of every fedctl process: no ANTHROPIC_*, no colour, and bytecode.

    An installed fedctl runs from compiled bytecode (pip compiles on install). Run from a
    checkout with PYTHONDONTWRITEBYTECODE set, it would recompile every module on every
    run (~0.1 s), which no user pays; so the modules are compiled once, into a cache
    under the bench's temporary directory (the checkout stays clean).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["NO_COLOR"] = "1"
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "fedctl")], env=env, check=True
    )
    return env


def bench_size(total: int, latencies: list[int], workdir: Path, repeat: int) -> list[Row]:
    shape = OrgShape.for_total(total)
    config = write_config(workdir / f"org-{total}", shape)
    changed = write_config(workdir / f"org-{total}-changed", shape, changed_percent=CHANGED_PERCENT)
    conditions = min(shape.rules, total // CONDITIONS_CHANGED_PER)
    conditions_changed = write_config(
        workdir / f"org-{total}-conditions", shape, changed_conditions=conditions
    )
    print(
        f"N={shape.total}: {shape.issuers} issuers, {shape.service_accounts} service accounts "
        f"({shape.memberships} memberships), {shape.rules} rules ({shape.enablements} "
        f"enablements) in {shape.workspaces} workspaces; the changed variant edits "
        f"{changed_count(shape, CHANGED_PERCENT)}",
        flush=True,
    )
    base_env = fedctl_env(workdir)
    startup = measure(
        Run("start-up (--help)", ["--help"], floor=0, repeat=repeat),
        shape=shape,
        latency_ms=0,
        emulator=None,
        env=base_env,
    )
    rows = [
        startup,
        measure(
            Run("validate", ["validate", str(config)], floor=0, repeat=repeat),
            shape=shape,
            latency_ms=0,
            emulator=None,
            env=base_env,
        ),
    ]
    common = ["--parallelism", str(PARALLELISM)]
    plan = ["plan", "--detailed-exitcode", *common]
    reads = read_floor(shape, PARALLELISM)
    for latency in latencies:
        faults = FaultConfig(latency_ms=latency)
        emulator = start_emulator(workspaces=workspace_names(shape), faults=faults)
        try:
            env = api_env(base_env, emulator)
            for run in (
                Run(
                    "apply (from empty)",
                    ["apply", str(config), "--auto-approve", "--allow-large-changes", *common],
                    floor=apply_floor(shape, PARALLELISM),
                ),
                Run("plan (no changes)", [*plan, str(config)], floor=reads, repeat=repeat),
                Run(
                    f"plan ({CHANGED_PERCENT} % changed)",
                    [*plan, str(changed)],
                    floor=reads,
                    expected_exit=2,
                    repeat=repeat,
                ),
            ):
                rows.append(
                    measure(
                        run,
                        shape=shape,
                        latency_ms=latency,
                        emulator=emulator,
                        env=env,
                        startup_s=startup.wall_s,
                    )
                )
            # Process start to its first request, seen by a relay in front of the
            # emulator (bench/proxy.py); fastest of the repeats, like the wall times.
            proxy = FirstRequestProxy("127.0.0.1", int(emulator.base_url.rsplit(":", 1)[1]))
            try:
                rows.append(
                    measure(
                        Run(
                            "plan (first request)",
                            [*plan, str(config)],
                            floor=reads,
                            repeat=repeat,
                        ),
                        shape=shape,
                        latency_ms=latency,
                        emulator=emulator,
                        env={**env, "ANTHROPIC_BASE_URL": proxy.base_url},
                        startup_s=startup.wall_s,
                        proxy=proxy,
                    )
                )
            finally:
                proxy.stop()
        finally:
            emulator.stop()
        # The same organization written by the emulator's seed loader instead of by
        # fedctl: a no-change plan here also shows that apply and seed agree. At the last
        # latency, a plan whose access diff needs the solver runs against it too (once:
        # it takes seconds, and its figure is the solver's time, not the wall).
        emulator = start_emulator(
            workspaces=workspace_names(shape), seed_path=str(config), faults=faults
        )
        try:
            rows.append(
                measure(
                    Run(
                        "plan (no changes, seeded)",
                        [*plan, str(config)],
                        floor=reads,
                        repeat=repeat,
                    ),
                    shape=shape,
                    latency_ms=latency,
                    emulator=emulator,
                    env=api_env(base_env, emulator),
                    startup_s=startup.wall_s,
                )
            )
            if latency == latencies[-1] and conditions:
                rows.append(
                    measure(
                        Run(
                            f"plan ({conditions} conditions changed)",
                            [*plan, str(conditions_changed)],
                            floor=reads,
                            expected_exit=2,
                            solver=True,
                        ),
                        shape=shape,
                        latency_ms=latency,
                        emulator=emulator,
                        env=api_env(base_env, emulator),
                        startup_s=startup.wall_s,
                    )
                )
        finally:
            emulator.stop()
    return rows


HEADER = (
    f"{'N':>6} {'lat':>4} {'operation':<30} {'wall s':>7} {'cpu s':>6} {'MB':>5} "
    f"{'emu s':>6} {'reqs':>6} {'floor RT':>8} {'floor s':>7} {'x floor':>7} {'1st req':>7} "
    f"{'solver':>6} {'load':>5} {'ok':>3}"
)


def format_row(row: Row) -> str:
    ratio = f"{row.ratio_to_floor:.2f}" if row.ratio_to_floor is not None else "-"
    first = f"{row.first_request_s:.3f}" if row.first_request_s is not None else "-"
    solver = f"{row.solver_s:.2f}" if row.solver_s is not None else "-"
    return (
        f"{row.size:>6} {row.latency_ms:>4} {row.operation:<30} {row.wall_s:>7.2f} "
        f"{row.cpu_s:>6.2f} {row.max_rss_mb:>5.0f} {row.emulator_cpu_s:>6.2f} "
        f"{row.requests:>6} {row.floor_round_trips:>8} {row.floor_s:>7.2f} {ratio:>7} "
        f"{first:>7} {solver:>6} {row.load_1m:>5.1f} {'yes' if row.ok else 'NO':>3}"
    )


def print_table(rows: list[Row]) -> None:
    print(HEADER)
    print("-" * len(HEADER))
    for row in rows:
        print(format_row(row))


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores, {model or platform.machine()}, Python {platform.python_version()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--latencies", default="0,50")
    parser.add_argument("--out", default=str(BENCH / "results" / "latest.json"))
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each read-only command (validate, plans); the fastest is reported",
    )
    options = parser.parse_args()
    latencies = [int(s) for s in options.latencies.split(",")]
    started = time.perf_counter()
    load_start = os.getloadavg()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="fedctl-bench-") as temp:
        for total in (int(s) for s in options.sizes.split(",")):
            rows.extend(bench_size(total, latencies, Path(temp), options.repeat))
    elapsed = time.perf_counter() - started
    print()
    print_table(rows)
    print(f"\nwhole bench: {elapsed:.0f} s on {machine()}")
    load_end = os.getloadavg()
    print(f"load average at start {load_start[0]:.1f}, at end {load_end[0]:.1f}")
    out = Path(options.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": machine(),
                "parallelism": PARALLELISM,
                "repeat": options.repeat,
                "load_average": os.getloadavg(),
                "load_average_start": load_start,
                "elapsed_s": round(elapsed, 1),
                "rows": [asdict(row) for row in rows],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"results written to {out}")
    print()
    print(summary(json.loads(out.read_text())))
    return 0 if all(row.exit_code in (0, 2) for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
