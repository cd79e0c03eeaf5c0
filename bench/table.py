"""Render a results JSON (bench/run.py --out) as the Markdown table and target summary
that docs/benchmarks.md shows.

python bench/table.py bench/results/latest.json
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

Rows = list[dict[str, Any]]
TARGET_LATENCY_MS = 50


def render(results: dict[str, Any]) -> str:
    lines = [
        "| N | latency | operation | wall s | CPU s | peak MB | emulator CPU s | requests "
        "| floor (round trips) | floor s | x floor | first request s | solver s | load |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["rows"]:
        network = row["operation"] not in ("validate", "start-up (--help)")
        ratio = f"{row['ratio_to_floor']:.2f}" if row["ratio_to_floor"] is not None else "-"
        latency = f"{row['latency_ms']} ms" if network else "-"
        floor_s = f"{row['floor_s']:.2f}" if row["floor_s"] else "-"
        floor_rt = str(row["floor_round_trips"]) if network else "-"
        flag = "" if row["ok"] else " (unexpected exit)"
        first = row.get("first_request_s")
        first_s = f"{first:.3f}" if first is not None else "-"
        solver = row.get("solver_s")
        solver_s = f"{solver:.2f}" if solver is not None else "-"
        lines.append(
            f"| {row['size']:,} | {latency} | {row['operation']}{flag} | {row['wall_s']:.2f} "
            f"| {row['cpu_s']:.2f} | {row['max_rss_mb']:.0f} | {row['emulator_cpu_s']:.2f} "
            f"| {row['requests']:,} | {floor_rt} | {floor_s} | {ratio} | {first_s} | {solver_s} "
            f"| {row.get('load_1m', 0):.1f} |"
        )
    return "\n".join(lines) + "\n"


def _find(rows: Rows, operation: str, size: int, latency: int | None) -> dict[str, Any] | None:
    for row in rows:
        wanted_latency = latency is None or row["latency_ms"] == latency
        if row["operation"] == operation and row["size"] == size and wanted_latency:
            return row
    return None


def _ratio_target(rows: Rows, operation: str, sizes: list[int], bound: float) -> str:
    parts, met = [], True
    for size in sizes:
        row = _find(rows, operation, size, TARGET_LATENCY_MS)
        if row is None or row["ratio_to_floor"] is None:
            parts.append(f"N={size:,}: not measured")
            met = False
            continue
        met = met and row["ratio_to_floor"] <= bound
        parts.append(
            f"N={size:,}: {row['ratio_to_floor']:.2f}x "
            f"({row['wall_s']:.2f} s against {row['floor_s']:.2f} s)"
        )
    return f"{'met' if met else 'NOT MET'}: " + "; ".join(parts)


def _value_target(
    rows: Rows,
    operation: str,
    size: int,
    bound: float,
    value: Callable[[dict[str, Any]], float],
    unit: str = "s",
) -> str:
    found = [row for row in rows if row["operation"] == operation and row["size"] == size]
    if not found:
        return "NOT MET: not measured"
    figures = [(value(row), row["latency_ms"]) for row in found]
    worst = max(figure for figure, _ in figures)
    shown = ", ".join(
        (f"{figure:.0f} MB" if unit == "MB" else f"{figure:.2f} s")
        + ("" if operation in ("validate", "start-up (--help)") else f" at {latency} ms")
        for figure, latency in figures
    )
    return f"{'met' if worst < bound else 'NOT MET'}: {shown}"


def _first_request_target(rows: Rows, bound: float) -> str:
    found = [
        row
        for row in rows
        if row["operation"] == "plan (first request)"
        and row["latency_ms"] == TARGET_LATENCY_MS
        and row.get("first_request_s") is not None
    ]
    if not found:
        return "NOT MET: not measured"
    met = all(row["first_request_s"] <= bound for row in found)
    shown = "; ".join(
        f"N={row['size']:,}: {row['first_request_s']:.3f} s ({row['first_request_s'] / bound:.2f}x)"
        for row in found
    )
    return f"{'met' if met else 'NOT MET'}: {shown}"


def _solver_target(rows: Rows, size: int, bound: float) -> str:
    found = [
        row
        for row in rows
        if row["size"] == size
        and row["operation"].endswith("conditions changed)")
        and row.get("solver_s") is not None
    ]
    if not found:
        return "NOT MET: not measured"
    row = found[-1]
    met = row["solver_s"] < bound
    return (
        f"{'met' if met else 'NOT MET'}: {row['solver_s']:.2f} s in the solver "
        f"({row['solver_s'] / bound:.1f}x; {row['operation'].removeprefix('plan (')[:-1]}, "
        f"plan wall {row['wall_s']:.2f} s)"
    )


def summary(results: dict[str, Any]) -> str:
    """One line per performance target: met / NOT MET, with the measured figures."""
    rows: Rows = results["rows"]
    sizes = [100, 1000, 5000]
    targets = [
        (
            "no-change plan at 50 ms within 1.5x of its floor",
            _ratio_target(rows, "plan (no changes)", sizes, 1.5),
        ),
        (
            "10 %-changed plan at 50 ms within 1.7x of its floor",
            _ratio_target(rows, "plan (10 % changed)", sizes, 1.7),
        ),
        (
            "apply from empty, N=1,000, 50 ms, within 1.15x of its floor",
            _ratio_target(rows, "apply (from empty)", [1000], 1.15),
        ),
        (
            "CPU of a no-change plan at N=5,000 under 1.2 s",
            _value_target(rows, "plan (no changes)", 5000, 1.2, lambda row: row["cpu_s"]),
        ),
        (
            "peak memory of a no-change plan at N=5,000 under 150 MB",
            _value_target(
                rows, "plan (no changes)", 5000, 150, lambda row: row["max_rss_mb"], unit="MB"
            ),
        ),
        (
            "validate of N=5,000 under 0.5 s",
            _value_target(rows, "validate", 5000, 0.5, lambda row: row["wall_s"]),
        ),
        (
            "`fedctl --help` under 0.1 s",
            _value_target(rows, "start-up (--help)", 5000, 0.1, lambda row: row["wall_s"]),
        ),
        (
            "first Admin API request of a plan at 50 ms within 0.12 s of process start",
            _first_request_target(rows, 0.12),
        ),
        (
            "a plan with 500 changed conditions at N=5,000 spends under 1 s in the solver",
            _solver_target(rows, 5000, 1.0),
        ),
    ]
    return "\n".join(f"- {name}: **{result}**" for name, result in targets) + "\n"


if __name__ == "__main__":
    results = json.loads(Path(sys.argv[1]).read_text())
    sys.stdout.write(render(results) + "\nTargets:\n\n" + summary(results))
