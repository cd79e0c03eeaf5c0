"""`--help` everywhere: instant (no heavy imports), every option documented, shared ones alike."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from fedctl.cli.main import COMMANDS, cli

REPO = Path(__file__).parents[2]
HEAVY = ("pydantic", "httpx", "yaml", "jinja2", "uvicorn", "starlette", "celpy", "deepdiff", "jwt")


def command(name: str) -> click.Command:
    ctx = click.Context(cli)
    found = cli.get_command(ctx, name)  # type: ignore[attr-defined]
    assert found is not None
    return found  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_help_imports_nothing_heavy(name: str) -> None:
    script = (
        "import sys, contextlib, io\n"
        "from fedctl.cli.main import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({[name, '--help'] if name else ['--help']!r})\n"
        "print(__import__('json').dumps(sorted(sys.modules)))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO)},
    ).stdout
    loaded = json.loads(output)
    assert [m for m in loaded if m.split(".")[0] in HEAVY] == []


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_option_has_help_and_the_one_line_description_matches(name: str) -> None:
    found = command(name)
    undocumented = [
        param.name
        for param in found.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert undocumented == []
    assert (found.help or "").splitlines()[0].strip()
    result = CliRunner().invoke(cli, [name, "--help"], prog_name="fedctl")
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: fedctl {name} ")


def test_shared_options_read_the_same_everywhere() -> None:
    wording: dict[str, set[str]] = {}
    for name in COMMANDS:
        for param in command(name).params:
            if isinstance(param, click.Option) and param.name in SHARED:
                wording.setdefault(param.name, set()).add(param.help or "")
    different = {option: texts for option, texts in wording.items() if len(texts) > 1}
    assert different == {}


SHARED = {
    "variables",
    "var_files",
    "base_url",
    "auth_token",
    "parallelism",
    "local_state",
    "timeout",
    "no_color",
    "recreate_archived",
    "allow_self_lockout",
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_help_ends_with_examples(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    examples = result.output.split("Examples:\n\n", 1)
    assert len(examples) == 2, f"fedctl {name} --help has no examples"
    lines = [line.strip() for line in examples[1].splitlines() if line.strip()]
    assert lines and all(line.startswith("fedctl ") for line in lines)


def test_a_mistyped_command_gets_a_did_you_mean() -> None:
    result = CliRunner().invoke(cli, ["paln"])
    assert result.exit_code == 2
    assert "No such command 'paln'. Did you mean 'plan'?" in result.output
