"""A Jinja2 sandbox with bounds: loop iterations, value sizes, numbers and output size.

Jinja2's sandbox keeps templates away from Python internals but not from the CPU or
memory: nested `range(100000)` loops run 10**10 times and `'a' * 10**8` builds 100 MB.
Configuration templates come from pull requests and `--template` from users, so both
render here: every `range` counts against one iteration budget, `*`, `**` and `+` refuse
results past the size limit, and the output is cut off at the same limit. Includes,
imports and extends have no loader to read from (a template must not read other files).

    text = render_bounded(environment().from_string(source), {"env": "prod"})
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

MAX_ITERATIONS = 1_000_000
MAX_CHARS = 8 * 1024 * 1024
MAX_EXPONENT = 4096


class TemplateTooCostly(Exception):
    """A bound was crossed; the message says which, and is safe to show."""


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_ITERATIONS

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise TemplateTooCostly(f"the template loops more than {MAX_ITERATIONS} times")


class _CountedRange:
    """A `range` whose every step, in any loop, is charged to the render's budget."""

    def __init__(self, budget: _Budget, values: range) -> None:
        self.budget = budget
        self.values = values

    def __iter__(self) -> Iterator[int]:
        for value in self.values:
            self.budget.spend()
            yield value

    def __len__(self) -> int:
        return len(self.values)


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox plus the bounds above; one environment per render (it holds the budget)."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, **options: Any) -> None:
        options.setdefault("undefined", StrictUndefined)
        super().__init__(**options)
        self.budget = _Budget()
        self.globals["range"] = self._range

    def _range(self, *args: int) -> _CountedRange:
        values = range(*args)
        if len(values) > MAX_ITERATIONS:
            raise TemplateTooCostly(f"the template loops more than {MAX_ITERATIONS} times")
        return _CountedRange(self.budget, values)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        huge_power = isinstance(right, int) and abs(right) > MAX_EXPONENT
        if operator == "**" and huge_power and isinstance(left, int | float) and abs(left) > 1:
            raise TemplateTooCostly("a number too large for a configuration value")
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, str | list | tuple) and len(result) > MAX_CHARS:
            raise TemplateTooCostly(f"a value longer than {MAX_CHARS} characters")
        return result


def _check_repeat(sequence: Any, times: Any) -> None:
    repeatable = isinstance(sequence, str | list | tuple) and isinstance(times, int)
    if repeatable and len(sequence) * times > MAX_CHARS:
        raise TemplateTooCostly(f"a value longer than {MAX_CHARS} characters")


def render_bounded(template: Any, context: dict[str, Any]) -> str:
    """Render, streaming, and stop once the output passes MAX_CHARS."""
    pieces: list[str] = []
    size = 0
    for piece in template.generate(context):
        size += len(piece)
        if size > MAX_CHARS:
            raise TemplateTooCostly(f"the output is longer than {MAX_CHARS} characters")
        pieces.append(piece)
    return "".join(pieces)
