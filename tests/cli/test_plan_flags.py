"""`plan` takes --prune/--no-prune like apply; its access section is coloured like the rest."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from fedctl.access.model import AccessChange, AccessDiff, Effect
from fedctl.cli.main import cli
from fedctl.core.state import Kind
from fedctl.emulator.server import RunningEmulator
from fedctl.render.access import render_access_text

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"


def test_no_prune_overrides_settings_prune(tmp_path: Path, emulator: RunningEmulator) -> None:
    api = ["--base-url", emulator.base_url, "--auth-token", emulator.admin_token]
    config = tmp_path / "federation"
    shutil.copytree(QUICKSTART, config)
    assert CliRunner().invoke(cli, ["apply", str(config), "--auto-approve", *api]).exit_code == 0
    (config / "fedctl.yaml").write_text("version: 1\nsettings: {prune: true}\n")
    pruned = CliRunner().invoke(cli, ["plan", str(config), *api])
    assert "Plan: 0 to create, 0 to update, 0 to replace, 3 to archive." in pruned.stdout
    kept = CliRunner().invoke(cli, ["plan", str(config), "--no-prune", *api])
    assert kept.exit_code == 0, kept.output
    assert kept.stdout.splitlines()[-1] == "No changes."


def test_the_access_section_is_coloured_when_asked() -> None:
    diff = AccessDiff(
        changes=(
            AccessChange(kind=Kind.RULE, name="a", effect=Effect.BROADENING),
            AccessChange(kind=Kind.RULE, name="b", effect=Effect.NARROWING),
        )
    )
    plain = render_access_text(diff)
    coloured = render_access_text(diff, color=True)
    assert "\033[" not in plain
    lines = coloured.splitlines()
    assert lines[0].startswith("\033[1;31m") and lines[0].endswith("\033[0m")
    assert lines[1].startswith("\033[31m  + broadening rule/a")
    assert lines[2].startswith("\033[32m  - narrowing rule/b")
