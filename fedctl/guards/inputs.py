"""What a command hands the guards besides the configuration, without importing them.

`fedctl plan` builds these before its first Admin API request; fedctl.guards.effective
imports the configuration models and the planner (~0.1 s), which would delay that request,
so the plain records live here and effective.py re-exports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SNAPSHOT_LABEL = "snapshot "


@dataclass(frozen=True)
class GuardSource:
    """One trusted source: its label for people and its value of each guard it records."""

    label: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class GuardInputs:
    """What a command was given besides the configuration: trusted sources (a snapshot's
    guards, --guards-from) and --tests files (the configuration's side)."""

    trusted: tuple[GuardSource, ...] = ()
    tests: tuple[Path, ...] = ()
