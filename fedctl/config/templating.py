"""Renders `*.j2` configuration files with Jinja2 before they are parsed as YAML.

The environment is sandboxed (templates cannot reach Python internals) and strict (an
undefined variable is an error, never an empty string). Variables come from
`--var-file` YAML mappings, in order, then `--var KEY=VALUE` and `--var-json KEY=JSON`
in the order given, which win.

A `--var-json` pair travels with the `--var` pairs, marked by a leading NUL character:
no command-line argument can hold one, so a `--var` can never pass for typed JSON.

    variables, problems = load_variables(["env=prod"], ["vars/prod.yaml"])
    text, problems = render_template(source, "rules.yaml.j2", variables)
"""

from __future__ import annotations

import json
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from fedctl.config.located_yaml import TOO_DEEP, find_too_deep, unmarked_yaml_diagnostic
from fedctl.core.errors import Diagnostic, Location, UsageError

JSON_VARIABLE_MARK = "\x00json:"


def mark_json_variable(pair: str) -> str:
    """`--var-json KEY=JSON` as one of the `variables` pairs; UsageError when not JSON."""
    key, sep, text = pair.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"--var-json {pair!r}: expected KEY=JSON, e.g. --var-json n=3")
    try:
        json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise UsageError(
            f'--var-json {key.strip()}: not JSON; quote strings ("x") or use --var'
        ) from None
    return f"{JSON_VARIABLE_MARK}{key.strip()}={text}"


def variable_options(variables: Sequence[str]) -> list[str]:
    """The command-line words that give `variables` again (`--var` or `--var-json`)."""
    words: list[str] = []
    for pair in variables:
        if pair.startswith(JSON_VARIABLE_MARK):
            words += ["--var-json", pair.removeprefix(JSON_VARIABLE_MARK)]
        else:
            words += ["--var", pair]
    return words


def load_variables(
    variables: Sequence[str], var_files: Sequence[str]
) -> tuple[dict[str, object], list[Diagnostic]]:
    """Merge `--var-file` mappings (later files win), then `--var KEY=VALUE` pairs."""
    merged: dict[str, object] = {}
    problems: list[Diagnostic] = []
    for var_file in var_files:
        mapping, problem = _read_var_file(var_file)
        if problem is not None:
            problems.append(problem)
        merged.update(mapping)
    for pair in variables:
        if pair.startswith(JSON_VARIABLE_MARK):
            key, _sep, text = pair.removeprefix(JSON_VARIABLE_MARK).partition("=")
            merged[key] = json.loads(text)
            continue
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(
                f"--var {json.dumps(pair)}: expected KEY=VALUE, e.g. --var env=production"
            )
        merged[key.strip()] = value
    return merged, problems


def _read_var_file(var_file: str) -> tuple[dict[str, object], Diagnostic | None]:
    start = Location(var_file, 1, 1)
    try:
        text = Path(var_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8"
        message = f"{var_file}: cannot read the variable file: {reason}"
        return {}, Diagnostic(None, "", message, code="unreadable-file")
    # PyYAML's own loader shares aliased objects (no bomb), but recurses once per level.
    too_deep = find_too_deep(text)
    if too_deep is not None:
        return {}, Diagnostic(Location(var_file, *too_deep), "", TOO_DEEP, code="yaml-too-deep")
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = Location(var_file, mark.line + 1, mark.column + 1) if mark else start
        return {}, Diagnostic(where, "", f"YAML syntax error: {exc.problem}", code="yaml-syntax")
    except yaml.YAMLError as exc:
        return {}, unmarked_yaml_diagnostic(exc, text, var_file)
    if data is None:
        return {}, None
    if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
        message = "a variable file must be a mapping of names to values"
        return {}, Diagnostic(start, "", message, code="invalid-variable-file")
    return data, None


def render_templates(
    templates: Sequence[tuple[str, str]], variables: dict[str, object]
) -> list[tuple[str | None, list[Diagnostic]]]:
    """Render (file, source) templates in a child process with hard limits
    (`fedctl.core.template_process`); one (text or None, problems) per template, in order."""
    from fedctl.core.template_process import Job, render_in_child

    answers = render_in_child(Job(templates=list(templates), variables=dict(variables)))
    return [
        (
            answer.text,
            [_template_problem(file, line, message) for line, message in answer.problems],
        )
        for (file, _source), answer in zip(templates, answers, strict=True)
    ]


def render_template(
    source: str, file: str, variables: dict[str, object]
) -> tuple[str | None, list[Diagnostic]]:
    """Render one template in the limited child process (see render_templates)."""
    return render_templates([(file, source)], variables)[0]


def render_template_here(
    source: str, file: str, variables: dict[str, object]
) -> tuple[str | None, list[Diagnostic]]:
    """Render one template in this process; an error is located in the template source
    (not its output). Only the limited child calls this: hostile templates need limits."""
    # Imported here: configurations without templates never pay for Jinja2 (~20 ms).
    import jinja2
    import jinja2.sandbox
    from jinja2.exceptions import SecurityError

    from fedctl.core.sandbox import BoundedEnvironment, TemplateTooCostly, render_bounded

    environment = BoundedEnvironment(
        undefined=jinja2.StrictUndefined,
        loader=jinja2.FunctionLoader(lambda name: (source, file, lambda: True)),
        keep_trailing_newline=True,
        autoescape=False,  # the output is YAML, not HTML
    )
    try:
        template = environment.get_template(file)
    except jinja2.TemplateSyntaxError as exc:
        return None, [_template_problem(file, exc.lineno, f"template syntax error: {exc.message}")]
    try:
        return render_bounded(template, variables), []
    except TemplateTooCostly as exc:
        return None, [_template_problem(file, _template_line(exc, file), f"template error: {exc}")]
    except jinja2.UndefinedError as exc:
        missing = _undefined_names(environment, source, variables)
        if len(missing) > 1:
            names = ", ".join(repr(name) for name in missing)
            message = (
                f"template variables {names} are undefined; pass them with --var or --var-file"
            )
        else:
            message = f"template variable error: {exc.message}; pass it with --var or --var-file"
        return None, [_template_problem(file, _template_line(exc, file), message)]
    except SecurityError as exc:
        message = f"template refused by the sandbox: {exc}"
        return None, [_template_problem(file, _template_line(exc, file), message)]
    except MemoryError as exc:  # the child's address-space limit (template_process)
        # Imported here: that module (pickle, subprocess, selectors) is for rendering only.
        from fedctl.core.template_process import MEMORY_MESSAGE

        return None, [_template_problem(file, _template_line(exc, file), MEMORY_MESSAGE)]
    except Exception as exc:  # any failure inside a user's template is a user error
        message = f"template error: {type(exc).__name__}: {exc}"
        return None, [_template_problem(file, _template_line(exc, file), message)]


def _undefined_names(environment: Any, source: str, variables: dict[str, object]) -> list[str]:
    """Every variable the template reads and nobody passed: all of them in one run."""
    import jinja2.meta

    try:
        wanted = jinja2.meta.find_undeclared_variables(environment.parse(source))
    except Exception:  # the template rendered partly; a parse failure here changes nothing
        return []
    return sorted(name for name in wanted if name not in variables)


def _template_problem(file: str, line: int | None, message: str) -> Diagnostic:
    return Diagnostic(Location(file, line or 1, 1), "", message, code="template-error")


def _template_line(exc: BaseException, file: str) -> int | None:
    """The template line of the innermost traceback frame Jinja attributes to `file`."""
    line: int | None = None
    trace: types.TracebackType | None = exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == file:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line
