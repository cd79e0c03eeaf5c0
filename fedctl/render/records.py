"""The line a person reads for each record a plan carries (fedctl.plan.records), shared
by the text, JSON and Markdown renderers so the three say the same thing."""

from __future__ import annotations

from fedctl.plan.records import AccessTestChange, HeldResource, PolicyFailure


def policy_failure_line(failure: PolicyFailure) -> str:
    """`deny: policy P: kind/name: message`."""
    return f"{failure.severity}: policy {failure.policy}: {failure.resource}: {failure.message}"


def access_test_change_line(change: AccessTestChange) -> str:
    """`NAME: before -> after`."""
    return f"{change.case}: {change.before} -> {change.after}"


def held_resource_line(held: HeldResource) -> str:
    """`kind/name (id): reason`."""
    return f"{held.address} ({held.live_id}): {held.reason}"
