"""Predicted refusals collected during planning, raised together as one PlanError.

The diff and the checks append `Problem`s instead of raising at the first one, so a
user sees every reason the plan cannot be made in one run.
"""

from __future__ import annotations

from dataclasses import dataclass

from fedctl.core.errors import PlanError, UnsafePlanError


@dataclass(frozen=True)
class Problem:
    """One refusal the API (or a safety guard) would give; `resources` are the `Address`es
    it names (or a section, such as `api_keys`, when it names none)."""

    resources: tuple[str, ...]
    message: str
    unsafe: bool = False

    def render(self) -> str:
        return f"{', '.join(self.resources)}: {self.message}" if self.resources else self.message


class PlanProblems(PlanError):
    """Several problems at once; renders one line per problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        resources = sorted({name for problem in problems for name in problem.resources})
        super().__init__(f"{len(problems)} problems; nothing was planned", resources)

    def render(self) -> str:
        lines = [problem.render() for problem in self.problems]
        lines.append(f"{len(self.problems)} problems found; nothing was planned.")
        return "\n".join(lines)


def raise_problems(problems: list[Problem]) -> None:
    """Raise nothing, the single problem as it is, or all of them together."""
    if not problems:
        return
    unique = list(dict.fromkeys(problems))
    if len(unique) == 1:
        problem = unique[0]
        error_class = UnsafePlanError if problem.unsafe else PlanError
        raise error_class(problem.message, list(problem.resources))
    raise PlanProblems(unique)
