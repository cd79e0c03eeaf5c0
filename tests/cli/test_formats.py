"""The renderer registry (fedctl.cli.formats): every target exists, every command's
--format is the registry's, and a renderer is given only the options it takes."""

from __future__ import annotations

import importlib

import click
import pytest

from fedctl.cli.formats import RENDERERS, formats, render
from fedctl.cli.main import cli
from fedctl.core.errors import UsageError
from tests.support.showcase import showcase_plan

# The command that prints each document (`show` prints the plan too).
COMMANDS = {
    "plan": ("plan", "show"),
    "drift": ("drift",),
    "graph": ("graph",),
    "keys": ("keys",),
    "explain": ("explain",),
    "output": ("output",),
    "lint": ("lint",),
    "test": ("test",),
    "policy": ("policy",),
    "validate": ("validate",),
    "doctor": ("doctor",),
    "whoami": ("whoami",),
    "export": ("export",),
}


@pytest.mark.parametrize("entry", [e for e in RENDERERS if e.target], ids=str)
def test_every_target_is_a_function(entry) -> None:  # type: ignore[no-untyped-def]
    assert entry.target is not None
    module_name, _, function_name = entry.target.partition(":")
    assert callable(getattr(importlib.import_module(module_name), function_name))


def test_each_format_of_a_document_registers_once() -> None:
    pairs = [(entry.document, entry.format) for entry in RENDERERS]
    assert len(pairs) == len(set(pairs))
    assert set(COMMANDS) == {entry.document for entry in RENDERERS}


@pytest.mark.parametrize("document", sorted(COMMANDS))
def test_every_command_offers_the_registry_formats(document: str) -> None:
    for name in COMMANDS[document]:
        command = cli.get_command(click.Context(cli), name)
        assert command is not None
        [option] = [p for p in command.params if p.name == "output_format"]
        assert isinstance(option.type, click.Choice)
        assert tuple(option.type.choices) == formats(document)
        assert option.default == formats(document)[0]


def test_render_gives_each_renderer_only_its_options() -> None:
    plan = showcase_plan()
    # render_json takes neither colour nor a template; passing both must not reach it.
    assert render("plan", "json", plan, color=True, template_path=None).startswith("{")
    assert "\033[" in render("plan", "text", plan, color=True, template_path=None)


def test_an_unregistered_format_is_refused() -> None:
    with pytest.raises(UsageError, match="--format yaml: not a format of plan"):
        render("plan", "yaml", showcase_plan())
