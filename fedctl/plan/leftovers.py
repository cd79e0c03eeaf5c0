"""Recognises what an interrupted apply left behind, so the next plan finishes the job.

A replacement is several API writes, and apply may stop between them (a failed step, a
SIGKILL). Two shapes can remain, and both look like unmanaged resources to a plain diff,
which would leave them live for ever:

- a rule renamed out of the way (`<name>-replaced-<last 8 of its own id>`) whose
  replacement was then created, or not yet: the old rule must still be archived;
- an old resource listed in the `previous_names` of a declared resource that already
  exists under its new name (a service account "renamed" by create + archive, or a rule
  replaced under a new name): the old one must still be archived.

Both are archived without `prune`, because the configuration itself asked for them to
go; `settings.protect` still wins. The plan shows them as archives with the reason.
"""

from __future__ import annotations

from collections.abc import Collection

from fedctl.core.pairing import renamed_to
from fedctl.core.state import DesiredState, Kind
from fedctl.plan.rules import out_of_the_way_name


def interrupted_replacement_of(
    kind: Kind,
    name: str,
    resource_id: str,
    desired: DesiredState,
    live_active_names: Collection[str],
) -> str | None:
    """The declared name this live resource was being replaced by, or None."""
    renamed = renamed_to(desired, kind, name, live_active_names)
    if renamed is not None:
        return renamed
    if kind is Kind.RULE and "-replaced-" in name:
        for declared_name in desired.rules:
            if out_of_the_way_name(declared_name, resource_id) == name:
                return declared_name
    return None


def leftover_reason(kind: Kind, replaced_by: str) -> str:
    return (
        f"left over from an interrupted replacement by {kind.value}/{replaced_by}; "
        "archived to finish it"
    )
