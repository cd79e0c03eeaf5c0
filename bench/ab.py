"""A/B: two fedctl checkouts, alternated round by round on the same emulator and minutes.

A speed-up is claimed from this, not from two whole bench runs minutes apart on a shared
machine: each round runs side A, then side B (then B, A in the next round, so neither
side always goes first), so load spikes fall on both. Per size and side it reports the
median and minimum of `validate` CPU and wall, and of a no-change `plan` at the given
latency through the relay (`bench/proxy.py`): the time from process start to its first
request, its wall and its CPU. It also counts the rounds each side won.

Each side runs its own interpreter (its venv's python) with PYTHONPATH at its checkout,
from a neutral working directory (a checkout as the working directory would be first on
`sys.path` and decide which fedctl runs), from bytecode compiled into its own cache.

    python bench/ab.py --a /work/wt-base --b . --sizes 100,5000 --rounds 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

from generate import OrgShape, workspace_names, write_config  # noqa: E402
from proxy import FirstRequestProxy  # noqa: E402

from fedctl.emulator.server import FaultConfig, start_emulator  # noqa: E402


@dataclass
class Side:
    name: str
    root: Path
    python: str
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Sample:
    wall: float
    cpu: float
    first: float | None
    code: int


def side_of(name: str, root: str, work: Path) -> Side:
    checkout = Path(root).resolve()
    venv_python = checkout / ".venv" / "bin" / "python"
    python = str(venv_python) if venv_python.exists() else sys.executable
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        PYTHONPATH=str(checkout), PYTHONPYCACHEPREFIX=str(work / f"pycache-{name}"), NO_COLOR="1"
    )
    subprocess.run(
        [python, "-m", "compileall", "-q", str(checkout / "fedctl")], env=env, check=True
    )
    return Side(name, checkout, python, env)


def run(side: Side, args: list[str], extra_env: dict[str, str], cwd: Path) -> Sample:
    started = time.perf_counter()
    process = subprocess.Popen(
        [side.python, "-m", "fedctl", *args],
        env={**side.env, **extra_env},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    return Sample(wall, usage.ru_utime + usage.ru_stime, None, os.waitstatus_to_exitcode(status))


def ab_size(total: int, sides: list[Side], rounds: int, latency_ms: int, work: Path) -> None:
    shape = OrgShape.for_total(total)
    config = write_config(work / f"org-{total}", shape)
    faults = FaultConfig(latency_ms=latency_ms)
    emulator = start_emulator(
        workspaces=workspace_names(shape), faults=faults, seed_path=str(config)
    )
    proxy = FirstRequestProxy("127.0.0.1", int(emulator.base_url.rsplit(":", 1)[1]))
    api = {"ANTHROPIC_AUTH_TOKEN": emulator.admin_token, "ANTHROPIC_BASE_URL": proxy.base_url}
    plan = ["plan", "--detailed-exitcode", "--parallelism", "8", str(config)]
    samples: dict[tuple[str, str], list[Sample]] = {}
    loads: list[float] = []
    try:
        for index in range(rounds):
            order = sides if index % 2 == 0 else list(reversed(sides))
            for side in order:
                validate = run(side, ["validate", str(config)], {}, work)
                samples.setdefault((side.name, "validate"), []).append(validate)
                proxy.reset()
                started = time.perf_counter()
                planned = run(side, plan, api, work)
                at = proxy.first_request_at
                planned.first = at - started if at is not None else None
                samples.setdefault((side.name, "plan"), []).append(planned)
                loads.append(os.getloadavg()[0])
    finally:
        proxy.stop()
        emulator.stop()
    report(total, latency_ms, sides, samples, loads)


def _stats(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f})"


def report(
    total: int,
    latency_ms: int,
    sides: list[Side],
    samples: dict[tuple[str, str], list[Sample]],
    loads: list[float],
) -> None:
    print(f"\nN={total:,}, plan at {latency_ms} ms; load {min(loads):.1f}-{max(loads):.1f}")
    columns = "validate CPU s | validate wall s | first request s | plan wall s | plan CPU s"
    print(f"| N | side | {columns} |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for side in sides:
        validate, plan = samples[(side.name, "validate")], samples[(side.name, "plan")]
        firsts = [s.first for s in plan if s.first is not None]
        codes = {s.code for s in validate} | {s.code for s in plan}
        print(
            f"| {total:,} | {side.name} | {_stats([s.cpu for s in validate])} | "
            f"{_stats([s.wall for s in validate])} | {_stats(firsts) if firsts else '-'} | "
            f"{_stats([s.wall for s in plan])} | {_stats([s.cpu for s in plan])} |"
            + ("" if codes == {0} else f" exit codes {sorted(codes)}")
        )
    a, b = sides
    for what, key in (
        ("validate CPU", lambda s: s.cpu),
        ("first request", lambda s: s.first or 0.0),
        ("plan wall", lambda s: s.wall),
        ("plan CPU", lambda s: s.cpu),
    ):
        kind = "validate" if what.startswith("validate") else "plan"
        pairs = zip(samples[(a.name, kind)], samples[(b.name, kind)], strict=True)
        wins = sum(1 for x, y in pairs if key(y) < key(x))
        print(f"{what}: {b.name} lower in {wins} of {len(samples[(a.name, kind)])} rounds")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--a", required=True, help="checkout of side A (with its .venv)")
    parser.add_argument("--b", required=True, help="checkout of side B (with its .venv)")
    parser.add_argument("--sizes", default="100,5000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--latency", type=int, default=50)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fedctl-ab-") as directory:
        work = Path(directory)
        sides = [side_of("A", options.a, work), side_of("B", options.b, work)]
        for side in sides:
            commit = subprocess.run(
                ["git", "-C", str(side.root), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            print(f"{side.name} = {side.root} at {commit or '?'}")
        for total in (int(size) for size in options.sizes.split(",")):
            ab_size(total, sides, options.rounds, options.latency, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
