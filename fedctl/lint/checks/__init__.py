"""The lint checks: one small function per check, each with its catalogue entry.

A check takes the `LintConfig` view and yields Findings; `fedctl.lint.catalogue` lists
them all. `located` builds a Finding at a resource's field; `fedctl.lint.run` places it
in a file (`LintConfig.locate`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fedctl.lint.findings import CheckInfo, Finding
from fedctl.lint.view import LintConfig, Resource, resource_id

__all__ = ["Check", "Resource", "located", "resource_id"]


@dataclass(frozen=True)
class Check:
    info: CheckInfo
    run: Callable[[LintConfig], Iterable[Finding]]


def located(
    info: CheckInfo, resource: Resource, field_path: str, message: str, fix: str | None = None
) -> Finding:
    return Finding(
        check=info,
        location=None,
        resource=resource_id(resource),
        field_path=field_path,
        message=message,
        fix=fix or info.fix,
    )
