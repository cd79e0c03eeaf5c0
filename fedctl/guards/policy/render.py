"""Policy results as text: failures first (deny, then warn), one line each, then a count."""

from __future__ import annotations

import json

from fedctl.core.escape import escape_terminal
from fedctl.guards.policy.evaluate import PolicyResult


def render_results(results: list[PolicyResult], *, policies: int) -> str:
    failed = [result for result in results if not result.passed]
    failed.sort(key=lambda result: (result.severity != "deny", result.policy, result.resource))
    lines = [_line(result) for result in failed]
    denied = sum(result.blocks for result in failed)
    warned = len(failed) - denied
    lines.append(
        f"{policies} {'policy' if policies == 1 else 'policies'}, {len(results)} check(s): "
        f"{len(results) - len(failed)} passed, {denied} denied, {warned} warned."
    )
    return "\n".join(lines)


def render_json(results: list[PolicyResult]) -> str:
    """Every policy's result on every resource as one JSON list (`--format json`)."""
    return json.dumps([result.to_json() for result in results], indent=2)


def _line(result: PolicyResult) -> str:
    where = f"{result.location}: " if result.location else ""
    return escape_terminal(
        f"{where}{result.severity}: policy {result.policy}: {result.resource}: {result.message}"
    )
