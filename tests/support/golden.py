"""Golden files: outputs compared whole; FEDCTL_REGEN_GOLDEN=1 rewrites them (explicit opt-in)."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent.parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN_DIR / name
    if os.environ.get("FEDCTL_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs; rerun with FEDCTL_REGEN_GOLDEN=1 if intended"
