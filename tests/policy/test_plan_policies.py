"""`fedctl plan` evaluates organization policies on the planned configuration: a deny stops
the plan (exit 1, no saved plan), a warn is shown in every output format."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fedctl.emulator.server import RunningEmulator, running_emulator
from tests.policy.test_policies import EXAMPLES, GOOD
from tests.support.cli import run_api


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator(workspaces=("production", "staging")) as running:
        yield running


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "federation"
    folder.mkdir()
    (folder / "fedctl.yaml").write_text(text)
    return folder


def test_a_deny_policy_stops_the_plan_and_nothing_is_saved(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    config = write(
        tmp_path, GOOD.replace("token_lifetime_seconds: 600", "token_lifetime_seconds: 3600")
    )
    saved = tmp_path / "plan.json"
    result = run_api(
        emulator, "plan", str(config), "--policy", str(EXAMPLES), "--out", str(saved), "--no-color"
    )
    assert result.exit_code == 1
    assert (
        "Policies that fail (deny stops the plan):\n"
        "  deny: policy short-lived-tokens: rule/deploy: No rule mints an Anthropic token that "
        "lives longer than 15 minutes.\n"
    ) in result.stdout
    assert result.stderr.endswith(
        "error: rule/deploy: refused by the policy check apply runs: policy short-lived-tokens "
        "denies rule/deploy: No rule mints an Anthropic token that lives longer than 15 "
        f"minutes.; the plan was not saved to {saved}\n"
    )
    assert not saved.exists()


def test_a_deny_policy_without_out_does_not_speak_of_saving(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    config = write(
        tmp_path, GOOD.replace("token_lifetime_seconds: 600", "token_lifetime_seconds: 3600")
    )
    result = run_api(emulator, "plan", str(config), "--policy", str(EXAMPLES), "--no-color")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "error: rule/deploy: refused by the policy check apply runs: policy short-lived-tokens "
        "denies rule/deploy: No rule mints an Anthropic token that lives longer than 15 minutes.\n"
    )
    assert "saved" not in result.stderr


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_a_warn_policy_is_shown_in_every_format(
    emulator: RunningEmulator, tmp_path: Path, output_format: str
) -> None:
    config = write(
        tmp_path,
        GOOD.replace("    description: Deploys of acme/app from its production environment\n", ""),
    )
    result = run_api(
        emulator, "plan", str(config), "--policy", str(EXAMPLES), "--format", output_format
    )
    assert result.exit_code == 0, result.output
    line = (
        "warn: policy rules-are-described: rule/deploy: Every rule says what it is for, for the "
        "next reviewer."
    )
    if output_format == "json":
        assert json.loads(result.stdout)["policy_failures"] == [line]
    elif output_format == "markdown":
        # Values are code spans in Markdown (issue 27 item 7).
        assert line.replace("rule/deploy", "`rule/deploy`") in result.stdout
    else:
        assert line in result.stdout
