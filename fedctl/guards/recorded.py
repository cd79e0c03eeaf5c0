"""Guard values <-> the JSON a snapshot records them as (every guard of the registry).

Read back, a record is hostile input like the rest of the snapshot: each value is
validated by its guard (types, lengths, bounds; access-test cases as cases), and a key
this fedctl does not know is refused rather than ignored.

    record = record_guards(guard_values(view_of(config, origin="configuration")))
    restore_guards(json.loads(json.dumps(record))) == guard_values(...)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fedctl.core.errors import UsageError
from fedctl.guards.effective import GuardSource
from fedctl.guards.entries import GuardValueInvalid
from fedctl.guards.registry import GUARD_KEYS, GUARDS


def record_guards(values: Mapping[str, Any]) -> dict[str, object]:
    return {guard.key: guard.dump(values[guard.key]) for guard in GUARDS if guard.key in values}


def restore_guards(record: object) -> dict[str, Any]:
    """The guard values of a record; GuardValueInvalid naming the first problem."""
    if not isinstance(record, dict):
        raise GuardValueInvalid("guards must be an object of guard values")
    unknown = sorted(str(key) for key in record if key not in GUARD_KEYS)
    if unknown:
        raise GuardValueInvalid(
            f"guards: {unknown[0]!r} is no guard this fedctl knows (it knows "
            f"{', '.join(GUARD_KEYS)})"
        )
    return {guard.key: guard.load(record[guard.key]) for guard in GUARDS if guard.key in record}


def recorded_source(label: str, record: object | None) -> GuardSource | None:
    """A snapshot's record as a trusted source (None: it recorded no guards)."""
    if record is None:
        return None
    return GuardSource(label, restore_guards(record))


def refuse_invalid_record(where: str, record: object) -> None:
    """UsageError naming the first problem of a snapshot's guards (hostile input)."""
    try:
        restore_guards(record)
    except GuardValueInvalid as exc:
        raise UsageError(
            f"{where}: {exc}; the snapshot was edited or corrupted, take a new one with "
            "`fedctl snapshot PATH`"
        ) from None
