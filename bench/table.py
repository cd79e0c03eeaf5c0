"""Render a results JSON (bench/run.py --out) as the Markdown table the README shows.

python bench/table.py bench/results/latest.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def render(results: dict[str, object]) -> str:
    lines = [
        "| N | latency | operation | wall s | CPU s | peak MB | requests | floor (round trips) "
        "| floor s | x floor |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = results["rows"]
    assert isinstance(rows, list)
    for row in rows:
        ratio = f"{row['ratio_to_floor']:.2f}" if row["ratio_to_floor"] is not None else "-"
        latency = "-" if row["operation"] == "validate" else f"{row['latency_ms']} ms"
        floor_s = f"{row['floor_s']:.2f}" if row["floor_s"] else "-"
        floor_rt = str(row["floor_round_trips"]) if row["operation"] != "validate" else "-"
        flag = "" if row["ok"] else " (unexpected exit)"
        lines.append(
            f"| {row['size']:,} | {latency} | {row['operation']}{flag} | {row['wall_s']:.2f} "
            f"| {row['cpu_s']:.2f} | {row['max_rss_mb']:.0f} | {row['requests']:,} "
            f"| {floor_rt} | {floor_s} | {ratio} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render(json.loads(Path(sys.argv[1]).read_text())))
