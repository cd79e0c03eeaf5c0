"""Every output fedctl prints, by (document, format): the one list `--format` is built from.

A renderer registers here once; the command that prints its document gets its formats
(`formats`), its default (the first) and its renderer (`render`) from this list, so a new
format is one function and one line. Targets are named, not imported: the registry is on
the CLI's start-up path, before a plan's first request (tests/cli/test_import_budget.py),
so it lives with the CLI rather than in fedctl.render, and a renderer's imports (pydantic
models, Jinja2) wait until a command renders. A target of None is printed by its command
itself (it also reads the repository, writes files, or prints a list of results inline).

    render("plan", "text", plan, color=True)   # fedctl.render.text.render_text(plan, color=True)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from fedctl.core.errors import UsageError


@dataclass(frozen=True)
class Renderer:
    """One format of one document: `target` is `module:function` (None: the command
    prints it), `options` the keyword options of `render` it takes, `ends_line` whether
    its text already ends with a newline (printed as is) or not (`echo` adds one)."""

    document: str
    format: str
    target: str | None
    options: tuple[str, ...] = ()
    ends_line: bool = False


_RENDER = "fedctl.render"
_OUTPUT = "fedctl.output.formats"
_TESTS = "fedctl.guards.accesstest.render"
RENDERERS: tuple[Renderer, ...] = (
    Renderer("plan", "text", f"{_RENDER}.text:render_text", ("color",), ends_line=True),
    Renderer("plan", "json", f"{_RENDER}.json:render_json", ends_line=True),
    Renderer("plan", "markdown", f"{_RENDER}.markdown:render_markdown", ("template_path",), True),
    Renderer("drift", "text", "fedctl.drift.render:render_drift_text"),
    Renderer("drift", "json", "fedctl.drift.render:render_drift_json"),
    Renderer("drift", "markdown", "fedctl.drift.render:render_drift_markdown"),
    Renderer("graph", "mermaid", "fedctl.graph.mermaid:render_mermaid", ends_line=True),
    Renderer("graph", "dot", "fedctl.graph.render:render_dot", ends_line=True),
    Renderer("graph", "json", "fedctl.graph.render:render_graph_json", ends_line=True),
    Renderer("keys", "text", "fedctl.api_keys.render:render_text"),
    Renderer("keys", "json", "fedctl.api_keys.render:render_json"),
    Renderer("keys", "markdown", "fedctl.api_keys.render:render_markdown"),
    Renderer("explain", "text", "fedctl.access.explain.render:render_text", ends_line=True),
    Renderer("explain", "json", "fedctl.access.explain.render:render_json", ends_line=True),
    Renderer("output", "env", f"{_OUTPUT}:render_env", ("token_file",), True),
    Renderer("output", "json", f"{_OUTPUT}:render_json", ("token_file",), True),
    # Writes SDK profile files instead of printing a document.
    Renderer("output", "profile", None),
    Renderer("output", "github", f"{_OUTPUT}:render_github", ("token_file",), True),
    Renderer("output", "gitlab", f"{_OUTPUT}:render_gitlab", ("token_file",), True),
    Renderer("output", "kubernetes", f"{_OUTPUT}:render_kubernetes", ("token_file",), True),
    Renderer("lint", "text", "fedctl.lint.render:render_text"),
    Renderer("lint", "json", "fedctl.lint.render:render_json"),
    # SARIF names files relative to the repository root, which the command finds.
    Renderer("lint", "sarif", None),
    Renderer("test", "text", f"{_TESTS}:render_text"),
    Renderer("test", "json", f"{_TESTS}:render_json"),
    Renderer("test", "junit", f"{_TESTS}:render_junit", ends_line=True),
    Renderer("policy", "text", "fedctl.guards.policy.render:render_results", ("policies",)),
    Renderer("policy", "json", "fedctl.guards.policy.render:render_json"),
    # Printed by their commands, line by line or as one JSON value, with their summaries.
    Renderer("validate", "text", None),
    Renderer("validate", "json", None),
    Renderer("doctor", "text", None),
    Renderer("doctor", "json", None),
    Renderer("whoami", "text", None),
    Renderer("whoami", "json", None),
    # Export writes files (a configuration folder, or anthropic.tf) as well as printing.
    Renderer("export", "yaml", None),
    Renderer("export", "terraform", None),
)


def formats(document: str) -> tuple[str, ...]:
    """The formats of `document`, the default first."""
    return tuple(entry.format for entry in RENDERERS if entry.document == document)


def render(document: str, output_format: str, value: Any, **options: Any) -> str:
    """`value` rendered as `document` in `output_format`; each renderer is given the
    options it takes (`Renderer.options`) and no other."""
    entry = _entry(document, output_format)
    if entry.target is None:
        raise UsageError(f"--format {output_format}: {document} prints it itself")
    module_name, _, function_name = entry.target.partition(":")
    function: Callable[..., str] = getattr(importlib.import_module(module_name), function_name)
    taken = {name: option for name, option in options.items() if name in entry.options}
    return function(value, **taken)


def echo(document: str, output_format: str, value: Any, **options: Any) -> None:
    """Print `value` rendered (`render`), ending with exactly the newline it ends with."""
    text = render(document, output_format, value, **options)
    click.echo(text, nl=not _entry(document, output_format).ends_line)


def _entry(document: str, output_format: str) -> Renderer:
    for entry in RENDERERS:
        if entry.document == document and entry.format == output_format:
            return entry
    raise UsageError(
        f"--format {output_format}: not a format of {document} "
        f"(one of {', '.join(formats(document))})"
    )
