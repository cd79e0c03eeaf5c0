"""Spots a rename written without `previous_names`: the plan creates a resource while a
live one of the same kind, identical but for its name, is left unmanaged (or pruned).
That is almost always a rename, and without `previous_names` it costs the old ID (every
workload configured with it stops working once it is archived) or leaves a duplicate
that grants the same access twice. The plan only hints; it never guesses the rename.

    rename_hints(desired, live, created=[(Kind.RULE, "deploy-main")])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from fedctl.core.address import Address
from fedctl.core.pairing import claimed_names
from fedctl.core.state import DesiredState, Kind, LiveState


def rename_hints(
    desired: DesiredState,
    live: LiveState,
    *,
    created: Iterable[tuple[Kind, str]],
    console_managed: Iterable[str] = (),
) -> list[str]:
    """One hint per created resource that has exactly one live look-alike left over."""
    skipped = set(console_managed)
    hints = []
    for kind, name in created:
        wanted = _declared(desired, kind).get(name)
        if wanted is None:
            continue
        leftovers = [
            old_name
            for old_name, spec in _leftovers(desired, live, kind).items()
            if Address(kind, old_name) not in skipped and _same_but_name(wanted, spec)
        ]
        if len(leftovers) == 1:
            hints.append(_hint(kind, name, leftovers[0]))
    return hints


def _hint(kind: Kind, name: str, old_name: str) -> str:
    return (
        f"{kind.value}/{name} is created while live {kind.value}/{old_name} is identical but "
        f"for its name: if this is a rename, add `previous_names: [{old_name}]` to "
        f"{kind.value}/{name} so fedctl carries {kind.value}/{old_name} over instead"
    )


def _declared(desired: DesiredState, kind: Kind) -> Mapping[str, BaseModel]:
    by_kind: dict[Kind, Mapping[str, BaseModel]] = {
        Kind.SERVICE_ACCOUNT: desired.service_accounts,
        Kind.ISSUER: desired.issuers,
        Kind.RULE: desired.rules,
    }
    return by_kind.get(kind, {})


def _leftovers(desired: DesiredState, live: LiveState, kind: Kind) -> dict[str, BaseModel]:
    """Live resources of `kind` the configuration declares under no name, old or new."""
    declared = claimed_names(desired, kind, _declared(desired, kind))
    by_kind: dict[Kind, Mapping[str, Any]] = {
        Kind.SERVICE_ACCOUNT: live.service_accounts,
        Kind.ISSUER: live.issuers,
        Kind.RULE: live.rules,
    }
    resources = by_kind.get(kind, {})
    return {
        name: resource.spec
        for name, resource in resources.items()
        if name not in declared and not resource.meta.unmanageable
    }


def _same_but_name(wanted: BaseModel, live_spec: BaseModel) -> bool:
    return wanted.model_dump(exclude={"name"}) == live_spec.model_dump(exclude={"name"})
