"""Apply names the ID of each resource it creates, and counts resources apart from steps."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    shutil.copytree(QUICKSTART, tmp_path / "federation")
    return tmp_path / "federation"


def _run(emulator: RunningEmulator, *args: str) -> list[str]:
    api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
    result = CliRunner().invoke(cli, [*args, *api])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_apply_prints_the_id_of_every_resource_it_creates(
    config: Path, emulator: RunningEmulator
) -> None:
    lines = _run(emulator, "apply", str(config), "--auto-approve")
    created = [line for line in lines if line.startswith("done    create ")]
    assert sorted(re.sub(r"_01\w+\)", "_...)", line) for line in created) == [
        "done    create issuer acme-build (fdis_...)",
        "done    create rule payments-main (fdrl_...)",
        "done    create service account payments-inference (svac_...)",
    ]


def test_apply_counts_resources_and_steps_separately(
    config: Path, emulator: RunningEmulator
) -> None:
    lines = _run(emulator, "apply", str(config), "--auto-approve")
    assert "Plan: 3 to create, 0 to update, 0 to replace, 0 to archive." in lines
    assert lines[-2] == "Apply complete: 3 resources created in 4 steps."


def test_the_text_plan_shows_the_live_id_of_what_it_updates(
    config: Path, emulator: RunningEmulator
) -> None:
    _run(emulator, "apply", str(config), "--auto-approve")
    text = (config / "fedctl.yaml").read_text()
    (config / "fedctl.yaml").write_text(text.replace("max_jwt_lifetime_seconds: 900", ""))
    lines = _run(emulator, "plan", str(config))
    (heading,) = [line for line in lines if line.lstrip().startswith("~ issuer/acme-build")]
    assert re.fullmatch(r" +~ issuer/acme-build \(fdis_01\w+\)", heading), heading
