"""Main and a pull request as two configuration folders, a snapshot of main, and the
writes an apply made (none, for every refused attack)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator
from tests.support.cli import run_api

POLICY = """\
policies:
  - name: short-lived-tokens
    description: No rule mints a token that lives longer than an hour.
    severity: deny
    applies_to: rule
    require: rule.token_lifetime_seconds <= 3600
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def take_snapshot(emulator: RunningEmulator, config: Path, out: Path) -> Path:
    result = run_api(emulator, "snapshot", str(config), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def offline(*args: str) -> Result:
    """A credential-free command (plan --snapshot, policy, test)."""
    return CliRunner().invoke(cli, list(args))


def writes(emulator: RunningEmulator) -> list[tuple[str, str]]:
    return [(method, path) for method, path in emulator.requests() if method != "GET"]


def apply_with_snapshot(
    emulator: RunningEmulator, config: Path, snapshot: Path, *extra: str
) -> Result:
    """The main-branch job after a merge: apply against the snapshot the PR was planned on."""
    emulator.reset_request_log()
    return run_api(
        emulator, "apply", str(config), "--auto-approve", "--snapshot", str(snapshot), *extra
    )


def plan_json(result: Result) -> dict[str, object]:
    document: dict[str, object] = json.loads(result.stdout)
    return document
