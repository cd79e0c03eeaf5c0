"""The per-resource lint silences (`lint: {ignore: [...], reason: ...}`) as one guard.

A silence counts only when every source has it for the same resource: a change cannot
switch off the finding that would block it. Adding one weakens, dropping one strengthens.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Annotated, TypeVar

from pydantic import Field, TypeAdapter

from fedctl.config.models import Issuer, Rule, ServiceAccount
from fedctl.config.validated import Config
from fedctl.core.address import Address
from fedctl.core.state import Kind
from fedctl.guards.entries import Difference, Guard
from fedctl.guards.texts import ConfigView

Ignores = dict[str, tuple[str, ...]]
_Address = Annotated[str, Field(min_length=1, max_length=600)]
_CheckId = Annotated[str, Field(min_length=1, max_length=100)]


Resource = TypeVar("Resource", ServiceAccount, Issuer, Rule)


def _resources(config: Config) -> list[tuple[Address, ServiceAccount | Issuer | Rule]]:
    return [
        *((Address(Kind.SERVICE_ACCOUNT, item.name), item) for item in config.service_accounts),
        *((Address(Kind.ISSUER, item.name), item) for item in config.issuers),
        *((Address(Kind.RULE, item.name), item) for item in config.rules),
    ]


def read_ignores(view: ConfigView) -> Ignores:
    found: Ignores = {}
    for address, resource in _resources(view.config):
        silence = resource.lint
        if silence is not None and silence.ignore:
            found[address] = tuple(sorted(set(silence.ignore)))
    return found


def merge_ignores(values: Sequence[Ignores]) -> Ignores:
    if not values:
        return {}
    shared: Ignores = {}
    for address, ids in values[0].items():
        common = set(ids).intersection(*(set(other.get(address, ())) for other in values[1:]))
        if common:
            shared[address] = tuple(sorted(common))
    return shared


def compare_ignores(trusted: Ignores, proposed: Ignores) -> list[Difference]:
    found: list[Difference] = []
    for address in sorted(proposed.keys() | trusted.keys()):
        now, was = set(proposed.get(address, ())), set(trusted.get(address, ()))
        found += [("weakens", f"{address} now ignores {check}") for check in sorted(now - was)]
        found += [
            ("strengthens", f"{address} no longer ignores {check}") for check in sorted(was - now)
        ]
    return found


def install_ignores(config: Config, effective: Ignores, proposed: Ignores) -> Config:
    """Each resource keeps only the silences every source shares (its reason stays)."""
    if effective == proposed:
        return config
    return dataclasses.replace(
        config,
        service_accounts=tuple(
            _narrowed(item, Address(Kind.SERVICE_ACCOUNT, item.name), effective)
            for item in config.service_accounts
        ),
        issuers=tuple(
            _narrowed(item, Address(Kind.ISSUER, item.name), effective) for item in config.issuers
        ),
        rules=tuple(
            _narrowed(item, Address(Kind.RULE, item.name), effective) for item in config.rules
        ),
    )


def _narrowed(resource: Resource, address: Address, effective: Ignores) -> Resource:
    silence = resource.lint
    if silence is None or not silence.ignore:
        return resource
    kept = [check for check in silence.ignore if check in effective.get(address, ())]
    if kept == list(silence.ignore):
        return resource
    return resource.model_copy(update={"lint": silence.model_copy(update={"ignore": kept})})


LINT_IGNORES: Guard[Ignores] = Guard(
    key="lint.ignore",
    read=read_ignores,
    merge=merge_ignores,
    compare=compare_ignores,
    install=install_ignores,
    dump=lambda value: {address: list(ids) for address, ids in sorted(value.items())},
    stored=TypeAdapter(
        Annotated[
            dict[_Address, Annotated[list[_CheckId], Field(max_length=200)]],
            Field(max_length=100_000),
        ]
    ),
    restore=lambda value: {address: tuple(sorted(set(ids))) for address, ids in value.items()},
)
