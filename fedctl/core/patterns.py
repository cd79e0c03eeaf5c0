"""Which live resource a `settings.protect` or `settings.unmanaged` entry names.

An entry is `kind/name` or a bare name (any kind), globs allowed, or a live ID. The
planner, the gate, the guards, drift and the Terraform export all ask the same question,
so the answer lives here, below all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

from fedctl.core.address import Address
from fedctl.core.state import Kind


def is_protected(
    kind: Kind, name: str, protect: Iterable[str], *, resource_id: str | None = None
) -> bool:
    """`settings.protect` entries are `kind/name` or a bare name (any kind), globs allowed,
    or a live ID (`resource_id`)."""
    return matching_pattern(kind, (name,), resource_id, protect) is not None


# Live ID prefixes (docs/admin-api.md §1.6): a protect entry of this shape names one resource.
ID_PREFIXES = {Kind.SERVICE_ACCOUNT: "svac_", Kind.ISSUER: "fdis_", Kind.RULE: "fdrl_"}


def matching_pattern(
    kind: Kind, names: Iterable[str], resource_id: str | None, protect: Iterable[str]
) -> str | None:
    """The first protect entry that names the resource by any of `names` or by its ID."""
    names = [name for name in names if name]
    for pattern in protect:
        if pattern.startswith(tuple(ID_PREFIXES.values())):
            if resource_id is not None and pattern == resource_id:
                return pattern
            continue
        for name in names:
            if fnmatchcase(Address(kind, name) if "/" in pattern else name, pattern):
                return pattern
    return None


def is_unmanaged(kind: Kind, name: str, live_id: str, patterns: Iterable[str]) -> bool:
    """`settings.unmanaged` entries are `kind/name` globs, bare name globs or live IDs."""
    return live_id in patterns or is_protected(kind, name, patterns)
