"""A vulnerable and a fixed example, and the public sources, for every lint check.

One `FEDxxx.yaml` per check, shipped as package data, read by `fedctl.lint.pages` for the
check's page. `vulnerable` and `fixed` are whole configurations in fedctl's language that
`tests/lint/test_examples.py` loads and lints (the check fires on the first, not on the
second). A check that only `fedctl lint --live` can see has no configuration to show:
its `live_only` entry describes the live state in prose instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Reference:
    title: str
    url: str


@dataclass(frozen=True)
class CheckExamples:
    vulnerable: str
    fixed: str
    references: tuple[Reference, ...]
    # True: vulnerable and fixed describe live state in prose, not a configuration.
    live_only: bool = False


@cache
def examples_for(check_id: str) -> CheckExamples | None:
    """The examples of `check_id` (an exact catalogue ID), or None when it has none."""
    # The ID names a file: anything but FEDnnn never reaches the file system.
    if not re.fullmatch(r"FED[0-9]{3}", check_id):
        return None
    file = resources.files(__package__).joinpath(f"{check_id}.yaml")
    if not file.is_file():
        return None
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    return CheckExamples(
        vulnerable=str(data["vulnerable"]),
        fixed=str(data["fixed"]),
        references=tuple(
            Reference(title=str(ref["title"]), url=str(ref["url"])) for ref in data["references"]
        ),
        live_only=bool(data.get("live_only", False)),
    )
