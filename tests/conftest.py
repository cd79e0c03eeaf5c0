"""Suite-wide fixtures: no test sees the developer's Anthropic credentials or config dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from fedctl.emulator.server import RunningEmulator


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("ANTHROPIC_") or name in {"NO_COLOR", "FORCE_COLOR"}:
            monkeypatch.delenv(name, raising=False)
    config_dir = tmp_path / "anthropic-config"
    config_dir.mkdir()
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    yield


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    """A fresh in-memory emulator on a free loopback port, with production and staging."""
    from fedctl.emulator.server import running_emulator

    with running_emulator(workspaces=("production", "staging")) as running:
        yield running
