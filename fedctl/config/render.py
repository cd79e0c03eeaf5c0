"""PATH -> the configuration as fedctl reads it, templates expanded (`fedctl render`), so
an error that points into rendered output can be read next to the template's source."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from fedctl.config.discover import discover_files, is_template
from fedctl.config.templating import load_variables, render_templates
from fedctl.core.errors import Diagnostic, UsageError, ValidationFailed


def json_variables(pairs: Sequence[str]) -> dict[str, object]:
    """`--var-json KEY=JSON`: typed values (lists, numbers, booleans, mappings)."""
    values: dict[str, object] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--var-json {pair!r}: expected KEY=JSON, e.g. --var-json n=3")
        try:
            values[key.strip()] = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            raise UsageError(
                f'--var-json {key.strip()}: not JSON; quote strings ("x") or use --var'
            ) from None
    return values


def render_configuration(
    path: Path,
    *,
    variables: Sequence[str] = (),
    var_files: Sequence[str] = (),
    typed: dict[str, object] | None = None,
) -> list[tuple[Path, str]]:
    """(file, text) for every configuration file, templates rendered; every problem of
    every template at once (ValidationFailed)."""
    values, problems = load_variables(variables, var_files)
    values.update(typed or {})
    failures: list[Diagnostic] = list(problems)
    files = [(file, file.read_text(encoding="utf-8")) for file in discover_files(path)]
    templates = [(str(file), text) for file, text in files if is_template(file)]
    answers = iter(render_templates(templates, values) if templates else [])
    rendered: list[tuple[Path, str]] = []
    for file, text in files:
        if not is_template(file):
            rendered.append((file, text))
            continue
        output, template_problems = next(answers)
        failures += template_problems
        if output is not None:
            rendered.append((file, output))
    if failures:
        raise ValidationFailed(failures)
    return rendered
