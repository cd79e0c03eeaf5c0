"""Suite-wide fixtures: no test sees the developer's Anthropic credentials or config dir.

Tests that start the emulator carry the `emulator` marker, so `pytest -m "not emulator"` is
the fast loop. The marker is set at collection from the fixtures a test uses (and from a
module that starts one by hand or runs `--local`), and checked after each test: a test that
started an emulator without the marker fails, so the fast loop cannot quietly grow slow.
"""

from __future__ import annotations

import inspect
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fedctl.emulator.server import RunningEmulator


# What in a test module's source starts an emulator without the `emulator` fixture.
_STARTS_AN_EMULATOR = (
    "running_emulator",
    "start_emulator",
    '"--local"',
    '"--local-state"',
    "fedctl.cli.emulator",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    sources: dict[Path, str] = {}
    for item in items:
        if _uses_emulator(item, sources):
            item.add_marker(pytest.mark.emulator)


def _uses_emulator(item: pytest.Item, sources: dict[Path, str]) -> bool:
    fixture_names = getattr(item, "fixturenames", ())
    if "emulator" in fixture_names:
        return True
    path = Path(item.path)
    if path not in sources:
        sources[path] = path.read_text(encoding="utf-8") if path.suffix == ".py" else ""
    if _starts_one(sources[path]):
        return True
    fixture_info = getattr(item, "_fixtureinfo", None)
    definitions = fixture_info.name2fixturedefs if fixture_info is not None else {}
    return any(
        _starts_one(inspect.getsource(definition.func))
        for name in fixture_names
        for definition in definitions.get(name, ())
        if not name.startswith("_")
    )


def _starts_one(source: str) -> bool:
    return any(marker in source for marker in _STARTS_AN_EMULATOR)


@pytest.fixture(autouse=True)
def _emulator_marker_holds(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    from fedctl.emulator import server

    started: list[object] = []
    original_init = server.RunningEmulator.__init__

    def counting_init(self: server.RunningEmulator, **kwargs: Any) -> None:
        started.append(self)
        original_init(self, **kwargs)

    monkeypatch.setattr(server.RunningEmulator, "__init__", counting_init)
    # A child process (`python -m fedctl emulator`, `fedctl plan --local`) starts one too.
    original_popen_init = subprocess.Popen.__init__

    def recording_popen_init(
        self: subprocess.Popen[Any], args: Any, *rest: Any, **options: Any
    ) -> None:
        if _runs_an_emulator(args):
            started.append(args)
        original_popen_init(self, args, *rest, **options)

    monkeypatch.setattr(subprocess.Popen, "__init__", recording_popen_init)
    yield
    if started and request.node.get_closest_marker("emulator") is None:
        pytest.fail(
            "this test started the emulator but is not marked `emulator`: use the `emulator` "
            "fixture, or add its way of starting one to _STARTS_AN_EMULATOR in tests/conftest.py "
            "(a child process that runs one counts too)"
        )


def _runs_an_emulator(args: Any) -> bool:
    """Whether a child's command line is fedctl serving the emulator (its `--help` is not)."""
    if isinstance(args, (str, bytes, os.PathLike)):
        return False  # a shell string: fedctl's tests pass argument lists
    argv = [os.fsdecode(arg) if isinstance(arg, (bytes, os.PathLike)) else str(arg) for arg in args]
    if not any(Path(arg).name == "fedctl" for arg in argv) or "--help" in argv:
        return False
    return "emulator" in argv or any(arg.startswith("--local") for arg in argv)


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
