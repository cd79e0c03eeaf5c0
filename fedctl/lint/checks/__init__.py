"""The lint checks: one small function per check, each with its catalogue entry.

A check takes the `LintConfig` view and yields Findings; `fedctl.lint.catalogue` lists
them all. `located` builds a Finding at a resource's field, falling back to the
resource's own node when the field has no node of its own (a preset-filled value, say).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fedctl.lint.findings import CheckInfo, Finding
from fedctl.lint.view import IssuerView, LintConfig, RuleView, ServiceAccountView

Resource = IssuerView | RuleView | ServiceAccountView


@dataclass(frozen=True)
class Check:
    info: CheckInfo
    run: Callable[[LintConfig], Iterable[Finding]]


def resource_id(resource: Resource) -> str:
    if isinstance(resource, IssuerView):
        return f"issuer/{resource.name}"
    if isinstance(resource, RuleView):
        return f"rule/{resource.name}"
    return f"service_account/{resource.name}"


def located(
    info: CheckInfo, resource: Resource, field_path: str, message: str, fix: str | None = None
) -> Finding:
    location = resource.locate(field_path or None) or resource.locate(None)
    return Finding(
        check=info,
        location=location,
        resource=resource_id(resource),
        field_path=field_path,
        message=message,
        fix=fix or info.fix,
    )
